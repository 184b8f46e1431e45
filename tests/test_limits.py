"""Every documented limit at its boundary: the limit itself accepted, one past it rejected.

Each case runs twice, through the openai SDK (exception class and `e.body`) and through raw
httpx (status and JSON body). A rejected create or modify must leave the stored state as
it was: the same assistants, the same vector stores, and the id sequence not advanced.

Texts: api-facts.md §5.2. Those marked [CAPTURED] there are spelled out literally below
(`CAPTURED_*`); the rest follow the same templates, built by the small helpers.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import pytest
from helpers import stored_tool_resources, stored_tools

import fake_assistants

ENDPOINT = "https://limits.openai.azure.com"
V1 = "2024-02-15-preview"
V2 = "2024-05-01-preview"
LATE = "2025-01-01-preview"  # json_schema and file_search.max_num_results
NOW = 1_700_000_000
TRANSPORTS = ["sdk", "httpx"]

# --- expected errors -----------------------------------------------------------------------


def error(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    """The OpenAI error object: what `e.body` holds and what `{"error": ...}` wraps."""
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def too_long(param: str, maximum: int, length: int) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': string too long. Expected a string with maximum length "
        f"{maximum}, but got a string with length {length} instead.",
        param,
        "string_above_max_length",
    )


def empty_string(param: str) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': empty string. Expected a string with minimum length 1, "
        "but got an empty string instead.",
        param,
        "empty_string",
    )


def array_too_long(param: str, maximum: int, length: int) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': array too long. Expected an array with maximum length "
        f"{maximum}, but got an array with length {length} instead.",
        param,
        "array_above_max_length",
    )


def wrong_type(param: str, expected: str, got: str) -> dict[str, Any]:
    return error(
        f"Invalid type for '{param}': expected {expected}, but got {got} instead.",
        param,
        "invalid_type",
    )


def invalid_value(param: str, value: str, supported: str) -> dict[str, Any]:
    return error(
        f"Invalid value: '{value}'. Supported values are: {supported}.", param, "invalid_value"
    )


def above(param: str, kind: str, maximum: str, got: str) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': {kind} above maximum value. Expected a value <= {maximum}, "
        f"but got {got} instead.",
        param,
        f"{kind}_above_max_value",
    )


def below(param: str, kind: str, minimum: str, got: str) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': {kind} below minimum value. Expected a value >= {minimum}, "
        f"but got {got} instead.",
        param,
        f"{kind}_below_min_value",
    )


def missing(param: str) -> dict[str, Any]:
    return error(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def unknown(param: str) -> dict[str, Any]:
    return error(f"Unknown parameter: '{param}'.", param, "unknown_parameter")


def pattern(param: str) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': string does not match pattern. Expected a string that matches "
        "the pattern '^[a-zA-Z0-9_-]+$'.",
        param,
        "invalid_value",
    )


def not_found(assistant_id: str) -> dict[str, Any]:
    return error(f"No assistant found with id '{assistant_id}'.")


def bad_id(param: str, value: str) -> dict[str, Any]:
    return error(
        f"Invalid '{param}': '{value}'. Expected an ID that begins with 'asst'.",
        param,
        "invalid_value",
    )


# Texts api-facts.md §5.2 marks [CAPTURED], written out in full.
CAPTURED_METADATA_17 = {
    "message": "Invalid 'metadata': too many properties. Expected an object with at most 16 "
    "properties, but got an object with 17 properties instead.",
    "type": "invalid_request_error",
    "param": "metadata",
    "code": "object_above_max_properties",
}
CAPTURED_TEMPERATURE_ABOVE = {
    "message": "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, "
    "but got 2.1 instead.",
    "type": "invalid_request_error",
    "param": "temperature",
    "code": "decimal_above_max_value",
}
CAPTURED_TEMPERATURE_BELOW = {
    "message": "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, "
    "but got -2.5 instead.",
    "type": "invalid_request_error",
    "param": "temperature",
    "code": "decimal_below_min_value",
}
CAPTURED_UNKNOWN_FILE_IDS = {
    "message": "Unknown parameter: 'file_ids'.",
    "type": "invalid_request_error",
    "param": "file_ids",
    "code": "unknown_parameter",
}
CAPTURED_BAD_PATH_ID = {
    "message": "Invalid 'assistant_id': 'xyz'. Expected an ID that begins with 'asst'.",
    "type": "invalid_request_error",
    "param": "assistant_id",
    "code": "invalid_value",
}
CAPTURED_NOT_FOUND = {
    "message": "No assistant found with id 'asst_abc123'.",
    "type": "invalid_request_error",
    "param": None,
    "code": None,
}
# [CAPTURED] on other endpoints; the same wording is expected for assistants lists.
LIMIT_ABOVE = {
    "message": "Invalid 'limit': integer above maximum value. Expected a value <= 100, "
    "but got 101 instead.",
    "type": "invalid_request_error",
    "param": "limit",
    "code": "integer_above_max_value",
}
LIMIT_BELOW = {
    "message": "Invalid 'limit': integer below minimum value. Expected a value >= 1, "
    "but got 0 instead.",
    "type": "invalid_request_error",
    "param": "limit",
    "code": "integer_below_min_value",
}
NAME_123 = {
    "message": "Invalid type for 'name': expected a string, but got an integer instead.",
    "type": "invalid_request_error",
    "param": "name",
    "code": "invalid_type",
}
MISSING_MODEL = {
    "message": "Missing required parameter: 'model'.",
    "type": "invalid_request_error",
    "param": "model",
    "code": "missing_required_parameter",
}
V2_TOOL_TYPES = "'code_interpreter', 'function', and 'file_search'"
V1_TOOL_TYPES = "'code_interpreter', 'function', and 'retrieval'"

# --- the case table ------------------------------------------------------------------------

NO_MODEL = object()  # a create body without `model`


@dataclass(frozen=True)
class Case:
    id: str
    op: str  # "create" or "modify"
    fields: dict[str, Any]
    version: str = V2
    error: dict[str, Any] | None = None
    # for accepted cases: what the returned (and stored) assistant shows; values may be
    # predicates. None: the sent fields, as sent.
    shows: dict[str, Any] | None = field(default=None)

    def body(self) -> dict[str, Any]:
        if self.op == "create" and self.fields.get("model") is not NO_MODEL:
            return {"model": "gpt-4o", **self.fields}
        return {k: v for k, v in self.fields.items() if v is not NO_MODEL}


def ok(
    case_id: str,
    op: str,
    version: str = V2,
    shows: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    return Case(f"{op}-{case_id}", op, fields, version, None, shows)


def bad(case_id: str, op: str, err: dict[str, Any], version: str = V2, **fields: Any) -> Case:
    return Case(f"{op}-{case_id}", op, fields, version, err)


def both(make: Callable[[str], Case]) -> list[Case]:
    """The same case on create and on modify."""
    return [make("create"), make("modify")]


def fn(**function: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "function": function}]


def keys(count: int, key_length: int = 3, value_length: int = 1) -> dict[str, str]:
    return {f"k{n:0{key_length - 1}d}": "v" * value_length for n in range(count)}


def is_vector_store_list(length: int) -> Callable[[Any], bool]:
    def check(resources: Any) -> bool:
        ids = resources["file_search"]["vector_store_ids"]
        return len(ids) == length and all(i.startswith("vs_") for i in ids)

    return check


CI = {"type": "code_interpreter"}
KEY_64 = "k" * 64
KEY_65 = "k" * 65
NAME_64 = "f" * 64
NAME_65 = "f" * 65

CASES: list[Case] = [
    # --- strings: name 256, description 512 --------------------------------------------
    *both(lambda op: ok("name-256", op, name="n" * 256)),
    *both(lambda op: bad("name-257", op, too_long("name", 256, 257), name="n" * 257)),
    *both(lambda op: ok("name-null", op, name=None)),
    *both(lambda op: ok("description-512", op, description="d" * 512)),
    *both(
        lambda op: bad(
            "description-513", op, too_long("description", 512, 513), description="d" * 513
        )
    ),
    *both(lambda op: ok("name-empty", op, name="")),
    # --- instructions: 256000 on create, 32768 on modify (v2); 32768 on v1 ------------------
    ok("instructions-256000", "create", instructions="i" * 256_000),
    bad(
        "instructions-256001",
        "create",
        too_long("instructions", 256_000, 256_001),
        instructions="i" * 256_001,
    ),
    ok("instructions-256000-late", "create", LATE, instructions="i" * 256_000),
    ok("instructions-32768", "modify", instructions="i" * 32_768),
    bad(
        "instructions-32769",
        "modify",
        too_long("instructions", 32_768, 32_769),
        instructions="i" * 32_769,
    ),
    *both(lambda op: ok("v1-instructions-32768", op, V1, instructions="i" * 32_768)),
    *both(
        lambda op: bad(
            "v1-instructions-32769",
            op,
            too_long("instructions", 32_768, 32_769),
            V1,
            instructions="i" * 32_769,
        )
    ),
    # --- wrong types and the model ----------------------------------------------------------
    *both(lambda op: bad("name-integer", op, NAME_123, name=123)),
    *both(lambda op: bad("name-array", op, wrong_type("name", "a string", "an array"), name=[])),
    *both(
        lambda op: bad(
            "description-decimal",
            op,
            wrong_type("description", "a string", "a decimal"),
            description=1.5,
        )
    ),
    *both(
        lambda op: bad(
            "instructions-boolean",
            op,
            wrong_type("instructions", "a string", "a boolean"),
            instructions=True,
        )
    ),
    *both(
        lambda op: bad("model-integer", op, wrong_type("model", "a string", "an integer"), model=5)
    ),
    bad("model-missing", "create", MISSING_MODEL, model=NO_MODEL),
    bad("model-empty", "create", empty_string("model"), model=""),
    ok("model-omitted", "modify", name="renamed"),
    ok("model-changed", "modify", model="gpt-4o-mini"),
    *both(lambda op: bad("unknown-field", op, unknown("foo"), foo=1)),
    # --- tools: 128 items; types per api-version -----------------------------------------
    *both(lambda op: ok("tools-128", op, tools=[CI] * 128)),
    *both(lambda op: bad("tools-129", op, array_too_long("tools", 128, 129), tools=[CI] * 129)),
    *both(lambda op: ok("tools-empty", op, tools=[])),
    *both(
        lambda op: bad(
            "tools-string", op, wrong_type("tools", "an array", "a string"), tools="code"
        )
    ),
    *both(
        lambda op: ok(
            "tools-all-v2",
            op,
            tools=[CI, {"type": "file_search"}, *fn(name="f", parameters={})],
        )
    ),
    *both(
        lambda op: bad(
            "tool-code-interpreter-dash",
            op,
            invalid_value("tools[0].type", "code-interpreter", V2_TOOL_TYPES),
            tools=[{"type": "code-interpreter"}],
        )
    ),
    *both(
        lambda op: bad(
            "tool-retrieval-v2",
            op,
            invalid_value("tools[0].type", "retrieval", V2_TOOL_TYPES),
            tools=[{"type": "retrieval"}],
        )
    ),
    *both(
        lambda op: ok("v1-tool-retrieval", op, V1, tools=[CI, {"type": "retrieval"}, *fn(name="f")])
    ),
    *both(
        lambda op: bad(
            "v1-tool-file-search",
            op,
            invalid_value("tools[0].type", "file_search", V1_TOOL_TYPES),
            V1,
            tools=[{"type": "file_search"}],
        )
    ),
    *both(
        lambda op: bad(
            "v1-tool-code-interpreter-dash",
            op,
            invalid_value("tools[0].type", "code-interpreter", V1_TOOL_TYPES),
            V1,
            tools=[{"type": "code-interpreter"}],
        )
    ),
    bad("tool-without-type", "create", missing("tools[0].type"), tools=[{}]),
    bad(
        "tool-type-integer",
        "create",
        wrong_type("tools[0].type", "a string", "an integer"),
        tools=[{"type": 5}],
    ),
    bad(
        "tool-unknown-field",
        "create",
        unknown("tools[0].extra"),
        tools=[{"type": "code_interpreter", "extra": 1}],
    ),
    bad("function-missing", "create", missing("tools[0].function"), tools=[{"type": "function"}]),
    # --- function tools: name ^[a-zA-Z0-9_-]+$ up to 64, description 1024, parameters object --
    *both(lambda op: ok("function-name-64", op, tools=fn(name=NAME_64))),
    *both(
        lambda op: bad(
            "function-name-65",
            op,
            too_long("tools[0].function.name", 64, 65),
            tools=fn(name=NAME_65),
        )
    ),
    *both(
        lambda op: bad(
            "function-name-empty", op, empty_string("tools[0].function.name"), tools=fn(name="")
        )
    ),
    *both(lambda op: ok("function-name-charset", op, tools=fn(name="Az09_-zA"))),
    *both(
        lambda op: bad(
            "function-name-space",
            op,
            pattern("tools[0].function.name"),
            tools=fn(name="get weather"),
        )
    ),
    bad(
        "function-name-dot",
        "create",
        pattern("tools[0].function.name"),
        tools=fn(name="get.weather"),
    ),
    bad(
        "function-name-missing",
        "create",
        missing("tools[0].function.name"),
        tools=fn(description="no name"),
    ),
    bad(
        "second-tool-reported",
        "create",
        pattern("tools[1].function.name"),
        tools=[CI, *fn(name="bad name")],
    ),
    *both(
        lambda op: ok("function-description-1024", op, tools=fn(name="f", description="d" * 1024))
    ),
    *both(
        lambda op: bad(
            "function-description-1025",
            op,
            too_long("tools[0].function.description", 1024, 1025),
            tools=fn(name="f", description="d" * 1025),
        )
    ),
    *both(
        lambda op: ok(
            "function-parameters-schema",
            op,
            tools=fn(name="f", parameters={"type": "object", "properties": {"x": {}}}),
        )
    ),
    *both(
        lambda op: bad(
            "function-parameters-string",
            op,
            wrong_type("tools[0].function.parameters", "an object", "a string"),
            tools=fn(name="f", parameters="{}"),
        )
    ),
    bad(
        "function-parameters-array",
        "create",
        wrong_type("tools[0].function.parameters", "an object", "an array"),
        tools=fn(name="f", parameters=[]),
    ),
    # --- file_search options: max_num_results 1..50 (2024-07-01-preview on) ---------------
    ok(
        "max-num-results-1-50",
        "create",
        LATE,
        tools=[
            {"type": "file_search", "file_search": {"max_num_results": 1}},
            {"type": "file_search", "file_search": {"max_num_results": 50}},
        ],
    ),
    bad(
        "max-num-results-51",
        "create",
        above("tools[0].file_search.max_num_results", "integer", "50", "51"),
        LATE,
        tools=[{"type": "file_search", "file_search": {"max_num_results": 51}}],
    ),
    bad(
        "max-num-results-0",
        "create",
        below("tools[0].file_search.max_num_results", "integer", "1", "0"),
        LATE,
        tools=[{"type": "file_search", "file_search": {"max_num_results": 0}}],
    ),
    bad(
        "max-num-results-on-2024-05",
        "create",
        unknown("tools[0].file_search"),
        tools=[{"type": "file_search", "file_search": {"max_num_results": 5}}],
    ),
    # --- tool_resources ----------------------------------------------------------------------
    *both(
        lambda op: ok(
            "code-interpreter-files-20",
            op,
            tool_resources={
                "code_interpreter": {"file_ids": [f"assistant-{n}" for n in range(20)]}
            },
        )
    ),
    *both(
        lambda op: bad(
            "code-interpreter-files-21",
            op,
            array_too_long("tool_resources.code_interpreter.file_ids", 20, 21),
            tool_resources={
                "code_interpreter": {"file_ids": [f"assistant-{n}" for n in range(21)]}
            },
        )
    ),
    *both(
        lambda op: ok(
            "vector-store-ids-1", op, tool_resources={"file_search": {"vector_store_ids": ["vs_1"]}}
        )
    ),
    *both(
        lambda op: bad(
            "vector-store-ids-2",
            op,
            array_too_long("tool_resources.file_search.vector_store_ids", 1, 2),
            tool_resources={"file_search": {"vector_store_ids": ["vs_1", "vs_2"]}},
        )
    ),
    ok(
        "vector-stores-helper-1",
        "create",
        shows={"tool_resources": is_vector_store_list(1)},
        tool_resources={"file_search": {"vector_stores": [{"file_ids": ["assistant-1"]}]}},
    ),
    bad(
        "vector-stores-helper-2",
        "create",
        array_too_long("tool_resources.file_search.vector_stores", 1, 2),
        tool_resources={"file_search": {"vector_stores": [{}, {}]}},
    ),
    ok(
        "vector-stores-helper-files-10000",
        "create",
        shows={"tool_resources": is_vector_store_list(1)},
        tool_resources={
            "file_search": {"vector_stores": [{"file_ids": [f"f{n}" for n in range(10_000)]}]}
        },
    ),
    bad(
        "vector-stores-helper-files-10001",
        "create",
        array_too_long("tool_resources.file_search.vector_stores[0].file_ids", 10_000, 10_001),
        tool_resources={
            "file_search": {"vector_stores": [{"file_ids": [f"f{n}" for n in range(10_001)]}]}
        },
    ),
    bad(
        "vector-stores-helper-on-modify",
        "modify",
        unknown("tool_resources.file_search.vector_stores"),
        tool_resources={"file_search": {"vector_stores": [{}]}},
    ),
    bad(
        "vector-store-ids-and-helper",
        "create",
        error(
            "Invalid 'tool_resources.file_search': only one of 'vector_store_ids' or "
            "'vector_stores' may be provided.",
            "tool_resources.file_search",
            "invalid_value",
        ),
        tool_resources={"file_search": {"vector_store_ids": ["vs_1"], "vector_stores": [{}]}},
    ),
    *both(
        lambda op: ok("tool-resources-null", op, shows={"tool_resources": {}}, tool_resources=None)
    ),
    *both(
        lambda op: bad(
            "v1-tool-resources",
            op,
            unknown("tool_resources"),
            V1,
            tool_resources={"code_interpreter": {"file_ids": []}},
        )
    ),
    *both(lambda op: bad("v2-file-ids", op, CAPTURED_UNKNOWN_FILE_IDS, file_ids=["assistant-1"])),
    *both(lambda op: ok("v1-file-ids-20", op, V1, file_ids=[f"assistant-{n}" for n in range(20)])),
    *both(
        lambda op: bad(
            "v1-file-ids-21",
            op,
            array_too_long("file_ids", 20, 21),
            V1,
            file_ids=[f"assistant-{n}" for n in range(21)],
        )
    ),
    # --- metadata: 16 pairs, keys 64, values 512, strings only --------------------------------
    *both(lambda op: ok("metadata-16", op, metadata=keys(16))),
    *both(lambda op: bad("metadata-17", op, CAPTURED_METADATA_17, metadata=keys(17))),
    *both(lambda op: ok("metadata-key-64", op, metadata={KEY_64: "v"})),
    *both(
        lambda op: bad(
            "metadata-key-65",
            op,
            error(
                f"Invalid property name in 'metadata': '{KEY_65}' is too long. Expected a "
                "string with maximum length 64, but got a string with length 65 instead.",
                f"metadata.{KEY_65}",
            ),
            metadata={KEY_65: "v"},
        )
    ),
    *both(lambda op: ok("metadata-value-512", op, metadata={"k": "v" * 512})),
    *both(
        lambda op: bad(
            "metadata-value-513",
            op,
            too_long("metadata.k", 512, 513),
            metadata={"k": "v" * 513},
        )
    ),
    *both(
        lambda op: bad(
            "metadata-value-integer",
            op,
            wrong_type("metadata.k", "a string", "an integer"),
            metadata={"k": 1},
        )
    ),
    *both(
        lambda op: bad(
            "metadata-value-boolean",
            op,
            wrong_type("metadata.k", "a string", "a boolean"),
            metadata={"k": True},
        )
    ),
    bad(
        "metadata-value-null",
        "create",
        wrong_type("metadata.k", "a string", "null"),
        metadata={"k": None},
    ),
    bad(
        "metadata-value-object",
        "create",
        wrong_type("metadata.k", "a string", "an object"),
        metadata={"k": {}},
    ),
    bad(
        "metadata-array",
        "create",
        wrong_type("metadata", "an object", "an array"),
        metadata=[],
    ),
    *both(lambda op: ok("metadata-null", op, shows={"metadata": {}}, metadata=None)),
    # --- temperature 0..2, top_p 0..1 -----------------------------------------------------------
    *both(lambda op: ok("temperature-0", op, temperature=0)),
    *both(lambda op: ok("temperature-2", op, temperature=2)),
    *both(lambda op: ok("temperature-2.0", op, temperature=2.0)),
    *both(lambda op: bad("temperature-2.1", op, CAPTURED_TEMPERATURE_ABOVE, temperature=2.1)),
    *both(lambda op: bad("temperature--2.5", op, CAPTURED_TEMPERATURE_BELOW, temperature=-2.5)),
    bad(
        "temperature-2.01",
        "create",
        above("temperature", "decimal", "2", "2.01"),
        temperature=2.01,
    ),
    bad(
        "temperature--0.01",
        "create",
        below("temperature", "decimal", "0", "-0.01"),
        temperature=-0.01,
    ),
    bad("temperature-3", "create", above("temperature", "decimal", "2", "3"), temperature=3),
    bad(
        "temperature-string",
        "create",
        wrong_type("temperature", "a decimal", "a string"),
        temperature="1",
    ),
    bad(
        "temperature-boolean",
        "create",
        wrong_type("temperature", "a decimal", "a boolean"),
        temperature=True,
    ),
    *both(lambda op: ok("temperature-null", op, shows={"temperature": 1.0}, temperature=None)),
    *both(lambda op: ok("top-p-0", op, top_p=0)),
    *both(lambda op: ok("top-p-1", op, top_p=1)),
    *both(lambda op: bad("top-p-1.01", op, above("top_p", "decimal", "1", "1.01"), top_p=1.01)),
    *both(lambda op: bad("top-p--0.5", op, below("top_p", "decimal", "0", "-0.5"), top_p=-0.5)),
    *both(lambda op: ok("top-p-null", op, shows={"top_p": 1.0}, top_p=None)),
    bad("v1-temperature", "create", unknown("temperature"), V1, temperature=1),
    bad("v1-top-p", "modify", unknown("top_p"), V1, top_p=1),
    # --- response_format per api-version ------------------------------------------------------
    *both(lambda op: ok("response-format-auto", op, response_format="auto")),
    *both(lambda op: ok("response-format-none", op, response_format="none")),
    *both(lambda op: ok("response-format-text", op, response_format={"type": "text"})),
    *both(
        lambda op: ok("response-format-json-object", op, response_format={"type": "json_object"})
    ),
    *both(
        lambda op: ok(
            "response-format-null", op, shows={"response_format": "auto"}, response_format=None
        )
    ),
    *both(
        lambda op: bad(
            "response-format-unknown-string",
            op,
            invalid_value("response_format", "json", "'none' and 'auto'"),
            response_format="json",
        )
    ),
    *both(
        lambda op: bad(
            "response-format-json-schema-early",
            op,
            invalid_value("response_format.type", "json_schema", "'text' and 'json_object'"),
            response_format={"type": "json_schema", "json_schema": {"name": "s"}},
        )
    ),
    bad(
        "response-format-without-type",
        "create",
        missing("response_format.type"),
        response_format={},
    ),
    bad(
        "response-format-extra-field",
        "create",
        unknown("response_format.extra"),
        response_format={"type": "text", "extra": 1},
    ),
    bad(
        "response-format-integer",
        "create",
        wrong_type("response_format", "one of a string or an object", "an integer"),
        response_format=5,
    ),
    *both(lambda op: ok("late-response-format-auto", op, LATE, response_format="auto")),
    *both(
        lambda op: bad(
            "late-response-format-none",
            op,
            invalid_value("response_format", "none", "'auto'"),
            LATE,
            response_format="none",
        )
    ),
    *both(
        lambda op: ok(
            "late-json-schema",
            op,
            LATE,
            response_format={
                "type": "json_schema",
                "json_schema": {
                    "name": NAME_64,
                    "description": "d",
                    "schema": {"type": "object"},
                    "strict": True,
                },
            },
        )
    ),
    bad(
        "late-json-schema-name-65",
        "create",
        too_long("response_format.json_schema.name", 64, 65),
        LATE,
        response_format={"type": "json_schema", "json_schema": {"name": NAME_65}},
    ),
    bad(
        "late-json-schema-name-pattern",
        "create",
        pattern("response_format.json_schema.name"),
        LATE,
        response_format={"type": "json_schema", "json_schema": {"name": "my schema"}},
    ),
    bad(
        "late-json-schema-missing",
        "create",
        missing("response_format.json_schema"),
        LATE,
        response_format={"type": "json_schema"},
    ),
    bad(
        "late-json-schema-name-missing",
        "create",
        missing("response_format.json_schema.name"),
        LATE,
        response_format={"type": "json_schema", "json_schema": {}},
    ),
    bad(
        "late-text-with-json-schema",
        "modify",
        unknown("response_format.json_schema"),
        LATE,
        response_format={"type": "text", "json_schema": {"name": "s"}},
    ),
    bad("v1-response-format", "create", unknown("response_format"), V1, response_format="auto"),
]

# --- running a case ------------------------------------------------------------------------

SEEDED = {
    "model": "gpt-4o",
    "name": "seeded",
    "instructions": "be brief",
    "tools": [{"type": "code_interpreter"}],
    "metadata": {"team": "blue"},
}


PLACEHOLDER = re.compile(r"(assistant-\d+|f\d+|vs_\d+)")


def realise(fake: fake_assistants.FakeAssistants, value: Any, made: dict[str, str]) -> Any:
    """`value` with placeholder ids (`assistant-3`, `f17`, `vs_1`) replaced by files and
    vector stores made in `fake`, since references must exist. All `f<n>` share one file
    (10,000 of them need not be 10,000 uploads)."""
    if isinstance(value, dict):
        return {key: realise(fake, item, made) for key, item in value.items()}
    if isinstance(value, list):
        return [realise(fake, item, made) for item in value]
    if not isinstance(value, str) or PLACEHOLDER.fullmatch(value) is None:
        return value
    if value.startswith("vs_"):
        key, make = value, lambda: fake.vector_stores.create()["id"]
    else:
        key = "f" if value.startswith("f") else value
        make = lambda: fake.files.upload(value, filename=f"{key}.txt")["id"]  # noqa: E731
    if key not in made:
        made[key] = make()
    return made[key]


@dataclass
class Prepared:
    fake: fake_assistants.FakeAssistants
    body: dict[str, Any]
    shows: dict[str, Any] | None
    seeded_id: str


def prepare(case: Case) -> Prepared:
    """A fake with the files and stores the case names, then the seeded assistant."""
    fake = fake_assistants.FakeAssistants(
        endpoint=ENDPOINT, api_version=case.version, clock=lambda: NOW
    )
    made: dict[str, str] = {}
    body = realise(fake, case.body(), made)
    shows = None if case.shows is None else realise(fake, dict(case.shows), made)
    return Prepared(fake, body, shows, fake.assistants.create(**SEEDED)["id"])


def next_id(case: Case) -> str:
    """The id the next assistant of a case's fake gets when nothing else was made."""
    return prepare(case).fake.assistants.create(model="m")["id"]


