"""The assistants resource: its schema per api-version, its operations and its JSON shape."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from ._context import Context
from ._errors import InvalidId, InvalidParam, ModelNotFound, NotFound
from ._listing import list_page
from ._resource import Record, Resource
from ._validation import Arr, Bool, Enum, Map, Node, Num, Obj, OneOf, Str, Tagged
from ._versions import ApiVersion

KIND = "assistant"
PREFIX = "asst"

# --- schema ------------------------------------------------------------------------------

METADATA = Map(values=Str(max_length=512), max_properties=16, max_key_length=64, nullable=True)
NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"
TYPE = Str()
FUNCTION = Obj(
    fields={
        "name": Str(min_length=1, max_length=64, pattern=NAME_PATTERN),
        "description": Str(max_length=1024),
        "parameters": Obj(open=True),
        "strict": Bool(nullable=True),
    },
    required=("name",),
)
FILE_IDS_20 = Arr(items=Str(), max_items=20)
CODE_INTERPRETER_RESOURCES = Obj(fields={"file_ids": FILE_IDS_20}, nullable=True)


def _overlap_rule(value: dict[str, Any], path: str) -> None:
    if value["chunk_overlap_tokens"] > value["max_chunk_size_tokens"] / 2:
        raise InvalidParam(
            f"{path}.chunk_overlap_tokens",
            "must not exceed half of max_chunk_size_tokens.",
        )


CHUNKING_STRATEGY = Tagged(
    variants={
        "auto": Obj(fields={"type": TYPE}),
        "static": Obj(
            fields={
                "type": TYPE,
                "static": Obj(
                    fields={
                        "max_chunk_size_tokens": Num(minimum=100, maximum=4096, integer=True),
                        "chunk_overlap_tokens": Num(minimum=0, integer=True),
                    },
                    required=("max_chunk_size_tokens", "chunk_overlap_tokens"),
                    rule=_overlap_rule,
                ),
            },
            required=("static",),
        ),
    }
)
VECTOR_STORE_HELPER = Obj(
    fields={
        "file_ids": Arr(items=Str(), max_items=10000),
        "metadata": METADATA,
        "chunking_strategy": CHUNKING_STRATEGY,
    }
)


def _one_store_source(value: dict[str, Any], path: str) -> None:
    if "vector_store_ids" in value and "vector_stores" in value:
        raise InvalidParam(
            path, "only one of 'vector_store_ids' or 'vector_stores' may be provided."
        )


def _tool_resources(on_create: bool) -> Obj:
    file_search: dict[str, Node] = {"vector_store_ids": Arr(items=Str(), max_items=1)}
    if on_create:
        file_search["vector_stores"] = Arr(items=VECTOR_STORE_HELPER, max_items=1)
    return Obj(
        fields={
            "code_interpreter": CODE_INTERPRETER_RESOURCES,
            "file_search": Obj(fields=file_search, nullable=True, rule=_one_store_source),
        },
        nullable=True,
    )


def _tools(version: ApiVersion) -> Arr:
    file_search: dict[str, Node] = {"type": TYPE}
    if version.file_search_options:
        options = {"max_num_results": Num(minimum=1, maximum=50, integer=True)}
        file_search["file_search"] = Obj(fields=options)
    search_tool = "file_search" if version.generation == 2 else "retrieval"
    variants = {
        "code_interpreter": Obj(fields={"type": TYPE}),
        "function": Obj(fields={"type": TYPE, "function": FUNCTION}, required=("function",)),
        search_tool: Obj(fields=file_search),
    }
    return Arr(items=Tagged(variants=variants), max_items=128)


def _response_format(version: ApiVersion) -> Node:
    strings = ("none", "auto") if version.response_format_none else ("auto",)
    plain = Obj(fields={"type": TYPE})
    variants = {"text": plain, "json_object": plain}
    if version.json_schema:
        json_schema = Obj(
            fields={
                "name": Str(min_length=1, max_length=64, pattern=NAME_PATTERN),
                "description": Str(),
                "schema": Obj(open=True),
                "strict": Bool(nullable=True),
            },
            required=("name",),
        )
        variants["json_schema"] = Obj(
            fields={"type": TYPE, "json_schema": json_schema}, required=("json_schema",)
        )
    return OneOf(options=(Enum(values=strings), Tagged(variants=variants)), nullable=True)


@cache
def body_schema(version: ApiVersion, on_create: bool) -> Obj:
    """The create (model required) or modify body of this api-version."""
    max_instructions = 256_000 if on_create and version.generation == 2 else 32_768
    fields: dict[str, Node] = {
        "model": Str(min_length=1),
        "name": Str(max_length=256, nullable=True),
        "description": Str(max_length=512, nullable=True),
        "instructions": Str(max_length=max_instructions, nullable=True),
        "tools": _tools(version),
    }
    if version.generation == 1:
        fields["file_ids"] = FILE_IDS_20
    else:
        fields["tool_resources"] = _tool_resources(on_create)
    fields["metadata"] = METADATA
    if version.generation == 2:
        fields["temperature"] = Num(minimum=0, maximum=2, nullable=True)
        fields["top_p"] = Num(minimum=0, maximum=1, nullable=True)
        fields["response_format"] = _response_format(version)
    return Obj(fields=fields, required=("model",) if on_create else ())


# --- operations (shared by HTTP handlers and the direct API) -----------------------------


def check_id(value: str, param: str = "assistant_id") -> None:
    if not value.startswith(PREFIX):
        raise InvalidId(param, value, PREFIX)


def find(resource: Resource, assistant_id: str) -> Record:
    check_id(assistant_id)
    record = resource.assistants.get(assistant_id)
    if record is None:
        raise NotFound(KIND, assistant_id)
    return record


def create(
    resource: Resource,
    version: ApiVersion,
    body: dict[str, Any],
    now: int,
    deployments: frozenset[str] | None = None,
) -> Record:
    body_schema(version, on_create=True).check(body, "")
    _check_model(body, deployments)
    record: Record = {
        "id": resource.ids.new("asst_"),
        "object": "assistant",
        "created_at": now,
        "name": None,
        "description": None,
        "model": body["model"],
        "instructions": None,
        "tools": [],
        "tool_resources": {},
        "metadata": {},
        "top_p": 1.0,
        "temperature": 1.0,
        "response_format": "auto",
    }
    _apply(resource, record, body)
    resource.assistants.add(record["id"], now, record)
    return record


def modify(
    resource: Resource,
    version: ApiVersion,
    assistant_id: str,
    body: dict[str, Any],
    deployments: frozenset[str] | None = None,
) -> Record:
    current = find(resource, assistant_id)
    body_schema(version, on_create=False).check(body, "")
    _check_model(body, deployments)
    # _apply assigns whole values, except inside tool_resources: copy that level only.
    updated = {**current, "tool_resources": dict(current["tool_resources"])}
    _apply(resource, updated, body)
    resource.assistants.replace(assistant_id, updated)
    return updated


def delete(resource: Resource, assistant_id: str) -> dict[str, Any]:
    find(resource, assistant_id)
    resource.assistants.remove(assistant_id)
    return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}


def _check_model(body: dict[str, Any], deployments: frozenset[str] | None) -> None:
    if deployments is not None and "model" in body and body["model"] not in deployments:
        raise ModelNotFound(body["model"])


_PLAIN = ("model", "name", "description", "instructions")
_DEFAULTS: dict[str, Any] = {"metadata": {}, "top_p": 1.0, "temperature": 1.0}


def _apply(resource: Resource, record: Record, body: dict[str, Any]) -> None:
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
        record["tools"] = [_stored_tool(tool) for tool in body["tools"] or []]
    if "tool_resources" in body:
        _apply_tool_resources(resource, record, body["tool_resources"])
    if "file_ids" in body:  # v1: the code interpreter's files
        resources = record["tool_resources"]
        resources["code_interpreter"] = {"file_ids": list(body["file_ids"] or [])}
    if any(tool["type"] == "code_interpreter" for tool in record["tools"]):
        # As captured: the tool brings an (empty) resource entry of its own.
        record["tool_resources"].setdefault("code_interpreter", {"file_ids": []})


EMPTY_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}


def _stored_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as the service keeps it: v1's `retrieval` is v2's `file_search`; a function
    gets empty `parameters` and `strict: false` when not sent, keys in the captured order."""
    if tool["type"] == "retrieval":
        return {**tool, "type": "file_search"}
    if tool["type"] == "function":
        return {"type": "function", "function": normal_function(tool["function"])}
    return tool


