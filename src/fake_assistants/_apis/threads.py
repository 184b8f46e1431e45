"""The threads API: create (with messages), retrieve, modify, delete."""

from __future__ import annotations

from functools import cache
from typing import Any

from .._context import Context
from .._listing import list_page
from .._resource import Record
from .._store import OrderedStore
from .._validation import Arr, Node, Obj, join
from .._versions import ApiVersion
from . import _shared, messages, tool_resources
from ._shared import METADATA

KIND = "thread"
PREFIX = "thread"
PARAM = "thread_id"


@cache
def body_schema(version: ApiVersion, on_create: bool) -> Obj:
    fields: dict[str, Node] = {}
    if on_create:
        fields["messages"] = Arr(items=messages.body_schema(version))
    if version.generation == 2:
        fields["tool_resources"] = _shared.tool_resources(on_create)
    fields["metadata"] = METADATA
    return Obj(fields=fields)


def store(ctx: Context) -> OrderedStore[Record]:
    return ctx.resource.store("threads")


def find(ctx: Context, thread_id: str) -> Record:
    return _shared.find(store(ctx), thread_id, KIND, PREFIX, PARAM)


def check(ctx: Context, body: dict[str, Any], path: str = "") -> None:
    """Checks a create body (also the `thread` of create-thread-and-run) whole."""
    body_schema(ctx.version, on_create=True).check(body, path)
    for index, message in enumerate(body.get("messages") or []):
        messages.check(ctx, message, join(path, f"messages[{index}]"))
    tool_resources.check_references(ctx, body.get("tool_resources"))


def new(ctx: Context, body: dict[str, Any]) -> Record:
    """Makes a thread from a checked create body, with its messages."""
    now = ctx.now()
    record: Record = {
        "id": ctx.resource.ids.new("thread_"),
        "object": "thread",
        "created_at": now,
        "metadata": body.get("metadata") or {},
        "tool_resources": tool_resources.apply_tool_resources(
            ctx, {}, body.get("tool_resources"), messages.thread_store()
        ),
    }
    store(ctx).add(record["id"], now, record)
    for message in body.get("messages") or []:
        messages.add(ctx, record["id"], message)  # attachments may give it a vector store
    return find(ctx, record["id"])


# --- handlers ------------------------------------------------------------------------------


def create(ctx: Context) -> Record:
    body = ctx.json()
    check(ctx, body)
    return render(new(ctx, body), ctx.version)


def retrieve(ctx: Context) -> Record:
    shown = render(find(ctx, ctx.params[PARAM]), ctx.version, read=True)
    if not ctx.version.thread_search_indexes:
        return shown
    # As recorded, a retrieve (only: no capture of other reads) shows Azure AI Search too.
    resources = {**shown["tool_resources"]}
    resources.setdefault("azure_ai_search", {"indexes": []})
    return {**shown, "tool_resources": resources}


def modify(ctx: Context) -> Record:
    thread_id = ctx.params[PARAM]
    current = find(ctx, thread_id)
    body = ctx.json()
    body_schema(ctx.version, on_create=False).check(body, "")
    tool_resources.check_references(ctx, body.get("tool_resources"))
    updated = dict(current)
    if "metadata" in body:
        updated["metadata"] = body["metadata"] or {}
    if "tool_resources" in body:
        updated["tool_resources"] = tool_resources.apply_tool_resources(
            ctx, current["tool_resources"], body["tool_resources"]
        )
    store(ctx).replace(thread_id, updated)
    return render(updated, ctx.version)


def delete(ctx: Context) -> dict[str, Any]:
    thread_id = ctx.params[PARAM]
    find(ctx, thread_id)
    store(ctx).remove(thread_id)
    ctx.resource.drop("threads", thread_id)  # its messages, runs and steps go with it
    return {"id": thread_id, "object": "thread.deleted", "deleted": True}


def listing(ctx: Context) -> dict[str, Any]:
    """Threads have no list endpoint on the service; the direct API lists them."""
    return list_page(
        store(ctx),
        ctx.query,
        kind=KIND,
        check_id=lambda value, param: _shared.check_id(value, param, PREFIX),
        render=lambda record: render(record, ctx.version, read=True),
    )


ROUTES = [
    ("POST", "/openai/threads", create),
    ("GET", "/openai/threads/{thread_id}", retrieve),
    ("POST", "/openai/threads/{thread_id}", modify),
    ("DELETE", "/openai/threads/{thread_id}", delete),
]


DIRECT_ROUTES = [("GET", "/openai/threads", listing)]


# --- rendering -----------------------------------------------------------------------------


def render(record: Record, version: ApiVersion, read: bool = False) -> Record:
    """The thread as shown. As captured, a read (retrieve, stream events) shows the code
    interpreter's empty resource entry that create and modify leave out."""
    if version.generation == 1:
        return {key: record[key] for key in ("id", "object", "created_at", "metadata")}
    if read and "code_interpreter" not in record["tool_resources"]:
        resources = {"code_interpreter": {"file_ids": []}, **record["tool_resources"]}
        return {**record, "tool_resources": resources}
    return record
