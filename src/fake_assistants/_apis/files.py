"""The files API (`/openai/files`): uploads, listing, download, delete.

Azure answers by purpose, as captured: an `assistants` upload is 200 with an
`assistant-` id; `batch` and `fine-tune` uploads are 201 with a `Location` header and a
`file-` + 32 hex id, in their own key order. Content is kept in the record, never shown.
"""

from __future__ import annotations

from typing import Any

from .. import _multipart
from .._context import Context
from .._errors import ApiError, BodyTooLarge
from .._http import Response
from .._ids import HEX
from .._limits import MAX_FILE_BYTES
from .._listing import list_page
from .._resource import Record
from .._store import OrderedStore
from .._validation import Enum

PURPOSES = ("fine-tune", "assistants", "batch", "evals")  # accepted at upload
NATIVE = frozenset({"batch", "fine-tune"})  # Azure's own upload route: 201 + Location
NO_DOWNLOAD = frozenset({"assistants"})
ORDER = Enum(values=("asc", "desc"))


class FileNotFound(ApiError):
    status = 404

    def __init__(self, file_id: str) -> None:
        super().__init__(f"No such File object: {file_id}", "id")


def store(ctx: Context, purpose: str | None = None) -> OrderedStore[Record]:
    """All files, or those of one purpose (kept apart for the `purpose` filter)."""
    if purpose is None:
        return ctx.resource.store("files")
    return ctx.resource.store("files", "purpose", purpose)


def find(ctx: Context, file_id: str) -> Record:
    record = store(ctx).get(file_id)
    if record is None:
        raise FileNotFound(file_id)
    return record


def add(
    ctx: Context, purpose: str, filename: str, data: bytes | None, *, size: bool = True
) -> Record:
    """Stores a file (an upload, or one a tool made); `size=False` shows `bytes: null`,
    as Azure shows the images code interpreter makes."""
    now = ctx.now()
    if purpose in NATIVE:
        file_id = ctx.resource.ids.new("file-", HEX, 32)
    else:
        file_id = ctx.resource.ids.new("assistant-")
    record: Record = {
        "object": "file",
        "id": file_id,
        "purpose": purpose,
        "filename": filename,
        "bytes": len(data or b"") if size else None,
        "created_at": now,
        "status": "processed",
        "status_details": None,
        "_content": data or b"",
    }
    for key in (None, purpose):
        store(ctx, key).add(file_id, now, record)
    return record


def content(record: Record) -> bytes:
    data: bytes = record["_content"]
    return data


# --- handlers ------------------------------------------------------------------------------


def upload(ctx: Context) -> Any:
    parts = _multipart.parse(ctx.headers.get("content-type", ""), ctx.body)
    for name in ("purpose", "file"):
        if name not in parts:
            raise ApiError(f"'{name}' is a required property", name)
    purpose = parts["purpose"].data.decode("utf-8", "replace")
    if purpose not in PURPOSES:
        listed = ", ".join(repr(p) for p in PURPOSES)
        raise ApiError(f"'{purpose}' is not one of [{listed}] - 'purpose'", "purpose")
    upload = parts["file"]
    if not upload.data:
        raise ApiError("File is empty.", "file")
    if len(upload.data) > MAX_FILE_BYTES:
        raise BodyTooLarge(MAX_FILE_BYTES)
    record = add(ctx, purpose, upload.filename or "file", upload.data)
    shown = render(record)
    if ctx.version.file_expires_at and purpose not in NATIVE:  # as recorded, on upload only
        shown = _with_expires_at(shown)
    if purpose in NATIVE:
        location = f"https://{ctx.resource.host}/openai/files/{record['id']}?api-version={ctx.version.name}"
        return Response.of_json(shown, status=201, headers=(("location", location),))
    return shown


def listing(ctx: Context) -> dict[str, Any]:
    purpose = ctx.query.get("purpose") or None
    # A read makes nothing: a purpose no file has lists from an empty store, not kept.
    listed = store(ctx) if purpose is None else ctx.resource.existing("files", "purpose", purpose)
    page = list_page(
        OrderedStore() if listed is None else listed,
        {key: value for key, value in ctx.query.items() if key != "before"},
        kind="file",
        check_id=lambda value, param: None,
        render=render,
        limits=(10_000, 10_000),
        missing=FileNotFound,
    )
    return {key: page[key] for key in ("object", "data", "has_more", "first_id", "last_id")}


def retrieve(ctx: Context) -> Record:
    return render(find(ctx, ctx.params["file_id"]))


def download(ctx: Context) -> Response:
    record = find(ctx, ctx.params["file_id"])
    if record["purpose"] in NO_DOWNLOAD:
        raise ApiError(f"Not allowed to download files of purpose: {record['purpose']}")
    return Response(200, (("content-type", "application/octet-stream"),), content(record))


def delete(ctx: Context) -> dict[str, Any]:
    file_id = ctx.params["file_id"]
    record = find(ctx, file_id)
    from .vector_stores import forget_file, ingest  # stores hold files: imported here

    for key in (None, record["purpose"]):
        store(ctx, key).remove(file_id)
    forget_file(ctx, file_id)
    ingest.forget_text(record["filename"], content(record))
    return {"object": "file", "deleted": True, "id": file_id}


def stored_content(ctx: Context) -> Response:
    """The bytes as stored, whatever the purpose (the direct API's `files.content`)."""
    record = find(ctx, ctx.params["file_id"])
    return Response(200, (("content-type", "application/octet-stream"),), content(record))


DIRECT_ROUTES = [("GET", "/openai/files/{file_id}/stored_content", stored_content)]
ROUTES = [
    ("POST", "/openai/files", upload),
    ("GET", "/openai/files", listing),
    ("GET", "/openai/files/{file_id}", retrieve),
    ("DELETE", "/openai/files/{file_id}", delete),
    ("GET", "/openai/files/{file_id}/content", download),
]


# --- rendering -----------------------------------------------------------------------------

_NATIVE_KEYS = ("status", "bytes", "purpose", "filename", "id", "created_at", "object")


def _with_expires_at(shown: Record) -> Record:
    keys = list(shown)
    at = keys.index("created_at") + 1
    return (
        {key: shown[key] for key in keys[:at]}
        | {"expires_at": None}
        | {key: shown[key] for key in keys[at:]}
    )


def render(record: Record) -> Record:
    if record["purpose"] in NATIVE:
        return {key: record[key] for key in _NATIVE_KEYS}
    return {key: value for key, value in record.items() if not key.startswith("_")}