def normal_function(sent: dict[str, Any]) -> dict[str, Any]:
    function: dict[str, Any] = {"name": sent["name"]}
    if "description" in sent:
        function["description"] = sent["description"]
    function["parameters"] = sent.get("parameters", copy.deepcopy(EMPTY_PARAMETERS))
    function["strict"] = bool(sent.get("strict"))
    return function


def _apply_tool_resources(resource: Resource, record: Record, sent: dict[str, Any] | None) -> None:
    """Each tool's resources sent replace that tool's; null clears them all."""
    if sent is None:
        record["tool_resources"] = {}
        return
    resources = record["tool_resources"]
    if "code_interpreter" in sent:
        files = (sent["code_interpreter"] or {}).get("file_ids") or []
        resources["code_interpreter"] = {"file_ids": list(files)}
    if "file_search" in sent:
        search = sent["file_search"] or {}
        store_ids = list(search.get("vector_store_ids") or [])
        for helper in search.get("vector_stores") or []:
            store_ids.append(_helper_vector_store(resource, helper))
        resources["file_search"] = {"vector_store_ids": store_ids}


def _helper_vector_store(resource: Resource, helper: dict[str, Any]) -> str:
    store_id = resource.ids.new("vs_")
    resource.vector_stores[store_id] = {
        "id": store_id,
        "file_ids": list(helper.get("file_ids") or []),
        "metadata": helper.get("metadata") or {},
        "chunking_strategy": helper.get("chunking_strategy") or {"type": "auto"},
    }
    return store_id