@functools.cache
def sdk_client(version: str) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT, api_key="key", api_version=version, max_retries=0
    )


@functools.cache
def http_client() -> httpx.Client:
    return httpx.Client(headers={"api-key": "key"})


@functools.cache
def sdk_parameters(op: str) -> frozenset[str]:
    """The body fields the SDK method takes as keywords; the rest go in `extra_body`."""
    assistants = sdk_client(V2).beta.assistants
    method = assistants.create if op == "create" else assistants.update
    return frozenset(inspect.signature(method).parameters) - {"extra_body", "assistant_id"}


ERROR_CLASSES = {400: openai.BadRequestError, 404: openai.NotFoundError}


@dataclass
class Outcome:
    status: int
    payload: dict[str, Any]  # the object on success, the error object (`e.body`) on failure


def call_sdk(
    fake: fake_assistants.FakeAssistants,
    version: str,
    action: Callable[[openai.AzureOpenAI], Any],
) -> Outcome:
    try:
        action(sdk_client(version))
    except openai.APIStatusError as e:
        assert type(e) is ERROR_CLASSES[e.status_code]
        assert isinstance(e.body, dict)
        return Outcome(e.status_code, e.body)
    return Outcome(fake.calls.last.status, fake.calls.last.response.json())


def call_httpx(method: str, path: str, version: str, **options: Any) -> Outcome:
    response = http_client().request(
        method,
        f"{ENDPOINT}/openai{path}",
        params={"api-version": version, **options.pop("params", {})},
        **options,
    )
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    if response.status_code != 200:
        assert set(payload) == {"error"}
        payload = payload["error"]
    return Outcome(response.status_code, payload)


