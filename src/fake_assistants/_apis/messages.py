"""The messages API: a thread's messages, made by users or by runs."""

from __future__ import annotations

from functools import cache
from operator import itemgetter
from typing import Any

from .._context import Context
from .._errors import ApiError
from .._listing import list_page
from .._resource import Record
from .._store import OrderedStore
from .._validation import Arr, Enum, Node, Obj, OneOf, Str, Tagged
from .._versions import ApiVersion

# Modules, not names: files, threads and runs import this one too, so each name is read
# when called (an import inside a function would cost every request).
from . import _shared, files, runs, threads
from ._shared import METADATA, TYPE

KIND = "message"
PREFIX = "msg"
PARAM = "message_id"
MAX_CONTENT = 256_000

_DETAIL = Enum(values=("auto", "low", "high"))
_PARTS = Tagged(
    variants={
        "text": Obj(fields={"type": TYPE, "text": Str()}, required=("text",)),
        "image_file": Obj(
            fields={
                "type": TYPE,
                "image_file": Obj(
                    fields={"file_id": Str(), "detail": _DETAIL}, required=("file_id",)
                ),
            },
            required=("image_file",),
        ),
        "image_url": Obj(
            fields={
                "type": TYPE,
                "image_url": Obj(fields={"url": Str(), "detail": _DETAIL}, required=("url",)),
            },
            required=("image_url",),
        ),
    }
)
_ATTACHMENT = Obj(
    fields={
        "file_id": Str(),
        "tools": Arr(
            items=Tagged(
                variants={
                    "code_interpreter": Obj(fields={"type": TYPE}),
                    "file_search": Obj(fields={"type": TYPE}),
                }
            )
        ),
    },
    required=("file_id", "tools"),
)


@cache
def body_schema(version: ApiVersion) -> Obj:
    """A message to create: in a thread, in `thread.messages`, in `additional_messages`."""
    text = Str(min_length=1, max_length=MAX_CONTENT)
    fields: dict[str, Node] = {"role": Enum(values=("user", "assistant"))}
    if version.generation == 1:
        fields["content"] = text
        fields["file_ids"] = Arr(items=Str(), max_items=10)
    else:
        fields["content"] = OneOf(options=(text, Arr(items=_PARTS, min_items=1)))
        fields["attachments"] = Arr(items=_ATTACHMENT, nullable=True)
    fields["metadata"] = METADATA
    return Obj(fields=fields, required=("role", "content"))


MODIFY = Obj(fields={"metadata": METADATA})


def store(ctx: Context, thread_id: str, run_id: str | None = None) -> OrderedStore[Record]:
    if run_id is None:
        return ctx.resource.store("threads", thread_id, "messages")
    return ctx.resource.store("threads", thread_id, "runs", run_id, "messages")


def check(ctx: Context, body: dict[str, Any], path: str = "") -> None:
    """The body's shape, then the files it names (attachments, image parts) exist."""
    body_schema(ctx.version).check(body, path)
    named = [item["file_id"] for item in body.get("attachments") or []]
    named += body.get("file_ids") or []
    if isinstance(body["content"], list):
        named += [p["image_file"]["file_id"] for p in body["content"] if p["type"] == "image_file"]
    for file_id in named:
        files.find(ctx, file_id)


# --- making messages -----------------------------------------------------------------------


def add(ctx: Context, thread_id: str, body: dict[str, Any]) -> Record:
    """Stores a message from a checked create body (a user's, or one they wrote for the
    assistant)."""
    now = ctx.now()
    record = _record(ctx, thread_id, now, role=body["role"], run=None)
    record.update(
        status="completed",
        completed_at=now,
        content=_content(body["content"]),
        attachments=_attachments(body),
        metadata=body.get("metadata") or {},
    )
    store(ctx, thread_id).add(record["id"], now, record)
    _index_attachments(ctx, thread_id, record["attachments"])
    return record


