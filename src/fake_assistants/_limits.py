"""Limits every layer shares."""

from __future__ import annotations

from collections.abc import Mapping

# The largest JSON request body taken (32 MiB): far above any valid JSON request of these
# APIs, small enough that a runaway stream cannot eat the machine.
MAX_BODY_BYTES = 32 * 1024 * 1024
# Files: 512 MB a file, as Azure's quotas page says; a multipart body may be that plus
# its form fields and boundaries.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 1024 * 1024


# What a file may expand to when file_search reads it; past any bound the file fails
# `invalid_file` (docs/fidelity.md). They keep a small upload from costing minutes or
# gigabytes (a decompression bomb), and keep every read linear and bounded.
# The text read from one file (about 400,000 tokens): chunking and indexing it, under the
# lock, take a second or two.
MAX_TEXT_CHARS = 2 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000  # entries in a docx/pptx archive
# All the XML parts read from one docx/pptx: expat calls Python for each element, so
# dense XML reads at 2-4 MiB a second (32 MiB: under 15 s at worst, outside the lock).
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_PDF_PAGES = 2_000
# pypdf reads a page's drawing operators in Python, at 80-400 KB a second (measured):
# their decoded bytes (a page's content and its forms), summed over every page (pages
# may share one stream), are bounded. A page of text draws with a few KB.
MAX_PDF_CONTENT_BYTES = 2 * 1024 * 1024
# Texts read from uploads are kept (by name and content) for ingestion, up to this many
# characters in all: the least recently used go first.
TEXT_CACHE_CHARS = 4 * MAX_TEXT_CHARS
# The journal keeps calls while their request and response bodies fit in this budget
# (the newest call is always kept), besides its `journal_limit` count.
JOURNAL_BYTES = 64 * 1024 * 1024


def body_limit(headers: Mapping[str, str]) -> int:
    """How much of a request body is read: uploads may be larger than JSON requests.
    Transports stop reading one chunk past it; the service answers 413 past it."""
    content_type = headers.get("content-type", "")
    return MAX_UPLOAD_BYTES if content_type.startswith("multipart/") else MAX_BODY_BYTES
