"""Schema pieces and helpers every API shares: metadata, tools, response formats,
tool resources, chunking strategies, ids. A limit is declared here once."""

from __future__ import annotations

import copy
from typing import Any

from .._context import Context
from .._errors import InvalidId, InvalidParam, NotFound
from .._resource import Record
from .._store import OrderedStore
from .._validation import Arr, Bool, Enum, Map, Node, Num, Obj, OneOf, Str, Tagged
from .._versions import ApiVersion

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


# --- ids ---------------------------------------------------------------------------------


def check_id(value: str, param: str, prefix: str) -> None:
    if not value.startswith(prefix):
        raise InvalidId(param, value, prefix)


def find(store: OrderedStore[Record], object_id: str, kind: str, prefix: str, param: str) -> Record:
    """The stored object, or the service's error for a malformed or unknown id."""
    check_id(object_id, param, prefix)
    record = store.get(object_id)
    if record is None:
        raise NotFound(kind, object_id)
    return record


# --- chunking and tool resources ---------------------------------------------------------


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


def tool_resources(on_create: bool) -> Obj:
    """`tool_resources`; the inline `vector_stores` helper exists on create only."""
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


def forget_vector_store(ctx: Context, store_id: str) -> None:
    """A deleted vector store leaves every assistant's and thread's `tool_resources`, as
    on the service (their `vector_store_ids` may become `[]`)."""
    for kind in ("assistants", "threads"):
        owners = ctx.resource.store(kind)
        for record in list(owners):
            search = record.get("tool_resources", {}).get("file_search") or {}
            if store_id in search.get("vector_store_ids", ()):
                kept = [other for other in search["vector_store_ids"] if other != store_id]
                resources = {**record["tool_resources"], "file_search": {"vector_store_ids": kept}}
                owners.replace(record["id"], {**record, "tool_resources": resources})


def with_tool_defaults(resources: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """As captured: the code_interpreter tool brings an (empty) resource entry of its own."""
    if "code_interpreter" in resources or not any(
        tool["type"] == "code_interpreter" for tool in tools
    ):
        return resources
    return {**resources, "code_interpreter": {"file_ids": []}}


# --- tools ---------------------------------------------------------------------------------


def tools(version: ApiVersion, max_items: int) -> Arr:
    """The `tools` array of this api-version."""
    file_search: dict[str, Node] = {"type": TYPE}
    options: dict[str, Node] = {}
    if version.file_search_max_results:
        options["max_num_results"] = Num(minimum=1, maximum=50, integer=True)
    if version.file_search_options:
        options["ranking_options"] = Obj(
            fields={
                "ranker": Enum(values=("auto", "default_2024_08_21")),
                "score_threshold": Num(minimum=0, maximum=1),
            },
            required=("score_threshold",),
        )
    if options:
        file_search["file_search"] = Obj(fields=options)
    search_tool = "file_search" if version.generation == 2 else "retrieval"
    variants = {
        "code_interpreter": Obj(fields={"type": TYPE}),
        "function": Obj(fields={"type": TYPE, "function": FUNCTION}, required=("function",)),
        search_tool: Obj(fields=file_search),
    }
    return Arr(items=Tagged(variants=variants), max_items=max_items)


EMPTY_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}


def stored_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as the service keeps it: v1's `retrieval` is v2's `file_search`; a function
    gets empty `parameters` and `strict: false` when not sent, keys in the captured order."""
    if tool["type"] in ("retrieval", "file_search"):
        options = tool.get("file_search")
        # As recorded (BasicFileSearchWorks): sent without options, echoed bare.
        return (
            {"type": "file_search", "file_search": options} if options else {"type": "file_search"}
        )
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


def shown_tools(stored: list[dict[str, Any]], version: ApiVersion) -> list[dict[str, Any]]:
    """Stored (v2) tools as this version shows them: only what the version has."""
    if version.generation == 1:
        return [_v1_tool(tool) for tool in stored]
    if not version.file_search_options and any("file_search" in tool for tool in stored):
        return [
            _search_tool_of(tool, version) if "file_search" in tool else tool for tool in stored
        ]
    return stored


def _v1_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """v1's `retrieval` tool has no options: it is shown bare, so it posts back."""
    return {"type": "retrieval"} if tool["type"] == "file_search" else tool


def _search_tool_of(tool: dict[str, Any], version: ApiVersion) -> dict[str, Any]:
    """A file_search tool with only the options this version has (bare if none)."""
    kept = {}
    if version.file_search_max_results and "max_num_results" in tool["file_search"]:
        kept["max_num_results"] = tool["file_search"]["max_num_results"]
    return {"type": "file_search", "file_search": kept} if kept else {"type": "file_search"}


# --- response formats ----------------------------------------------------------------------


def response_format(version: ApiVersion) -> Node:
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


def shown_format(stored: Any, version: ApiVersion) -> Any:
    """A stored response format as this version shows it ("auto" where it has none such)."""
    if stored == "none" and not version.response_format_none:
        return "auto"
    if isinstance(stored, dict) and stored["type"] == "json_schema" and not version.json_schema:
        return "auto"
    return stored