def thread_store() -> dict[str, Any]:
    """What the service gives the stores that thread helpers and attachments make:
    they expire after 7 days unused."""
    return {"expires_after": {"anchor": "last_active_at", "days": 7}}


def _index_attachments(ctx: Context, thread_id: str, attachments: list[dict[str, Any]]) -> None:
    """As on the service: files attached for file_search join the thread's vector store,
    which the first such file makes (named for the thread, expiring after 7 days
    unused) when the thread has none."""
    from .vector_stores.records import add_file, find_open, new_store

    file_ids = [
        item["file_id"]
        for item in attachments
        if any(tool["type"] == "file_search" for tool in item["tools"])
    ]
    if not file_ids:
        return
    thread = threads.find(ctx, thread_id)
    current = (thread["tool_resources"].get("file_search") or {}).get("vector_store_ids") or []
    try:
        store_id = find_open(ctx, current[0])["id"] if current else None
    except ApiError:  # deleted or expired: the thread gets a new one
        store_id = None
    if store_id is not None:
        for file_id in dict.fromkeys(file_ids):
            add_file(ctx, store_id, file_id, None)
        return
    helper = {
        "name": f"Vector store for {thread_id}",
        **thread_store(),
        "file_ids": list(dict.fromkeys(file_ids)),
    }
    made = new_store(ctx, helper)["id"]
    resources = {**thread["tool_resources"], "file_search": {"vector_store_ids": [made]}}
    threads.store(ctx).replace(thread_id, {**thread, "tool_resources": resources})


def start_reply(ctx: Context, thread_id: str, run: Record) -> Record:
    """The assistant's message a run starts writing: in progress, no content yet."""
    now = ctx.now()
    record = _record(ctx, thread_id, now, role="assistant", run=run)
    for key in (None, run["id"]):
        store(ctx, thread_id, key).add(record["id"], now, record)
    return record


def save(ctx: Context, record: Record) -> None:
    """Puts a changed message back, in the thread's store and its run's."""
    thread_id = record["thread_id"]
    store(ctx, thread_id).replace(record["id"], record)
    if record["run_id"] is not None:
        store(ctx, thread_id, record["run_id"]).replace(record["id"], record)


def _record(ctx: Context, thread_id: str, now: int, role: str, run: Record | None) -> Record:
    return {
        "id": ctx.resource.ids.new("msg_"),
        "object": "thread.message",
        "created_at": now,
        "assistant_id": None if run is None else run["assistant_id"],
        "thread_id": thread_id,
        "run_id": None if run is None else run["id"],
        "status": "in_progress",
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": None,
        "role": role,
        "content": [],
        "attachments": [],
        "metadata": {},
    }


