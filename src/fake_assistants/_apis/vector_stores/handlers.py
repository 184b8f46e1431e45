"""The vector store endpoints: stores, their files, and file batches."""

from __future__ import annotations

from typing import Any

from ..._context import Context
from ..._errors import ApiError
from ..._ids import HEX
from ..._listing import list_page
from ..._resource import Record
from ..._store import OrderedStore
from ..._validation import Arr, Enum, Num, Obj, Str
from .. import _shared, files
from .._shared import CHUNKING_STRATEGY, METADATA
from . import ingest, records
from .records import find, find_batch, find_file, find_open, observe_file, observe_store

EXPIRES_AFTER = Obj(
    fields={
        "anchor": Enum(values=("last_active_at",)),
        "days": Num(minimum=1, maximum=365, integer=True),
    },
    required=("anchor", "days"),
    nullable=True,
)
CREATE = Obj(
    fields={
        "file_ids": Arr(items=Str(), max_items=500),
        "name": Str(nullable=True),
        "expires_after": EXPIRES_AFTER,
        "chunking_strategy": CHUNKING_STRATEGY,
        "metadata": METADATA,
    }
)
MODIFY = Obj(
    fields={"name": Str(nullable=True), "expires_after": EXPIRES_AFTER, "metadata": METADATA}
)
ADD_FILE = Obj(
    fields={"file_id": Str(), "chunking_strategy": CHUNKING_STRATEGY}, required=("file_id",)
)
ADD_BATCH = Obj(
    fields={
        "file_ids": Arr(items=Str(), min_items=1, max_items=500),
        "chunking_strategy": CHUNKING_STRATEGY,
    },
    required=("file_ids",),
)
FILTER = Enum(values=records.COUNTS)


def _check_files(ctx: Context, file_ids: list[str]) -> None:
    """Every file named must exist, before anything is made."""
    for file_id in file_ids:
        files.find(ctx, file_id)


# --- stores --------------------------------------------------------------------------------


def create(ctx: Context) -> Record:
    body = ctx.json()
    CREATE.check(body, "")
    _check_files(ctx, body.get("file_ids") or [])
    return records.render_store(ctx, records.new_store(ctx, body))


def listing(ctx: Context) -> dict[str, Any]:
    def shown(record: Record) -> Record:
        observe_store(ctx, record["id"])
        return records.render_store(ctx, record)

    return list_page(
        records.stores(ctx),
        ctx.query,
        kind=records.KIND,
        check_id=lambda value, param: _shared.check_id(value, param, records.PREFIX),
        render=shown,
    )


def retrieve(ctx: Context) -> Record:
    record = find(ctx, ctx.params["vector_store_id"])
    observe_store(ctx, record["id"])
    return records.render_store(ctx, record)


def modify(ctx: Context) -> Record:
    record = find_open(ctx, ctx.params["vector_store_id"])
    body = ctx.json()
    MODIFY.check(body, "")
    updated = dict(record)
    for key in ("name", "expires_after"):
        if key in body:
            updated[key] = body[key]
    if "metadata" in body:
        updated["metadata"] = body["metadata"] or {}
    records.stores(ctx).replace(record["id"], updated)
    return records.render_store(ctx, updated)


def delete(ctx: Context) -> dict[str, Any]:
    store_id = ctx.params["vector_store_id"]
    find(ctx, store_id)
    records.stores(ctx).remove(store_id)
    ctx.resource.drop("vector_stores", store_id)
    ingest.forget_index(ctx, store_id)
    _shared.forget_vector_store(ctx, store_id)
    return {"id": store_id, "object": "vector_store.deleted", "deleted": True}


# --- a store's files -----------------------------------------------------------------------


def add_file(ctx: Context) -> Record:
    store_id = find_open(ctx, ctx.params["vector_store_id"])["id"]
    body = ctx.json()
    ADD_FILE.check(body, "")
    _check_files(ctx, [body["file_id"]])
    record = records.add_file(ctx, store_id, body["file_id"], body.get("chunking_strategy"))
    return records.render_file(ctx, record)


def list_files(ctx: Context) -> dict[str, Any]:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    return _file_page(ctx, store_id, None)


def retrieve_file(ctx: Context) -> Record:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    record = observe_file(ctx, find_file(ctx, store_id, ctx.params["file_id"]))
    return records.render_file(ctx, record)


