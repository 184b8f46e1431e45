"""From a file to searchable chunks, and a search over stores (ranking in _search.py)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ... import _chunks, _multipart, _search
from ..._context import Context
from ..._limits import TEXT_CACHE_CHARS
from ..._resource import Record
from .. import files

Outcome = str | dict[str, str]  # a file's text, or the `last_error` saying why it has none


@dataclass(frozen=True)
class Result:
    """One passage found: which file, its name, the chunk's text and score."""

    file_id: str
    filename: str
    text: str
    score: float


def chunks_of(uploaded: Record, max_tokens: int, overlap: int) -> list[str] | dict[str, str]:
    """The file's chunks, or the `last_error` that says why it cannot be read."""
    text = read_text(uploaded["filename"], files.content(uploaded))
    if isinstance(text, dict):
        return text
    return _chunks.chunk(text, max_tokens, overlap)


# --- reading a file's text, before the service lock is taken ------------------------------
#
# Reading a file can take a while (a long PDF: seconds), and requests are served one at a
# time under the service lock. So an upload's text is read when the upload arrives, before
# the lock is taken (`prepare`), and kept here by name and content: ingestion, under the
# lock, finds it. The text is a pure function of name and bytes, so a text read again
# (evicted, a restored snapshot, the direct API) is the same text; only its cost moves.


class _Texts:
    """Outcomes by (file name, digest of the bytes), least recently used first, up to
    `TEXT_CACHE_CHARS` characters of text in all; safe to use from any thread."""

    def __init__(self) -> None:
        self._outcomes: OrderedDict[tuple[str, bytes], Outcome] = OrderedDict()
        self._lock = threading.Lock()
        self._chars = 0

    def get(self, key: tuple[str, bytes]) -> Outcome | None:
        with self._lock:
            known = self._outcomes.get(key)
            if known is not None:
                self._outcomes.move_to_end(key)
            return known

    def put(self, key: tuple[str, bytes], outcome: Outcome) -> None:
        with self._lock:
            if key in self._outcomes:
                return
            self._outcomes[key] = outcome
            self._chars += _size(outcome)
            while self._chars > TEXT_CACHE_CHARS and len(self._outcomes) > 1:
                self._chars -= _size(self._outcomes.popitem(last=False)[1])

    def drop(self, key: tuple[str, bytes]) -> None:
        with self._lock:
            outcome = self._outcomes.pop(key, None)
            if outcome is not None:
                self._chars -= _size(outcome)


def _size(outcome: Outcome) -> int:
    return len(outcome) if isinstance(outcome, str) else 0


_TEXTS = _Texts()


def _text_key(filename: str, data: bytes) -> tuple[str, bytes]:
    return (filename, hashlib.blake2b(data, digest_size=20).digest())


def forget_text(filename: str, data: bytes) -> None:
    """A file was deleted: its text goes too (the same bytes uploaded again read again)."""
    _TEXTS.drop(_text_key(filename, data))


def read_text(filename: str, data: bytes) -> Outcome:
    """The text of a file, or its `last_error`; read once, then remembered (bounded)."""
    key = _text_key(filename, data)
    known = _TEXTS.get(key)
    if known is not None:
        return known
    try:
        outcome: Outcome = _chunks.extract_text(filename, data)
    except _chunks.UnsupportedFile as error:
        outcome = {"code": error.code, "message": error.message}
    _TEXTS.put(key, outcome)
    return outcome


def prepare(method: str, url: str, headers: Mapping[str, str], body: bytes) -> None:
    """Reads the text of an `assistants` file being uploaded (the purpose file_search
    reads), outside the service lock. Never raises: the request itself is served, and
    refused if it must be, under the lock."""
    content_type = headers.get("content-type", "")
    if method.upper() != "POST" or not content_type.startswith("multipart/"):
        return
    try:
        if not urlsplit(url).path.rstrip("/").endswith("/openai/files"):
            return
        parts = _multipart.parse(content_type, body)
    except Exception:  # a malformed upload: the handler refuses it
        return
    purpose, upload = parts.get("purpose"), parts.get("file")
    if purpose is not None and upload is not None and purpose.data == b"assistants":
        read_text(upload.filename or "file", upload.data)


def _key(store_id: str) -> tuple[str, str]:
    return ("index", store_id)


def forget_index(ctx: Context, store_id: str) -> None:
    """The store's files changed: its index is rebuilt on the next search."""
    ctx.resource.cache.pop(_key(store_id), None)


def index_for(ctx: Context, store_id: str) -> _search.Index:
    from .records import store_files  # records ingest through this module

    cached = ctx.resource.cache.get(_key(store_id))
    if isinstance(cached, _search.Index):
        return cached
    index = _search.Index()
    for record in store_files(ctx, store_id):
        if record["status"] == "completed":
            index.add(record["id"], record["_chunks"])
    ctx.resource.cache[_key(store_id)] = index
    return index


def search(
    ctx: Context, store_ids: Sequence[str], query: str, limit: int, threshold: float
) -> list[Result]:
    """The best passages for `query` across these stores, best first."""
    indexes = [index_for(ctx, store_id) for store_id in store_ids]
    hits = _search.search_many(indexes, query, limit, threshold)
    return [_result(ctx, hit) for hit in hits]


def _result(ctx: Context, hit: Any) -> Result:
    uploaded = files.store(ctx).get(hit.doc_id)
    name = "file" if uploaded is None else uploaded["filename"]
    return Result(hit.doc_id, name, hit.text, hit.score)
