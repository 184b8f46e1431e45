"""Vector stores, their files and file batches: where they are kept, how their state is
derived, how ingestion moves on (when observed, as runs do) and how they are shown."""

from __future__ import annotations

from typing import Any

from ..._context import Context
from ..._errors import ApiError, NotFound
from ..._resource import Record
from ..._store import OrderedStore
from .. import _shared, files
from . import ingest

KIND, PREFIX = "vector store", "vs"
DAY = 86_400
AUTO = {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}  # what `auto` means
FILE_USAGE_OVERHEAD = 1024  # a 21-byte file showed usage_bytes 1045 once ingested
COUNTS = ("in_progress", "completed", "failed", "cancelled")


class FileNotInStore(ApiError):
    status = 404

    def __init__(self, file_id: str) -> None:
        super().__init__(f"No file found with id '{file_id}'.")


class StoreNotFound(ApiError):
    status = 404

    def __init__(self, store_id: str, param: str | None) -> None:
        super().__init__(f"No {KIND} found with id '{store_id}'.", param)


class StoreExpired(ApiError):
    def __init__(self, store_id: str) -> None:
        super().__init__(f"Vector store '{store_id}' has expired.")


def stores(ctx: Context) -> OrderedStore[Record]:
    return ctx.resource.store("vector_stores")


def store_files(ctx: Context, store_id: str) -> OrderedStore[Record]:
    return ctx.resource.store("vector_stores", store_id, "files")


def batches(ctx: Context, store_id: str) -> OrderedStore[Record]:
    return ctx.resource.store("vector_stores", store_id, "file_batches")


def find(ctx: Context, store_id: str) -> Record:
    """The store, or 404 whatever the id looks like (recorded: an `assistant-` id is
    not found, not refused for its prefix; the param is named from 2025-04-01-preview)."""
    record = stores(ctx).get(store_id)
    if record is None:
        param = "vector_store_id" if ctx.version.store_not_found_param else None
        raise StoreNotFound(store_id, param)
    return record


def find_open(ctx: Context, store_id: str) -> Record:
    """A store that takes changes: not expired."""
    record = find(ctx, store_id)
    if expired(ctx, record):
        raise StoreExpired(store_id)
    return record


def find_file(ctx: Context, store_id: str, file_id: str) -> Record:
    record = store_files(ctx, store_id).get(file_id)
    if record is None:
        raise FileNotInStore(file_id)
    return record


def find_batch(ctx: Context, store_id: str, batch_id: str) -> Record:
    record = batches(ctx, store_id).get(batch_id)
    if record is None:
        _shared.check_id(batch_id, "batch_id", "vsfb_")
        raise NotFound("vector store file batch", batch_id)
    return record


# --- making --------------------------------------------------------------------------------


def new_store(ctx: Context, body: dict[str, Any]) -> Record:
    now = ctx.now()
    record: Record = {
        "id": ctx.resource.ids.new("vs_"),
        "object": "vector_store",
        "name": body.get("name"),
        "created_at": now,
        "metadata": body.get("metadata") or {},
        "expires_after": body.get("expires_after"),
        "last_active_at": now,
    }
    stores(ctx).add(record["id"], now, record)
    strategy = body.get("chunking_strategy")
    for file_id in body.get("file_ids") or []:
        add_file(ctx, record["id"], file_id, strategy)
    return record


def add_file(ctx: Context, store_id: str, file_id: str, strategy: dict[str, Any] | None) -> Record:
    """A file joins a store, in progress; the same file again is the same record."""
    known = store_files(ctx, store_id).get(file_id)
    if known is not None:
        return known
    uploaded = files.find(ctx, file_id)
    now = ctx.now()
    record: Record = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": now,
        "vector_store_id": store_id,
        "status": "in_progress",
        "last_error": None,
        "chunking_strategy": {"type": "static", "static": static_of(strategy)},
        "_polls": 0,
        "_bytes": uploaded["bytes"] or 0,
        "_chunks": [],
    }
    store_files(ctx, store_id).add(file_id, now, record)
    touch(ctx, store_id)
    return record


def static_of(strategy: dict[str, Any] | None) -> dict[str, int]:
    if strategy is None or strategy["type"] == "auto":
        return dict(AUTO)
    return dict(strategy["static"])


def touch(ctx: Context, store_id: str) -> None:
    """The store was used: `last_active_at` (and so `expires_at`) moves on."""
    record = stores(ctx).get(store_id)
    if record is not None:
        stores(ctx).replace(store_id, {**record, "last_active_at": ctx.now()})