def delete_file(ctx: Context) -> dict[str, Any]:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    file_id = ctx.params["file_id"]
    find_file(ctx, store_id, file_id)
    records.store_files(ctx, store_id).remove(file_id)
    ingest.forget_index(ctx, store_id)
    return {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}


def _file_page(ctx: Context, store_id: str, only: list[str] | None) -> dict[str, Any]:
    """A page of the store's files (or a batch's), observed, with the `filter` query."""
    wanted = ctx.query.get("filter") or None
    if wanted is not None:
        FILTER.check(wanted, "filter")
    chosen: OrderedStore[Record] = OrderedStore()
    for record in records.store_files(ctx, store_id):
        if only is not None and record["id"] not in only:
            continue
        record = observe_file(ctx, record)
        if wanted in (None, record["status"]):
            chosen.add(record["id"], record["created_at"], record)
    return list_page(
        chosen,
        ctx.query,
        kind="file",
        check_id=lambda value, param: None,
        render=lambda record: records.render_file(ctx, record),
        missing=records.FileNotInStore,
    )


# --- file batches --------------------------------------------------------------------------


def create_batch(ctx: Context) -> Record:
    store_id = find_open(ctx, ctx.params["vector_store_id"])["id"]
    body = ctx.json()
    ADD_BATCH.check(body, "")
    _check_files(ctx, body["file_ids"])
    strategy = body.get("chunking_strategy")
    for file_id in body["file_ids"]:
        records.add_file(ctx, store_id, file_id, strategy)
    now = ctx.now()
    batch: Record = {
        "id": ctx.resource.ids.new("vsfb_", HEX, 32),
        "object": "vector_store.file_batch",
        "created_at": now,
        "status": "in_progress",
        "vector_store_id": store_id,
        "file_counts": {},
        "_file_ids": list(dict.fromkeys(body["file_ids"])),
    }
    records.batches(ctx, store_id).add(batch["id"], now, batch)
    return records.render_batch(ctx, batch)


def _batch(ctx: Context) -> Record:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    return find_batch(ctx, store_id, ctx.params["batch_id"])


def retrieve_batch(ctx: Context) -> Record:
    batch = _batch(ctx)
    for file_id in batch["_file_ids"]:
        known = records.store_files(ctx, batch["vector_store_id"]).get(file_id)
        if known is not None:
            observe_file(ctx, known)
    return records.render_batch(ctx, batch)


def cancel_batch(ctx: Context) -> Record:
    batch = _batch(ctx)
    shown = records.render_batch(ctx, batch)
    if shown["status"] != "in_progress":
        raise ApiError(f"Cannot cancel a vector store file batch with status '{shown['status']}'.")
    members = records.store_files(ctx, batch["vector_store_id"])
    for file_id in batch["_file_ids"]:
        record = members.get(file_id)
        if record is not None and record["status"] == "in_progress":
            members.replace(file_id, {**record, "status": "cancelled"})
    cancelled = {**batch, "status": "cancelled"}
    records.batches(ctx, batch["vector_store_id"]).replace(batch["id"], cancelled)
    return records.render_batch(ctx, cancelled)


def list_batch_files(ctx: Context) -> dict[str, Any]:
    batch = _batch(ctx)
    return _file_page(ctx, batch["vector_store_id"], batch["_file_ids"])


STORE = "/openai/vector_stores/{vector_store_id}"
BATCH = f"{STORE}/file_batches/{{batch_id}}"
ROUTES = [
    ("POST", "/openai/vector_stores", create),
    ("GET", "/openai/vector_stores", listing),
    ("GET", STORE, retrieve),
    ("POST", STORE, modify),
    ("DELETE", STORE, delete),
    ("POST", f"{STORE}/files", add_file),
    ("GET", f"{STORE}/files", list_files),
    ("GET", f"{STORE}/files/{{file_id}}", retrieve_file),
    ("DELETE", f"{STORE}/files/{{file_id}}", delete_file),
    ("POST", f"{STORE}/file_batches", create_batch),
    ("GET", BATCH, retrieve_batch),
    ("POST", f"{BATCH}/cancel", cancel_batch),
    ("GET", f"{BATCH}/files", list_batch_files),
]


def forget_file(ctx: Context, file_id: str) -> None:
    """A deleted file leaves every store that holds it, as on the service."""
    for key, store in ctx.resource.stores().items():
        if len(key) == 3 and key[0] == "vector_stores" and key[2] == "files" and file_id in store:
            store.remove(file_id)
            ingest.forget_index(ctx, key[1])