def send(
    fake: fake_assistants.FakeAssistants,
    transport: str,
    case: Case,
    seeded_id: str,
    body: dict[str, Any],
) -> Outcome:
    if transport == "httpx":
        path = "/assistants" if case.op == "create" else f"/assistants/{seeded_id}"
        return call_httpx("POST", path, case.version, content=json.dumps(body))
    known = sdk_parameters(case.op)
    kwargs = {k: v for k, v in body.items() if k in known}
    extra = {k: v for k, v in body.items() if k not in known}
    if case.op == "create":
        kwargs.setdefault("model", openai.NOT_GIVEN)
        return call_sdk(
            fake, case.version, lambda c: c.beta.assistants.create(**kwargs, extra_body=extra)
        )
    return call_sdk(
        fake,
        case.version,
        lambda c: c.beta.assistants.update(seeded_id, **kwargs, extra_body=extra),
    )


def snapshot(fake: fake_assistants.FakeAssistants, seeded_id: str) -> Any:
    resource = fake.service.resources[ENDPOINT.removeprefix("https://")]
    return (
        fake.assistants.list(),
        fake.assistants.retrieve(seeded_id),
        json.loads(json.dumps(list(resource.store("vector_stores")))),
    )


def matches(expected: Any, actual: Any) -> bool:
    return expected(actual) if callable(expected) else bool(actual == expected)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_body_limit(transport: str, case: Case) -> None:
    prepared = prepare(case)
    with prepared.fake as fake:
        seeded_id = prepared.seeded_id
        before = snapshot(fake, seeded_id)

        outcome = send(fake, transport, case, seeded_id, prepared.body)

        if case.error is not None:
            assert (outcome.status, outcome.payload) == (400, case.error)
            assert snapshot(fake, seeded_id) == before
            # nothing was half-made: the next id is the one a clean store would give
            assert fake.assistants.create(model="m")["id"] == next_id(case)
            return

        assert outcome.status == 200, outcome.payload
        shown = outcome.payload
        assert fake.assistants.retrieve(shown["id"]) == shown
        if case.op == "create":
            assert shown["id"] == next_id(case)
            assert shown["created_at"] == NOW
            assert [a["id"] for a in fake.assistants.list()] == [seeded_id, shown["id"]]
            assert fake.assistants.retrieve(seeded_id) == before[1]
        else:
            assert shown["id"] == seeded_id
            assert len(fake.assistants) == 1
        expected = dict(prepared.shows if prepared.shows is not None else prepared.body)
        if isinstance(expected.get("tools"), list):
            expected["tools"] = stored_tools(expected["tools"])
        if "tool_resources" in expected and not callable(expected["tool_resources"]):
            resources = expected["tool_resources"] or {}
            expected["tool_resources"] = stored_tool_resources(resources, shown["tools"])
        for key, value in expected.items():
            assert matches(value, shown[key]), key


