"""The declarative validators, node by node, and the wire errors they raise."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fake_assistants._errors import (
    AccessDenied,
    ApiError,
    ApiVersionNotSupported,
    InternalError,
    InvalidId,
    InvalidJson,
    InvalidParam,
    InvalidType,
    InvalidValue,
    MissingParameter,
    ModelNotFound,
    NotFound,
    ResourceNotFound,
    TokenRejected,
    UnknownParameter,
    WireError,
    quote_list,
)
from fake_assistants._listing import parse_limit
from fake_assistants._validation import (
    Arr,
    Bool,
    Enum,
    Map,
    Node,
    Num,
    Obj,
    OneOf,
    Str,
    Tagged,
    describe,
    fmt,
    join,
)


def fails(node: Node, value: Any, path: str = "x") -> dict[str, Any]:
    """The error object a node answers `value` with."""
    with pytest.raises(ApiError) as info:
        node.check(value, path)
    error = info.value
    assert error.status == 400
    body = error.body()
    assert set(body) == {"error"}
    assert body["error"]["type"] == "invalid_request_error"
    return {k: body["error"][k] for k in ("message", "param", "code")}


def passes(node: Node, value: Any, path: str = "x") -> None:
    node.check(value, path)  # raises on failure


def err(message: str, param: str | None, code: str | None) -> dict[str, Any]:
    return {"message": message, "param": param, "code": code}


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ""),
        (["a"], "'a'"),
        (["a", "b"], "'a' and 'b'"),
        (["a", "b", "c"], "'a', 'b', and 'c'"),
        (["a", "b", "c", "d"], "'a', 'b', 'c', and 'd'"),
    ],
)
def test_quote_list(values: list[str], expected: str) -> None:
    assert quote_list(values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "a boolean"),
        (False, "a boolean"),
        (0, "an integer"),
        (-5, "an integer"),
        (1.5, "a decimal"),
        (2.0, "a decimal"),
        ("", "a string"),
        ([], "an array"),
        ({}, "an object"),
    ],
)
def test_describe(value: Any, expected: str) -> None:
    assert describe(value) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(2, "2"), (2.0, "2"), (2.1, "2.1"), (-0.5, "-0.5"), (0, "0"), (100, "100"), (1e20, "1e+20")],
)
def test_fmt(number: float, expected: str) -> None:
    assert fmt(number) == expected


def test_join() -> None:
    assert join("", "name") == "name"
    assert join("tools[0]", "type") == "tools[0].type"


# --- Str -----------------------------------------------------------------------------------


def test_str_accepts_within_bounds() -> None:
    node = Str(min_length=2, max_length=4)
    for value in ("ab", "abc", "abcd"):
        passes(node, value)


def test_str_type() -> None:
    assert fails(Str(), 5, "name") == err(
        "Invalid type for 'name': expected a string, but got an integer instead.",
        "name",
        "invalid_type",
    )
    assert fails(Str(), True)["message"].endswith("expected a string, but got a boolean instead.")


def test_str_too_long() -> None:
    assert fails(Str(max_length=3), "abcd", "name") == err(
        "Invalid 'name': string too long. Expected a string with maximum length 3, "
        "but got a string with length 4 instead.",
        "name",
        "string_above_max_length",
    )


def test_str_empty_and_too_short() -> None:
    assert fails(Str(min_length=1), "", "n") == err(
        "Invalid 'n': empty string. Expected a string with minimum length 1, "
        "but got an empty string instead.",
        "n",
        "empty_string",
    )
    assert fails(Str(min_length=3), "ab", "n") == err(
        "Invalid 'n': string too short. Expected a string with minimum length 3, "
        "but got a string with length 2 instead.",
        "n",
        "string_below_min_length",
    )


def test_str_pattern() -> None:
    node = Str(pattern=r"^[a-z]+$")
    passes(node, "abc")
    assert fails(node, "ab1", "f") == err(
        "Invalid 'f': string does not match pattern. Expected a string that matches the "
        "pattern '^[a-z]+$'.",
        "f",
        "invalid_value",
    )


def test_str_pattern_must_match_the_whole_string() -> None:
    node = Str(pattern=r"[a-z]+")
    assert fails(node, "abc!")["code"] == "invalid_value"


def test_str_length_is_checked_before_pattern() -> None:
    node = Str(max_length=3, pattern=r"^[a-z]+$")
    assert fails(node, "ABCD")["code"] == "string_above_max_length"


def test_str_length_counts_characters_not_bytes() -> None:
    passes(Str(max_length=3), "äöü")
    assert fails(Str(max_length=2), "äöü")["message"].endswith("with length 3 instead.")


# --- nullable (every node kind) ------------------------------------------------------------

ALL_NODES: list[Node] = [
    Str(),
    Enum(values=("a",)),
    Num(),
    Num(integer=True),
    Bool(),
    Arr(),
    Obj(),
    Map(),
    Tagged(variants={"a": Obj(fields={"type": Str()})}),
    OneOf(options=(Str(), Num())),
]


@pytest.mark.parametrize("node", ALL_NODES, ids=lambda n: type(n).__name__)
def test_null_rejected_unless_nullable(node: Node) -> None:
    error = fails(node, None, "p")
    assert error == err(
        f"Invalid type for 'p': expected {node.expected}, but got null instead.",
        "p",
        "invalid_type",
    )


@pytest.mark.parametrize("node", ALL_NODES, ids=lambda n: type(n).__name__)
def test_null_accepted_when_nullable(node: Node) -> None:
    nullable = dataclasses.replace(node, nullable=True)
    passes(nullable, None)


# --- Enum ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "supported"),
    [
        (("auto",), "'auto'"),
        (("asc", "desc"), "'asc' and 'desc'"),
        (
            ("code_interpreter", "function", "file_search"),
            "'code_interpreter', 'function', and 'file_search'",
        ),
    ],
)
def test_enum_lists_supported_values(values: tuple[str, ...], supported: str) -> None:
    node = Enum(values=values)
    for value in values:
        passes(node, value)
    assert fails(node, "nope", "order") == err(
        f"Invalid value: 'nope'. Supported values are: {supported}.", "order", "invalid_value"
    )


def test_enum_is_case_sensitive_and_typed() -> None:
    node = Enum(values=("asc", "desc"))
    assert fails(node, "ASC")["code"] == "invalid_value"
    assert fails(node, 1, "order") == err(
        "Invalid type for 'order': expected a string, but got an integer instead.",
        "order",
        "invalid_type",
    )


# --- Num -----------------------------------------------------------------------------------


def test_num_bounds_are_inclusive() -> None:
    node = Num(minimum=0, maximum=2)
    for value in (0, 0.0, 1, 1.5, 2, 2.0):
        passes(node, value)


def test_num_decimal_above_and_below() -> None:
    node = Num(minimum=0, maximum=2)
    assert fails(node, 2.1, "temperature") == err(
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, "
        "but got 2.1 instead.",
        "temperature",
        "decimal_above_max_value",
    )
    assert fails(node, -2.5, "temperature") == err(
        "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, "
        "but got -2.5 instead.",
        "temperature",
        "decimal_below_min_value",
    )


def test_num_integer_above_and_below() -> None:
    node = Num(minimum=1, maximum=100, integer=True)
    passes(node, 1)
    passes(node, 100)
    assert fails(node, 101, "limit") == err(
        "Invalid 'limit': integer above maximum value. Expected a value <= 100, "
        "but got 101 instead.",
        "limit",
        "integer_above_max_value",
    )
    assert fails(node, 0, "limit") == err(
        "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        "limit",
        "integer_below_min_value",
    )


@pytest.mark.parametrize(
    ("node", "value", "expected", "got"),
    [
        (Num(integer=True), 1.5, "an integer", "a decimal"),
        (Num(integer=True), 2.0, "an integer", "a decimal"),
        (Num(integer=True), True, "an integer", "a boolean"),
        (Num(), True, "a decimal", "a boolean"),
        (Num(), "1", "a decimal", "a string"),
        (Num(), [1], "a decimal", "an array"),
    ],
)
def test_num_types(node: Num, value: Any, expected: str, got: str) -> None:
    assert fails(node, value, "n") == err(
        f"Invalid type for 'n': expected {expected}, but got {got} instead.", "n", "invalid_type"
    )


def test_num_without_bounds_accepts_any_number() -> None:
    for value in (-(10**30), 0, 10**30, 1e300):
        passes(Num(), value)


# --- Bool ----------------------------------------------------------------------------------


def test_bool() -> None:
    passes(Bool(), True)
    passes(Bool(), False)
    for value, got in ((1, "an integer"), ("true", "a string"), (0.0, "a decimal")):
        assert fails(Bool(), value, "strict") == err(
            f"Invalid type for 'strict': expected a boolean, but got {got} instead.",
            "strict",
            "invalid_type",
        )


# --- Arr -----------------------------------------------------------------------------------


def test_arr_lengths() -> None:
    node = Arr(items=Str(), min_items=1, max_items=2)
    passes(node, ["a"])
    passes(node, ["a", "b"])
    assert fails(node, ["a", "b", "c"], "tools") == err(
        "Invalid 'tools': array too long. Expected an array with maximum length 2, "
        "but got an array with length 3 instead.",
        "tools",
        "array_above_max_length",
    )
    assert fails(node, [], "tools") == err(
        "Invalid 'tools': empty array. Expected an array with minimum length 1, "
        "but got an empty array instead.",
        "tools",
        "empty_array",
    )
    assert fails(Arr(min_items=3), [1, 2], "t") == err(
        "Invalid 't': array too short. Expected an array with minimum length 3, "
        "but got an array with length 2 instead.",
        "t",
        "array_below_min_length",
    )


def test_arr_items_are_checked_with_their_index() -> None:
    node = Arr(items=Str(max_length=1))
    assert fails(node, ["a", "b", "cc"], "ids")["param"] == "ids[2]"
    assert fails(node, ["a", 1], "ids") == err(
        "Invalid type for 'ids[1]': expected a string, but got an integer instead.",
        "ids[1]",
        "invalid_type",
    )


def test_arr_length_is_checked_before_items() -> None:
    node = Arr(items=Str(), max_items=1)
    assert fails(node, [1, 2])["code"] == "array_above_max_length"


def test_arr_type() -> None:
    assert fails(Arr(), "abc", "tools")["message"] == (
        "Invalid type for 'tools': expected an array, but got a string instead."
    )
    assert fails(Arr(), {}, "tools")["message"].endswith("but got an object instead.")


# --- Obj -----------------------------------------------------------------------------------

PERSON = Obj(
    fields={"name": Str(), "age": Num(integer=True), "tags": Arr(items=Str())},
    required=("name",),
)


def test_obj_accepts_known_fields() -> None:
    passes(PERSON, {"name": "a"})
    passes(PERSON, {"name": "a", "age": 3, "tags": []})


def test_obj_unknown_field_with_nested_path() -> None:
    assert fails(PERSON, {"name": "a", "x": 1}, "") == err(
        "Unknown parameter: 'x'.", "x", "unknown_parameter"
    )
    assert fails(PERSON, {"name": "a", "x": 1}, "person") == err(
        "Unknown parameter: 'person.x'.", "person.x", "unknown_parameter"
    )


def test_obj_missing_required() -> None:
    assert fails(PERSON, {}, "") == err(
        "Missing required parameter: 'name'.", "name", "missing_required_parameter"
    )
    assert fails(PERSON, {"age": 1}, "p")["param"] == "p.name"


def test_obj_unknown_is_reported_before_missing_and_before_values() -> None:
    assert fails(PERSON, {"bad": 1, "age": "x"}, "")["code"] == "unknown_parameter"
    assert fails(PERSON, {"age": "x"}, "")["code"] == "missing_required_parameter"


def test_obj_field_errors_carry_the_path() -> None:
    assert fails(PERSON, {"name": "a", "tags": ["t", 2]}, "p")["param"] == "p.tags[1]"


def test_obj_type_at_top_level_says_body() -> None:
    assert fails(PERSON, [], "") == err(
        "Invalid type for 'body': expected an object, but got an array instead.",
        "body",
        "invalid_type",
    )
    assert fails(PERSON, "s", "p")["param"] == "p"


def test_open_obj_accepts_any_keys() -> None:
    passes(Obj(open=True), {"anything": {"nested": [1, None]}, "x": 1})
    assert fails(Obj(open=True), 5, "parameters")["message"] == (
        "Invalid type for 'parameters': expected an object, but got an integer instead."
    )


def test_obj_rule_runs_after_the_fields() -> None:
    seen: list[Any] = []

    def rule(value: dict[str, Any], path: str) -> None:
        seen.append((value, path))
        if value.get("a") == value.get("b"):
            raise InvalidParam(path, "a and b must differ.")

    node = Obj(fields={"a": Num(), "b": Num()}, rule=rule)
    passes(node, {"a": 1, "b": 2}, "pair")
    assert seen == [({"a": 1, "b": 2}, "pair")]
    assert fails(node, {"a": 1, "b": 1}, "pair") == err(
        "Invalid 'pair': a and b must differ.", "pair", "invalid_value"
    )
    seen.clear()
    assert fails(node, {"a": "x", "b": 1}, "pair")["code"] == "invalid_type"
    assert seen == []  # a field error stops before the rule


# --- Map -----------------------------------------------------------------------------------

METADATA = Map(values=Str(max_length=5), max_properties=2, max_key_length=3)


def test_map_accepts_within_limits() -> None:
    passes(METADATA, {})
    passes(METADATA, {"abc": "vvvvv", "d": ""})


def test_map_too_many_properties() -> None:
    assert fails(METADATA, {"a": "", "b": "", "c": ""}, "metadata") == err(
        "Invalid 'metadata': too many properties. Expected an object with at most 2 "
        "properties, but got an object with 3 properties instead.",
        "metadata",
        "object_above_max_properties",
    )


def test_map_key_too_long() -> None:
    assert fails(METADATA, {"abcd": "v"}, "metadata") == err(
        "Invalid property name in 'metadata': 'abcd' is too long. Expected a string with "
        "maximum length 3, but got a string with length 4 instead.",
        "metadata.abcd",
        None,
    )


def test_map_values() -> None:
    assert fails(METADATA, {"k": "vvvvvv"}, "metadata") == err(
        "Invalid 'metadata.k': string too long. Expected a string with maximum length 5, "
        "but got a string with length 6 instead.",
        "metadata.k",
        "string_above_max_length",
    )
    assert fails(METADATA, {"k": 1}, "metadata") == err(
        "Invalid type for 'metadata.k': expected a string, but got an integer instead.",
        "metadata.k",
        "invalid_type",
    )


def test_map_type() -> None:
    assert fails(METADATA, ["a"], "metadata")["message"] == (
        "Invalid type for 'metadata': expected an object, but got an array instead."
    )


# --- Tagged --------------------------------------------------------------------------------

TOOL = Tagged(
    variants={
        "code_interpreter": Obj(fields={"type": Str()}),
        "function": Obj(fields={"type": Str(), "function": Obj(open=True)}, required=("function",)),
    }
)


def test_tagged_dispatches_to_the_variant() -> None:
    passes(TOOL, {"type": "code_interpreter"})
    passes(TOOL, {"type": "function", "function": {}})
    assert fails(TOOL, {"type": "function"}, "tools[0]") == err(
        "Missing required parameter: 'tools[0].function'.",
        "tools[0].function",
        "missing_required_parameter",
    )
    assert fails(TOOL, {"type": "code_interpreter", "function": {}}, "tools[0]") == err(
        "Unknown parameter: 'tools[0].function'.", "tools[0].function", "unknown_parameter"
    )


def test_tagged_missing_or_bad_tag() -> None:
    assert fails(TOOL, {}, "tools[0]") == err(
        "Missing required parameter: 'tools[0].type'.",
        "tools[0].type",
        "missing_required_parameter",
    )
    assert fails(TOOL, {"type": "retrieval"}, "tools[0]") == err(
        "Invalid value: 'retrieval'. Supported values are: 'code_interpreter' and 'function'.",
        "tools[0].type",
        "invalid_value",
    )
    assert fails(TOOL, {"type": 1}, "tools[0]")["code"] == "invalid_type"


def test_tagged_type() -> None:
    assert fails(TOOL, "code_interpreter", "tools[0]") == err(
        "Invalid type for 'tools[0]': expected an object, but got a string instead.",
        "tools[0]",
        "invalid_type",
    )


def test_tagged_with_another_tag_name() -> None:
    node = Tagged(variants={"a": Obj(fields={"kind": Str()})}, tag="kind")
    passes(node, {"kind": "a"})
    assert fails(node, {"type": "a"}, "x")["param"] == "x.kind"


# --- OneOf ---------------------------------------------------------------------------------

FORMAT = OneOf(
    options=(
        Enum(values=("none", "auto")),
        Tagged(variants={"text": Obj(fields={"type": Str()})}),
    )
)


def test_oneof_checks_with_the_option_that_fits_the_type() -> None:
    passes(FORMAT, "auto")
    passes(FORMAT, {"type": "text"})
    assert fails(FORMAT, "json", "response_format") == err(
        "Invalid value: 'json'. Supported values are: 'none' and 'auto'.",
        "response_format",
        "invalid_value",
    )
    assert fails(FORMAT, {"type": "xml"}, "response_format")["param"] == "response_format.type"


def test_oneof_no_option_fits() -> None:
    assert fails(FORMAT, 5, "response_format") == err(
        "Invalid type for 'response_format': expected one of a string or an object, "
        "but got an integer instead.",
        "response_format",
        "invalid_type",
    )
    assert fails(FORMAT, [], "response_format")["message"].endswith("but got an array instead.")


def test_oneof_first_fitting_option_wins() -> None:
    node = OneOf(options=(Str(max_length=1), Str()))
    assert fails(node, "ab")["code"] == "string_above_max_length"


# --- determinism: the same input, the same error --------------------------------------------


def test_same_bad_input_same_error() -> None:
    body = {"b": 1, "a": 1, "c": 1}
    node = Obj(fields={})
    assert fails(node, body, "") == fails(node, dict(body), "")
    assert fails(node, body, "")["param"] == "b"  # the first unknown key, in body order


# --- list `limit` from a query string ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 20), ("", 20), ("1", 1), ("100", 100), ("+5", 5), ("007", 7), (" 9 ", 9)],
)
def test_parse_limit_accepts(raw: str | None, expected: int) -> None:
    assert parse_limit(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "0",
            "Invalid 'limit': integer below minimum value. "
            "Expected a value >= 1, but got 0 instead.",
        ),
        (
            "101",
            "Invalid 'limit': integer above maximum value. "
            "Expected a value <= 100, but got 101 instead.",
        ),
        (
            "-3",
            "Invalid 'limit': integer below minimum value. "
            "Expected a value >= 1, but got -3 instead.",
        ),
        ("1.5", "Invalid type for 'limit': expected an integer, but got a decimal instead."),
        ("1e3", "Invalid type for 'limit': expected an integer, but got a decimal instead."),
        ("ten", "Invalid type for 'limit': expected an integer, but got a string instead."),
    ],
)
def test_parse_limit_rejects(raw: str, expected: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_limit(raw)
    assert info.value.message == expected
    assert info.value.param == "limit"


@pytest.mark.parametrize("digits", [30, 31, 40])
def test_parse_limit_long_integers_are_integers_above_the_maximum(digits: int) -> None:
    """A run of digits is an integer however long it is: never called "a decimal"."""
    raw = "1" * digits
    with pytest.raises(ApiError) as info:
        parse_limit(raw)
    assert info.value.message == (
        "Invalid 'limit': integer above maximum value. Expected a value <= 100, "
        f"but got {raw} instead."
    )
    assert info.value.code == "integer_above_max_value"


# --- the wire errors themselves ----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            NotFound("assistant", "asst_x"),
            404,
            {
                "error": {
                    "message": "No assistant found with id 'asst_x'.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
        (
            UnknownParameter("a.b"),
            400,
            {
                "error": {
                    "message": "Unknown parameter: 'a.b'.",
                    "type": "invalid_request_error",
                    "param": "a.b",
                    "code": "unknown_parameter",
                }
            },
        ),
        (
            MissingParameter("model"),
            400,
            {
                "error": {
                    "message": "Missing required parameter: 'model'.",
                    "type": "invalid_request_error",
                    "param": "model",
                    "code": "missing_required_parameter",
                }
            },
        ),
        (
            InvalidType("name", "a string", "an integer"),
            400,
            {
                "error": {
                    "message": "Invalid type for 'name': expected a string, "
                    "but got an integer instead.",
                    "type": "invalid_request_error",
                    "param": "name",
                    "code": "invalid_type",
                }
            },
        ),
        (
            InvalidValue("order", "x", ["asc", "desc"]),
            400,
            {
                "error": {
                    "message": "Invalid value: 'x'. Supported values are: 'asc' and 'desc'.",
                    "type": "invalid_request_error",
                    "param": "order",
                    "code": "invalid_value",
                }
            },
        ),
        (
            InvalidId("assistant_id", "xyz", "asst"),
            400,
            {
                "error": {
                    "message": "Invalid 'assistant_id': 'xyz'. "
                    "Expected an ID that begins with 'asst'.",
                    "type": "invalid_request_error",
                    "param": "assistant_id",
                    "code": "invalid_value",
                }
            },
        ),
        (
            ModelNotFound("gpt-x"),
            400,
            {
                "error": {
                    "message": "The provided model deployment 'gpt-x' does not exist "
                    "in the AOAI resource.",
                    "type": "invalid_request_error",
                    "param": "model",
                    "code": "model_not_found",
                }
            },
        ),
        (
            ResourceNotFound(),
            404,
            {"error": {"code": "404", "message": "Resource not found"}},
        ),
        (
            ApiVersionNotSupported(),
            400,
            {"error": {"code": "BadRequest", "message": "API version not supported"}},
        ),
        (
            AccessDenied(),
            401,
            {
                "error": {
                    "code": "401",
                    "message": "Access denied due to invalid subscription key or wrong API "
                    "endpoint. Make sure to provide a valid key for an active subscription and "
                    "use a correct regional API endpoint for your resource.",
                }
            },
        ),
        (
            TokenRejected(),
            401,
            {
                "statusCode": 401,
                "message": "Unauthorized. Access token is missing, invalid, audience is "
                "incorrect (https://cognitiveservices.azure.com), or have expired.",
            },
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, WireError) else None,
)
def test_wire_error_envelopes(error: WireError, status: int, body: dict[str, Any]) -> None:
    assert error.status == status
    assert error.body() == body
    assert str(error) == f"{status}: {body}"


def test_invalid_json_and_internal_error() -> None:
    body = InvalidJson().body()["error"]
    assert body["message"].startswith("We could not parse the JSON body of your request.")
    assert (body["type"], body["param"], body["code"]) == ("invalid_request_error", None, None)
    internal = InternalError("boom")
    assert internal.status == 500
    assert internal.body()["error"]["type"] == "server_error"
    assert "boom" in internal.body()["error"]["message"]


def test_invalid_param_code_is_per_instance() -> None:
    first = InvalidParam("a", "x.", "string_above_max_length")
    second = InvalidParam("b", "y.")
    assert (first.code, second.code) == ("string_above_max_length", "invalid_value")
    assert first.body()["error"]["message"] == "Invalid 'a': x."