def shown_expiry(after: dict[str, Any] | None) -> dict[str, Any] | None:
    """`{"anchor", "days"}` in this order whatever the request's (as recorded)."""
    return None if after is None else {"anchor": after["anchor"], "days": after["days"]}


def expires_at(record: Record) -> int | None:
    after = record["expires_after"]
    if after is None:
        return None
    return int(record["last_active_at"]) + int(after["days"]) * DAY


def expired(ctx: Context, record: Record) -> bool:
    at = expires_at(record)
    return at is not None and ctx.now() >= at


# --- ingestion moves on when observed ------------------------------------------------------


def observe_file(ctx: Context, record: Record) -> Record:
    """The file as one observation finds it: after `ingestion_polls` observations it is
    read, chunked and indexed (completed), or failed with the reason."""
    if record["status"] != "in_progress":
        return record
    polls = record["_polls"] + 1
    if polls <= ctx.options.ingestion_polls:
        updated = {**record, "_polls": polls}
    else:
        updated = _ingested(ctx, record)
    store_files(ctx, record["vector_store_id"]).replace(record["id"], updated)
    return updated


def _ingested(ctx: Context, record: Record) -> Record:
    uploaded = files.store(ctx).get(record["id"])
    if uploaded is None:  # deleted while in progress
        error = {"code": "file_not_found", "message": f"File {record['id']} was deleted."}
        return {**record, "status": "failed", "last_error": error}
    static = record["chunking_strategy"]["static"]
    outcome = ingest.chunks_of(
        uploaded, static["max_chunk_size_tokens"], static["chunk_overlap_tokens"]
    )
    if isinstance(outcome, dict):
        return {**record, "status": "failed", "last_error": outcome}
    usage = record["_bytes"] + FILE_USAGE_OVERHEAD
    ingest.forget_index(ctx, record["vector_store_id"])
    return {**record, "status": "completed", "usage_bytes": usage, "_chunks": outcome}


def observe_store(ctx: Context, store_id: str) -> None:
    for record in list(store_files(ctx, store_id)):
        observe_file(ctx, record)


def settle_store(ctx: Context, store_id: str) -> None:
    """Ingests the store's files in progress now: a run waits for its thread's store."""
    for record in list(store_files(ctx, store_id)):
        if record["status"] == "in_progress":
            store_files(ctx, store_id).replace(record["id"], _ingested(ctx, record))


# --- rendering -----------------------------------------------------------------------------


def counts(records: list[Record]) -> dict[str, int]:
    found = {key: 0 for key in COUNTS}
    for record in records:
        found[record["status"]] += 1
    return {**found, "total": len(records)}


def render_store(ctx: Context, record: Record) -> Record:
    """Azure's vector store, in its captured key order (no `description`, unlike OpenAI)."""
    members = list(store_files(ctx, record["id"]))
    file_counts = counts(members)
    if expired(ctx, record):
        status = "expired"
    else:
        status = "in_progress" if file_counts["in_progress"] else "completed"
    return {
        "id": record["id"],
        "object": "vector_store",
        "name": record["name"],
        "status": status,
        "usage_bytes": sum(m["usage_bytes"] for m in members),
        "created_at": record["created_at"],
        "file_counts": file_counts,
        "metadata": record["metadata"],
        "expires_after": shown_expiry(record["expires_after"]),
        "expires_at": expires_at(record),
        "last_active_at": record["last_active_at"],
    }


BATCH_FILE_KEYS = ("id", "object", "created_at", "vector_store_id", "status", "last_error")


def render_batch_file(record: Record) -> Record:
    """A batch's file as its listing shows it (recorded: CanUseBatchIngestion): no usage,
    chunking strategy or attributes, unlike the store's own file listing."""
    return {key: record[key] for key in BATCH_FILE_KEYS}


def render_file(ctx: Context, record: Record) -> Record:
    shown = {key: value for key, value in record.items() if not key.startswith("_")}
    if not ctx.version.at_least(CHUNKING_FROM):
        del shown["chunking_strategy"]
    return shown


CHUNKING_FROM = "2024-07-01-preview"  # recorded there (CanAssociateFiles)


def render_batch(ctx: Context, record: Record) -> Record:
    members = [
        m
        for m in (store_files(ctx, record["vector_store_id"]).get(f) for f in record["_file_ids"])
        if m
    ]
    file_counts = counts(members)
    status = record["status"]
    if status == "in_progress" and not file_counts["in_progress"]:
        status = "completed"
    shown = {key: value for key, value in record.items() if not key.startswith("_")}
    return {**shown, "status": status, "file_counts": file_counts}