# --- list query parameters -----------------------------------------------------------------

LIST_CASES = [
    pytest.param({"limit": 1}, (1, True), id="limit-1"),
    pytest.param({"limit": 100}, (100, True), id="limit-100"),
    pytest.param({}, (20, True), id="limit-default-20"),
    pytest.param({"limit": 0}, LIMIT_BELOW, id="limit-0"),
    pytest.param({"limit": 101}, LIMIT_ABOVE, id="limit-101"),
    pytest.param({"limit": -1}, below("limit", "integer", "1", "-1"), id="limit-negative"),
    pytest.param(
        {"limit": "ten"}, wrong_type("limit", "an integer", "a string"), id="limit-string"
    ),
    pytest.param(
        {"limit": "1.5"}, wrong_type("limit", "an integer", "a decimal"), id="limit-decimal"
    ),
    pytest.param({"order": "asc", "limit": 100}, (100, True), id="order-asc"),
    pytest.param({"order": "desc", "limit": 100}, (100, True), id="order-desc"),
    pytest.param(
        {"order": "ascending"},
        invalid_value("order", "ascending", "'asc' and 'desc'"),
        id="order-ascending",
    ),
    pytest.param(
        {"order": "ASC"}, invalid_value("order", "ASC", "'asc' and 'desc'"), id="order-upper"
    ),
    pytest.param({"after": "asst_abc123"}, CAPTURED_NOT_FOUND, id="after-unknown"),
    pytest.param({"before": "asst_abc123"}, CAPTURED_NOT_FOUND, id="before-unknown"),
    pytest.param({"after": "xyz"}, bad_id("after", "xyz"), id="after-wrong-shape"),
    pytest.param({"before": "thread_1"}, bad_id("before", "thread_1"), id="before-wrong-shape"),
]
LISTED = 101