def text_part(value: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": annotations or []}}


def _content(sent: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(sent, str):
        return [text_part(sent)]
    return [_part(part) for part in sent]


def _part(part: dict[str, Any]) -> dict[str, Any]:
    if part["type"] == "text":
        return text_part(part["text"])
    if part["type"] == "image_url":  # shown with its default detail (recorded)
        image = part["image_url"]
        return {
            "type": "image_url",
            "image_url": {"url": image["url"], "detail": image.get("detail", "auto")},
        }
    return part


def _attachments(body: dict[str, Any]) -> list[dict[str, Any]]:
    if "file_ids" in body:  # v1: files for retrieval, v2's file_search
        tools = [{"type": "file_search"}]
        return [{"file_id": file_id, "tools": tools} for file_id in body["file_ids"]]
    return list(body.get("attachments") or [])


# --- handlers ------------------------------------------------------------------------------


def _thread(ctx: Context) -> str:
    thread_id = ctx.params["thread_id"]
    threads.find(ctx, thread_id)
    return thread_id


def find(ctx: Context, thread_id: str, message_id: str) -> Record:
    return _shared.find(store(ctx, thread_id), message_id, KIND, PREFIX, PARAM)


def create(ctx: Context) -> Record:
    thread_id = _thread(ctx)
    body = ctx.json()
    check(ctx, body)
    running = runs.active_run(ctx, thread_id)
    if running is not None:
        raise ApiError(f"Can't add messages to {thread_id} while a run {running['id']} is active.")
    return render(add(ctx, thread_id, body), ctx.version)


def listing(ctx: Context) -> dict[str, Any]:
    thread_id = _thread(ctx)
    run_id = ctx.query.get("run_id") or None
    found = store(ctx, thread_id) if run_id is None else _run_messages(ctx, thread_id, run_id)
    return list_page(
        found,
        ctx.query,
        kind=KIND,
        check_id=lambda value, param: _shared.check_id(value, param, PREFIX),
        render=lambda record: render(record, ctx.version),
    )


def _run_messages(ctx: Context, thread_id: str, run_id: str) -> OrderedStore[Record]:
    """The messages a run wrote; none (an empty store, not kept) for any other id."""
    found = ctx.resource.existing("threads", thread_id, "runs", run_id, "messages")
    return OrderedStore() if found is None else found


def retrieve(ctx: Context) -> Record:
    thread_id = _thread(ctx)
    return render(find(ctx, thread_id, ctx.params[PARAM]), ctx.version)


def modify(ctx: Context) -> Record:
    thread_id = _thread(ctx)
    current = find(ctx, thread_id, ctx.params[PARAM])
    body = ctx.json()
    MODIFY.check(body, "")
    updated = dict(current)
    if "metadata" in body:
        updated["metadata"] = body["metadata"] or {}
    save(ctx, updated)
    shown = render(updated, ctx.version)
    if not ctx.version.modified_message_file_ids:
        return shown
    # As recorded, this answer alone shows v1's `file_ids` (empty) where `attachments` were;
    # the message keeps its attachments (retrieve and list show them).
    return {
        ("file_ids" if key == "attachments" else key): [] if key == "attachments" else value
        for key, value in shown.items()
    }


def delete(ctx: Context) -> dict[str, Any]:
    thread_id = _thread(ctx)
    message_id = ctx.params[PARAM]
    record = find(ctx, thread_id, message_id)
    store(ctx, thread_id).remove(message_id)
    if record["run_id"] is not None:
        store(ctx, thread_id, record["run_id"]).remove(message_id)
    return {"id": message_id, "object": "thread.message.deleted", "deleted": True}


ROUTES = [
    ("POST", "/openai/threads/{thread_id}/messages", create),
    ("GET", "/openai/threads/{thread_id}/messages", listing),
    ("GET", "/openai/threads/{thread_id}/messages/{message_id}", retrieve),
    ("POST", "/openai/threads/{thread_id}/messages/{message_id}", modify),
    ("DELETE", "/openai/threads/{thread_id}/messages/{message_id}", delete),
]


# --- rendering -----------------------------------------------------------------------------

_REST_KEYS = (
    "id", "object", "created_at", "assistant_id", "thread_id", "run_id", "role", "content",
    "attachments", "metadata",
)  # fmt: skip


_rest_values = itemgetter(*_REST_KEYS)  # in C: every message shown pays for this


def render(record: Record, version: ApiVersion) -> Record:
    """The message as REST shows it: without the status keys only stream events carry."""
    shown = dict(zip(_REST_KEYS, _rest_values(record), strict=True))
    if version.generation == 1:  # v1's own key order (recorded: CanCreateAndModifyMessages)
        file_ids = [item["file_id"] for item in shown["attachments"]]
        return {**{key: shown[key] for key in _V1_HEAD}, "file_ids": file_ids} | {
            key: shown[key] for key in _V1_TAIL
        }
    return shown


_V1_HEAD = ("id", "object", "created_at", "thread_id", "role", "content")
_V1_TAIL = ("assistant_id", "run_id", "metadata")