# --- rendering ---------------------------------------------------------------------------

_V1_KEYS = ("id", "object", "created_at", "name", "description", "model", "instructions")


def render(record: Record, version: ApiVersion) -> Record:
    """The assistant object as this api-version shows it: only what the version has, so
    what one version reads another can post back."""
    if version.generation == 2:
        return _render_v2(record, version)
    tools = [
        {**tool, "type": "retrieval"} if tool["type"] == "file_search" else tool
        for tool in record["tools"]
    ]
    code = record["tool_resources"].get("code_interpreter") or {}
    shown = {key: record[key] for key in _V1_KEYS}
    shown.update(tools=tools, file_ids=list(code.get("file_ids", [])), metadata=record["metadata"])
    return shown


def _render_v2(record: Record, version: ApiVersion) -> Record:
    tools = record["tools"]
    if not version.file_search_options and any("file_search" in tool for tool in tools):
        tools = [{"type": tool["type"]} if "file_search" in tool else tool for tool in tools]
    response_format = record["response_format"]
    if not _shown_format(response_format, version):
        response_format = "auto"
    if tools is record["tools"] and response_format is record["response_format"]:
        return record
    return {**record, "tools": tools, "response_format": response_format}


def _shown_format(response_format: Any, version: ApiVersion) -> bool:
    """Whether this version has the stored response format (else it reads as "auto")."""
    if response_format == "none":
        return version.response_format_none
    if isinstance(response_format, dict) and response_format["type"] == "json_schema":
        return version.json_schema
    return True


# --- HTTP handlers -----------------------------------------------------------------------


def handle_create(ctx: Context) -> Record:
    record = create(ctx.resource, ctx.version, ctx.json(), ctx.now(), ctx.deployments)
    return render(record, ctx.version)


def handle_list(ctx: Context) -> dict[str, Any]:
    return list_page(
        ctx.resource.assistants,
        ctx.query,
        kind=KIND,
        check_id=check_id,
        render=lambda record: render(record, ctx.version),
    )


def handle_retrieve(ctx: Context) -> Record:
    return render(find(ctx.resource, ctx.params["assistant_id"]), ctx.version)


def handle_modify(ctx: Context) -> Record:
    assistant_id = ctx.params["assistant_id"]
    find(ctx.resource, assistant_id)  # an unknown id is reported before a bad body
    record = modify(ctx.resource, ctx.version, assistant_id, ctx.json(), ctx.deployments)
    return render(record, ctx.version)


def handle_delete(ctx: Context) -> dict[str, Any]:
    return delete(ctx.resource, ctx.params["assistant_id"])


ROUTES = [
    ("POST", "/openai/assistants", handle_create),
    ("GET", "/openai/assistants", handle_list),
    ("GET", "/openai/assistants/{assistant_id}", handle_retrieve),
    ("POST", "/openai/assistants/{assistant_id}", handle_modify),
    ("DELETE", "/openai/assistants/{assistant_id}", handle_delete),
]
