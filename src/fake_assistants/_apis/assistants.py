"""The assistants API: its schema per api-version, its handlers and its JSON shape."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from .._context import Context
from .._errors import ModelNotFound
from .._listing import list_page
from .._resource import Record
from .._store import OrderedStore
from .._validation import Node, Num, Obj, Str
from .._versions import ApiVersion
from . import _shared, tool_resources
from ._shared import METADATA

KIND = "assistant"
PREFIX = "asst"
PARAM = "assistant_id"


@cache
def body_schema(version: ApiVersion, on_create: bool) -> Obj:
    """The create (model required) or modify body of this api-version."""
    max_instructions = 256_000 if on_create and version.generation == 2 else 32_768
    fields: dict[str, Node] = {
        "model": Str(min_length=1),
        "name": Str(max_length=256, nullable=True),
        "description": Str(max_length=512, nullable=True),
        "instructions": Str(max_length=max_instructions, nullable=True),
        "tools": _shared.tools(version, max_items=128),
    }
    if version.generation == 1:
        fields["file_ids"] = _shared.FILE_IDS_20
    else:
        fields["tool_resources"] = _shared.tool_resources(on_create)
    fields["metadata"] = METADATA
    if version.generation == 2:
        fields["temperature"] = Num(minimum=0, maximum=2, nullable=True)
        fields["top_p"] = Num(minimum=0, maximum=1, nullable=True)
        fields["response_format"] = _shared.response_format(version)
    return Obj(fields=fields, required=("model",) if on_create else ())


def check_id(value: str, param: str = PARAM) -> None:
    _shared.check_id(value, param, PREFIX)


def store(ctx: Context) -> OrderedStore[Record]:
    return ctx.resource.store("assistants")


def find(ctx: Context, assistant_id: str) -> Record:
    return _shared.find(store(ctx), assistant_id, KIND, PREFIX, PARAM)


# --- handlers (HTTP and the direct API alike) -----------------------------------------------


def create(ctx: Context) -> Record:
    body = ctx.json()
    body_schema(ctx.version, on_create=True).check(body, "")
    check_model(body, ctx.deployments)
    tool_resources.check_references(ctx, body.get("tool_resources"))
    now = ctx.now()
    record: Record = {
        "id": ctx.resource.ids.new("asst_"),
        "object": "assistant",
        "created_at": now,
        "name": None,
        "description": None,
        "model": body["model"],
        "instructions": None,
        "tools": [],
        "top_p": 1.0,
        "temperature": 1.0,
        "tool_resources": {},
        "metadata": {},
        "response_format": "auto",
    }  # the captured key order (BasicAssistantOperationsWork, 2024-08 to 2025-04)
    _apply(ctx, record, body)
    store(ctx).add(record["id"], now, record)
    return render(record, ctx.version)


def listing(ctx: Context) -> dict[str, Any]:
    return list_page(
        store(ctx),
        ctx.query,
        kind=KIND,
        check_id=check_id,
        render=lambda record: render(record, ctx.version),
    )


def retrieve(ctx: Context) -> Record:
    return render(find(ctx, ctx.params[PARAM]), ctx.version)


def modify(ctx: Context) -> Record:
    assistant_id = ctx.params[PARAM]
    current = find(ctx, assistant_id)  # an unknown id is reported before a bad body
    body = ctx.json()
    body_schema(ctx.version, on_create=False).check(body, "")
    check_model(body, ctx.deployments)
    tool_resources.check_references(ctx, body.get("tool_resources"))
    updated = dict(current)  # _apply assigns whole values: one level of copy is enough
    _apply(ctx, updated, body)
    store(ctx).replace(assistant_id, updated)
    return render(updated, ctx.version)


def delete(ctx: Context) -> dict[str, Any]:
    assistant_id = ctx.params[PARAM]
    find(ctx, assistant_id)
    store(ctx).remove(assistant_id)
    return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}


ROUTES = [
    ("POST", "/openai/assistants", create),
    ("GET", "/openai/assistants", listing),
    ("GET", "/openai/assistants/{assistant_id}", retrieve),
    ("POST", "/openai/assistants/{assistant_id}", modify),
    ("DELETE", "/openai/assistants/{assistant_id}", delete),
]


# --- writing -------------------------------------------------------------------------------


def check_model(body: dict[str, Any], deployments: frozenset[str] | None) -> None:
    if deployments is not None and "model" in body and body["model"] not in deployments:
        raise ModelNotFound(body["model"])


_PLAIN = ("model", "name", "description", "instructions")
_DEFAULTS: dict[str, Any] = {"metadata": {}, "top_p": 1.0, "temperature": 1.0}


def _apply(ctx: Context, record: Record, body: dict[str, Any]) -> None:
    """Writes the sent fields into a record; null resets a field that has a default."""
    for key in _PLAIN:
        if key in body:
            record[key] = body[key]
    for key, default in _DEFAULTS.items():
        if key in body:
            value = body[key]
            record[key] = copy.deepcopy(default) if value is None else value
    for key in ("top_p", "temperature"):
        record[key] = float(record[key])
    if "response_format" in body:
        record["response_format"] = body["response_format"] or "auto"
    if "tools" in body:
        record["tools"] = [_shared.stored_tool(tool) for tool in body["tools"] or []]
    resources = record["tool_resources"]
    if "tool_resources" in body:
        resources = tool_resources.apply_tool_resources(ctx, resources, body["tool_resources"])
    if "file_ids" in body:  # v1: the code interpreter's files
        resources = {**resources, "code_interpreter": {"file_ids": list(body["file_ids"] or [])}}
    record["tool_resources"] = _shared.with_tool_defaults(resources, record["tools"])


# --- rendering -----------------------------------------------------------------------------

_V1_KEYS = ("id", "object", "created_at", "name", "description", "model", "instructions")
V2_KEYS = (
    *_V1_KEYS, "tools", "top_p", "temperature", "tool_resources", "metadata", "response_format"
)  # fmt: skip


def render(record: Record, version: ApiVersion) -> Record:
    """The assistant object as this api-version shows it: only what the version has, so
    what one version reads another can post back."""
    tools = _shared.shown_tools(record["tools"], version)
    if version.generation == 1:
        code = record["tool_resources"].get("code_interpreter") or {}
        shown = {key: record[key] for key in _V1_KEYS}
        shown.update(
            tools=tools, file_ids=list(code.get("file_ids", [])), metadata=record["metadata"]
        )
        return shown
    shown = {key: record[key] for key in V2_KEYS}  # in this order whatever a snapshot held
    shown["tools"] = tools
    shown["response_format"] = _shared.shown_format(record["response_format"], version)
    return shown
