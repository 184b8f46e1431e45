"""From a file to searchable chunks, and a search over stores (ranking in _search.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ... import _chunks, _search
from ..._context import Context
from ..._resource import Record
from .. import files


@dataclass(frozen=True)
class Result:
    """One passage found: which file, its name, the chunk's text and score."""

    file_id: str
    filename: str
    text: str
    score: float


def chunks_of(uploaded: Record, max_tokens: int, overlap: int) -> list[str] | dict[str, str]:
    """The file's chunks, or the `last_error` that says why it cannot be read."""
    try:
        text = _chunks.extract_text(uploaded["filename"], files.content(uploaded))
    except _chunks.UnsupportedFile as error:
        return {"code": error.code, "message": error.message}
    return _chunks.chunk(text, max_tokens, overlap)


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
