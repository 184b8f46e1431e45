"""The vector store endpoints: stores, their files, and file batches."""

from __future__ import annotations

from typing import Any

from ..._context import Context
from ..._errors import ApiError, ResourceNotFound
from ..._http import Response
from ..._ids import HEX
from ..._listing import list_page, page_of, read_query
from ..._resource import Record
from ..._validation import Arr, Enum, Node, Num, Obj, Str
from ..._versions import ApiVersion
from .. import _shared, files
from .._shared import CHUNKING_STRATEGY, METADATA
from . import ingest, records, searches
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
POLL_AFTER_MS = "1"  # what the SDK's poll helpers wait between polls (the service: unsent)
UPDATE_FILE = Obj(fields={"attributes": searches.ATTRIBUTES}, required=("attributes",))


def _taking_attributes(schema: Obj) -> Obj:
    fields: dict[str, Node] = {**schema.fields, "attributes": searches.ATTRIBUTES}
    return Obj(fields=fields, required=schema.required)


_WITH_ATTRIBUTES = {id(body): _taking_attributes(body) for body in (ADD_FILE, ADD_BATCH)}


def with_attributes(schema: Obj, version: ApiVersion) -> Obj:
    """A file or batch body, taking `attributes` where the api-version has them."""
    return _WITH_ATTRIBUTES[id(schema)] if version.file_attributes else schema


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
    with_attributes(ADD_FILE, ctx.version).check(body, "")
    _check_files(ctx, [body["file_id"]])
    record = _add_file(ctx, store_id, body["file_id"], body)
    return records.render_file(ctx, record)


def _add_file(ctx: Context, store_id: str, file_id: str, body: dict[str, Any]) -> Record:
    """A file joins the store with the body's chunking and attributes (a file already
    there stays as it is)."""
    new = file_id not in records.store_files(ctx, store_id)
    record = records.add_file(ctx, store_id, file_id, body.get("chunking_strategy"))
    if new and body.get("attributes") is not None:
        record = {**record, "attributes": body["attributes"]}
        records.store_files(ctx, store_id).replace(file_id, record)
    return record


def update_file(ctx: Context) -> Record:
    """New `attributes` for a file of the store (null takes them away)."""
    if not ctx.version.file_attributes:
        raise ResourceNotFound()  # the gateway's answer for a path the version lacks
    store_id = find_open(ctx, ctx.params["vector_store_id"])["id"]
    record = find_file(ctx, store_id, ctx.params["file_id"])
    body = ctx.json()
    UPDATE_FILE.check(body, "")
    record = {key: value for key, value in record.items() if key != "attributes"}
    if body["attributes"] is not None:
        record["attributes"] = body["attributes"]
    records.store_files(ctx, store_id).replace(record["id"], record)
    return records.render_file(ctx, observe_file(ctx, record))


def list_files(ctx: Context) -> dict[str, Any]:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    return _file_page(ctx, store_id, None)


def retrieve_file(ctx: Context) -> Any:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    record = observe_file(ctx, find_file(ctx, store_id, ctx.params["file_id"]))
    return _polled(records.render_file(ctx, record), record["status"] == "in_progress")


def _polled(shown: Record, pending: bool) -> Any:
    """An answer the SDK's poll helpers read: while ingestion is pending they wait as
    long as `openai-poll-after-ms` says (1 s without it), so it is sent, as for runs."""
    if not pending:
        return shown
    return Response.of_json(shown, headers=(("openai-poll-after-ms", POLL_AFTER_MS),))


def delete_file(ctx: Context) -> dict[str, Any]:
    store_id = find(ctx, ctx.params["vector_store_id"])["id"]
    file_id = ctx.params["file_id"]
    find_file(ctx, store_id, file_id)
    records.store_files(ctx, store_id).remove(file_id)
    ingest.forget_index(ctx, store_id)
    return {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}


def _file_page(ctx: Context, store_id: str, only: list[str] | None) -> dict[str, Any]:
    """A page of the store's files (or a batch's), observed, with the `filter` query.
    The query is checked first: a refused listing moves no ingestion on. Any id the
    store knew is a cursor, whatever the filter and deleted or not."""
    wanted = ctx.query.get("filter") or None
    if wanted is not None:
        FILTER.check(wanted, "filter")
    members = records.store_files(ctx, store_id)
    query = read_query(
        members,
        ctx.query,
        kind="file",
        check_id=lambda value, param: None,
        missing=records.FileNotInStore,
    )
    among = None if only is None else set(only)
    chosen: dict[str, Record] = {}
    for record in list(members):
        if among is None or record["id"] in among:
            record = observe_file(ctx, record)
            if wanted in (None, record["status"]):
                chosen[record["id"]] = record
    return page_of(members.subset(chosen), query, lambda record: records.render_file(ctx, record))


# --- file batches --------------------------------------------------------------------------


def create_batch(ctx: Context) -> Record:
    store_id = find_open(ctx, ctx.params["vector_store_id"])["id"]
    body = ctx.json()
    with_attributes(ADD_BATCH, ctx.version).check(body, "")
    _check_files(ctx, body["file_ids"])
    for file_id in body["file_ids"]:
        _add_file(ctx, store_id, file_id, body)
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


def retrieve_batch(ctx: Context) -> Any:
    batch = _batch(ctx)
    for file_id in batch["_file_ids"]:
        known = records.store_files(ctx, batch["vector_store_id"]).get(file_id)
        if known is not None:
            observe_file(ctx, known)
    shown = records.render_batch(ctx, batch)
    return _polled(shown, shown["file_counts"]["in_progress"] > 0)


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
    page = _file_page(ctx, batch["vector_store_id"], batch["_file_ids"])
    return {**page, "data": [records.render_batch_file(shown) for shown in page["data"]]}


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
    ("POST", f"{STORE}/files/{{file_id}}", update_file),
    ("DELETE", f"{STORE}/files/{{file_id}}", delete_file),
    ("POST", f"{STORE}/file_batches", create_batch),
    ("GET", BATCH, retrieve_batch),
    ("POST", f"{BATCH}/cancel", cancel_batch),
    ("GET", f"{BATCH}/files", list_batch_files),
    ("POST", f"{STORE}/search", searches.search),
]


def forget_file(ctx: Context, file_id: str) -> None:
    """A deleted file leaves every store that holds it, as on the service."""
    for key, store in ctx.resource.stores().items():
        if len(key) == 3 and key[0] == "vector_stores" and key[2] == "files" and file_id in store:
            store.remove(file_id)
            ingest.forget_index(ctx, key[1])