@pytest.fixture
def hundred_and_one() -> Iterator[tuple[fake_assistants.FakeAssistants, list[str]]]:
    with fake_assistants.mock(endpoint=ENDPOINT, clock=lambda: NOW) as fake:
        ids = [fake.assistants.create(model="gpt-4o")["id"] for _ in range(LISTED)]
        yield fake, ids


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(("query", "expected"), LIST_CASES)
def test_list_query_limit(
    hundred_and_one: tuple[fake_assistants.FakeAssistants, list[str]],
    transport: str,
    query: dict[str, Any],
    expected: Any,
) -> None:
    fake, ids = hundred_and_one
    if transport == "sdk":
        outcome = call_sdk(fake, V2, lambda c: c.beta.assistants.list(**query))
    else:
        outcome = call_httpx("GET", "/assistants", V2, params=query)
    if isinstance(expected, dict):
        status = 404 if expected["message"].startswith("No assistant") else 400
        assert (outcome.status, outcome.payload) == (status, expected)
        return
    count, has_more = expected
    assert outcome.status == 200
    data = [a["id"] for a in outcome.payload["data"]]
    ordered = ids if query.get("order") == "asc" else ids[::-1]
    assert data == ordered[:count]
    assert outcome.payload["has_more"] is has_more
    assert (outcome.payload["first_id"], outcome.payload["last_id"]) == (data[0], data[-1])


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_list_cursor_that_was_deleted_is_still_a_cursor(transport: str) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, clock=lambda: NOW) as fake:
        ids = [fake.assistants.create(model="gpt-4o")["id"] for _ in range(5)]
        fake.assistants.delete(ids[2])
        query = {"after": ids[2], "order": "asc"}
        if transport == "sdk":
            outcome = call_sdk(fake, V2, lambda c: c.beta.assistants.list(**query))
        else:
            outcome = call_httpx("GET", "/assistants", V2, params=query)
        assert outcome.status == 200
        assert [a["id"] for a in outcome.payload["data"]] == ids[3:]


