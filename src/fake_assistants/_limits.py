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


def body_limit(headers: Mapping[str, str]) -> int:
    """How much of a request body is read: uploads may be larger than JSON requests.
    Transports stop reading one chunk past it; the service answers 413 past it."""
    content_type = headers.get("content-type", "")
    return MAX_UPLOAD_BYTES if content_type.startswith("multipart/") else MAX_BODY_BYTES