# --- ids in the path -----------------------------------------------------------------------

PATH_ACTIONS: dict[str, tuple[str, Callable[[openai.AzureOpenAI, str], Any], dict[str, Any]]] = {
    "retrieve": ("GET", lambda c, i: c.beta.assistants.retrieve(i), {}),
    "modify": ("POST", lambda c, i: c.beta.assistants.update(i, name="n"), {"json": {"name": "n"}}),
    "delete": ("DELETE", lambda c, i: c.beta.assistants.delete(i), {}),
}
PATH_CASES = [
    pytest.param("xyz", 400, CAPTURED_BAD_PATH_ID, id="wrong-shape"),
    pytest.param("thread_abc", 400, bad_id("assistant_id", "thread_abc"), id="other-prefix"),
    pytest.param("ASST_abc", 400, bad_id("assistant_id", "ASST_abc"), id="upper-case-prefix"),
    pytest.param("asst_abc123", 404, CAPTURED_NOT_FOUND, id="unknown"),
]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("action", list(PATH_ACTIONS))
@pytest.mark.parametrize(("assistant_id", "status", "expected"), PATH_CASES)
def test_path_id(
    transport: str, action: str, assistant_id: str, status: int, expected: dict[str, Any]
) -> None:
    method, sdk_call, options = PATH_ACTIONS[action]
    with fake_assistants.mock(endpoint=ENDPOINT, clock=lambda: NOW) as fake:
        seeded_id = fake.assistants.create(**SEEDED)["id"]
        before = snapshot(fake, seeded_id)
        if transport == "sdk":
            outcome = call_sdk(fake, V2, lambda c: sdk_call(c, assistant_id))
        else:
            path = f"/assistants/{assistant_id}"
            outcome = call_httpx(method, path, V2, **options)
        assert (outcome.status, outcome.payload) == (status, expected)
        assert snapshot(fake, seeded_id) == before


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    ("assistant_id", "status", "expected"),
    [
        pytest.param("xyz", 400, CAPTURED_BAD_PATH_ID, id="wrong-shape"),
        pytest.param("asst_abc123", 404, CAPTURED_NOT_FOUND, id="unknown"),
    ],
)
def test_path_id_is_reported_before_a_bad_body(
    transport: str, assistant_id: str, status: int, expected: dict[str, Any]
) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT) as fake:
        if transport == "sdk":
            outcome = call_sdk(
                fake,
                V2,
                lambda c: c.beta.assistants.update(assistant_id, name=123),  # type: ignore[arg-type]
            )
        else:
            outcome = call_httpx("POST", f"/assistants/{assistant_id}", V2, json={"name": 123})
        assert (outcome.status, outcome.payload) == (status, expected)
        assert len(fake.assistants) == 0
