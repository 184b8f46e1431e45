"""Example values for JSON Schemas: valid, stable, and never an error on any JSON object."""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
import time
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import _safe_regex
from fake_assistants._schema_values import MAX_ITEMS, example, validates


def fuzz_settings(examples: int) -> settings:
    """Fixed generation (FAKE_ASSISTANTS_FUZZ_RANDOM=1 for fresh cases), no deadline."""
    override = os.environ.get("FAKE_ASSISTANTS_FUZZ_EXAMPLES")
    return settings(
        max_examples=int(override) if override else examples,
        derandomize=os.environ.get("FAKE_ASSISTANTS_FUZZ_RANDOM", "") in ("", "0"),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


WEATHER = {
    "type": "object",
    "properties": {
        "location": {"type": "string", "description": "The city and country"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["location"],
}
TREE = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {
                "label": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
            "required": ["label", "children"],
            "additionalProperties": False,
        }
    },
    "$ref": "#/$defs/node",
}
# Pydantic's shape for a model with an optional nested model and a list of enums.
PYDANTIC = {
    "$defs": {
        "Color": {"enum": ["red", "green"], "title": "Color", "type": "string"},
        "Address": {
            "properties": {"street": {"type": "string"}, "zip_code": {"pattern": r"^\d{5}$"}},
            "required": ["street", "zip_code"],
            "type": "object",
        },
    },
    "properties": {
        "name": {"type": "string"},
        "address": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": None},
        "colors": {"items": {"$ref": "#/$defs/Color"}, "type": "array", "minItems": 2},
    },
    "required": ["name", "address", "colors"],
    "title": "Person",
    "type": "object",
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "weather function": WEATHER,
    "no parameters": {"type": "object", "properties": {}},
    "empty schema": {},
    "strict structured output": {
        "type": "object",
        "properties": {
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"explanation": {"type": "string"}, "output": {"type": "string"}},
                    "required": ["explanation", "output"],
                    "additionalProperties": False,
                },
            },
            "final_answer": {"type": "string"},
        },
        "required": ["steps", "final_answer"],
        "additionalProperties": False,
    },
    "nested objects": {
        "type": "object",
        "properties": {
            "order": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "minimum": 1},
                    "customer": {
                        "type": "object",
                        "properties": {
                            "first_name": {"type": "string"},
                            "age": {"type": "integer"},
                        },
                        "required": ["first_name"],
                    },
                },
                "required": ["id", "customer"],
            }
        },
        "required": ["order"],
    },
    "array with minItems and maxItems": {
        "type": "array",
        "items": {"type": "integer", "minimum": 10},
        "minItems": 3,
        "maxItems": 5,
    },
    "unique items": {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 4,
        "uniqueItems": True,
    },
    "unique enum items": {
        "type": "array",
        "items": {"enum": ["a", "b", "c"]},
        "minItems": 3,
        "uniqueItems": True,
    },
    "prefixItems": {
        "type": "array",
        "prefixItems": [{"type": "number"}, {"type": "string", "format": "date"}],
        "items": False,
    },
    "contains": {"type": "array", "items": {"type": "integer"}, "contains": {"const": 7}},
    "enum": {"type": "string", "enum": ["low", "medium", "high"]},
    "enum of mixed values": {"enum": [None, 3, "x"], "type": "integer"},
    "const": {"const": {"kind": "fixed"}},
    "anyOf with null": {"anyOf": [{"type": "string", "minLength": 3}, {"type": "null"}]},
    "oneOf": {
        "oneOf": [{"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 3}]
    },
    "allOf with $refs": {
        "$defs": {
            "base": {"properties": {"id": {"type": "string"}}, "required": ["id"]},
            "named": {"properties": {"name": {"type": "string"}}, "required": ["name"]},
        },
        "allOf": [{"$ref": "#/$defs/base"}, {"$ref": "#/$defs/named"}],
        "unevaluatedProperties": False,
    },
    "type list": {"type": ["null", "integer"], "minimum": 3},
    "nullable (OpenAPI)": {"type": "string", "nullable": True, "maxLength": 4},
    "$defs ref": PYDANTIC,
    "definitions ref": {
        "definitions": {"flag": {"type": "boolean"}},
        "properties": {"enabled": {"$ref": "#/definitions/flag"}},
        "required": ["enabled"],
    },
    "format date": {"type": "string", "format": "date"},
    "format date-time": {"type": "string", "format": "date-time"},
    "format email": {"type": "string", "format": "email"},
    "format uri": {"type": "string", "format": "uri"},
    "format uuid": {"type": "string", "format": "uuid"},
    "format ipv4": {"type": "string", "format": "ipv4"},
    "pattern code": {"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"},
    "pattern phone with minLength": {
        "type": "string",
        "pattern": r"^\+?[1-9]\d{6,14}$",
        "minLength": 12,
    },
    "pattern alternatives": {"type": "string", "pattern": r"^(?:north|south)-(\d)\1$"},
    "pattern negated set": {"type": "string", "pattern": r"^[^\w\s]{2}$"},
    "minLength and maxLength": {"type": "string", "minLength": 12, "maxLength": 14},
    "exclusive bounds": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "exclusive integer bounds": {"type": "integer", "exclusiveMinimum": 5, "exclusiveMaximum": 7},
    "multipleOf decimal": {"type": "number", "multipleOf": 0.1, "minimum": 0.25},
    "multipleOf integer": {"type": "integer", "multipleOf": 7, "minimum": 100, "maximum": 110},
    "negative range": {"type": "integer", "maximum": -40},
    "self-recursive tree": TREE,
    "minProperties": {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "minProperties": 2,
    },
    "patternProperties": {
        "type": "object",
        "patternProperties": {"^x-": {"type": "boolean"}},
        "required": ["x-debug"],
    },
}


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_example_validates_and_is_stable(schema: dict[str, Any]) -> None:
    value = example(schema)
    assert validates(schema, value), value
    assert example(schema) == value
    assert json.loads(json.dumps(value, allow_nan=False)) == value


def test_weather_arguments_fill_optional_properties_realistically() -> None:
    assert example(WEATHER) == {"location": "Paris, France", "unit": "celsius"}


def test_realistic_strings_follow_the_property_name() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "departureCity": {"type": "string"},
            "email": {"type": "string"},
            "notes": {"type": "string"},
        },
    }
    assert example(schema) == {
        "city": "Paris",
        "departureCity": "Paris",
        "email": "ada@example.com",
        "notes": "example",
    }


def test_examples_and_defaults_are_preferred() -> None:
    assert example({"type": "string", "examples": ["Berlin"]}) == "Berlin"
    assert example({"type": "integer", "default": 42}) == 42
    # a default that does not fit its own schema is not used
    assert example({"type": "integer", "minimum": 5, "default": 1}) == 5


def test_the_value_is_a_copy_of_the_schema_s_own() -> None:
    schema = {"const": {"kind": ["fixed"]}}
    example(schema)["kind"].append("changed")
    assert schema == {"const": {"kind": ["fixed"]}}


def test_null_is_a_last_resort_when_filling() -> None:
    assert example(SCHEMAS["anyOf with null"]) == "example"
    assert example(SCHEMAS["type list"]) == 3
    assert example(PYDANTIC)["address"] == {"street": "example", "zip_code": "00000"}


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("format date", datetime.date.fromisoformat),
        ("format date-time", datetime.datetime.fromisoformat),
        ("format uuid", uuid.UUID),
        ("format email", lambda text: re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", text) or 1 / 0),
        ("format uri", lambda text: re.fullmatch(r"https://[a-z.]+/.*", text) or 1 / 0),
    ],
)
def test_formats_look_valid(name: str, check: Any) -> None:
    check(example(SCHEMAS[name]))


def test_bounds_and_multiples() -> None:
    assert 0 < example(SCHEMAS["exclusive bounds"]) < 1
    assert example(SCHEMAS["exclusive integer bounds"]) == 6
    assert example(SCHEMAS["multipleOf integer"]) == 105
    assert example(SCHEMAS["negative range"]) == -40
    assert example({"type": "integer", "multipleOf": 0.5, "minimum": 3.2}) == 4


def test_arrays_meet_their_counts_and_uniqueness() -> None:
    assert len(example(SCHEMAS["array with minItems and maxItems"])) == 3
    unique = example(SCHEMAS["unique items"])
    assert len(unique) == 4 and len(set(unique)) == 4
    assert sorted(example(SCHEMAS["unique enum items"])) == ["a", "b", "c"]
    assert len(example({"type": "array", "minItems": 10_000})) == MAX_ITEMS  # capped


def depth(node: dict[str, Any]) -> int:
    return 1 + max((depth(child) for child in node["children"]), default=0)


def test_recursion_stops_at_a_small_depth() -> None:
    tree = example(TREE)
    assert 2 <= depth(tree) <= 4
    # recursion through an optional property stops the same way
    linked = {"type": "object", "properties": {"next": {"$ref": "#"}, "n": {"type": "integer"}}}
    value = example(linked)
    assert validates(linked, value)
    assert value["next"]["n"] == 1
    assert json.dumps(value).count("next") <= 4


def test_an_optional_property_that_cannot_be_met_is_left_out() -> None:
    schema = {
        "type": "object",
        "properties": {"bad": {"type": "string", "minLength": 5, "maxLength": 2}, "ok": {}},
    }
    assert example(schema) == {"ok": "example"}


def test_falls_back_to_required_properties_only() -> None:
    # filling `b` breaks a rule on the whole object: the minimal attempt leaves it out
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a"],
        "dependentRequired": {"b": ["c"]},
    }
    assert example(schema) == {"a": 1}


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#"}}},
        {"type": "string", "minLength": 5, "maxLength": 2},
        {"type": "strin"},
        {"$ref": "https://example.com/schema.json"},
        {"allOf": [{"type": "string"}, {"type": "integer"}]},
        {"type": "array", "items": False, "minItems": 1},
    ],
    ids=["endless", "contradiction", "invalid", "remote ref", "no type", "no items"],
)
def test_a_schema_with_no_valid_value_still_gets_a_json_value(schema: dict[str, Any]) -> None:
    value = example(schema)
    json.dumps(value, allow_nan=False)
    assert not validates(schema, value)


def test_validates() -> None:
    assert validates(WEATHER, {"location": "Lima"})
    assert not validates(WEATHER, {"unit": "celsius"})
    assert not validates({"type": "string", "format": "email"}, "not an email")
    assert validates({"type": "string", "format": "date"}, "2024-02-29")
    assert not validates({"type": "string", "format": "date"}, "2023-02-29")
    assert validates(True, 5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "strin"},
        {"minimum": "x"},
        {"pattern": "("},
        {"$ref": "#/$defs/missing"},
        {"$ref": "https://example.com/schema.json"},  # never fetched: the socket guard holds
        {"$ref": "#"},
        [],
    ],
)
def test_validates_is_false_for_a_bad_schema(schema: Any) -> None:
    assert validates(schema, 5) is False


# --- any JSON object as a schema ---------------------------------------------------------

KEYWORDS = [
    "type", "properties", "required", "additionalProperties", "enum", "const", "default",
    "examples", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "format", "pattern", "anyOf", "oneOf", "allOf", "not", "$ref", "$defs",
    "definitions", "nullable", "minProperties", "maxProperties", "patternProperties",
    "additionalItems", "$schema", "$id", "$anchor", "if", "then", "else",
]  # fmt: skip
TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"]
STRINGS = st.sampled_from(
    [*TYPES, "#", "#/$defs/a", "#/definitions/a", "#/properties/a", "date", "email", "uuid"]
) | st.text(max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | STRINGS
)
KEYS = st.sampled_from([*KEYWORDS, "a", "b"]) | st.text(max_size=4)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=24,
)
ANY_SCHEMA = st.dictionaries(KEYS, JSON, max_size=6)


@fuzz_settings(600)
@given(ANY_SCHEMA)
def test_any_json_object_gives_a_json_value(schema: dict[str, Any]) -> None:
    before = copy.deepcopy(schema)
    value = example(schema)
    json.dumps(value, allow_nan=False)
    assert example(schema) == value
    assert schema == before
    assert isinstance(validates(schema, value), bool)


# --- valid schemas from a small grammar --------------------------------------------------

FORMATS = ["date", "date-time", "email", "uri", "uuid", "ipv4", "hostname"]
PATTERNS = [
    r"^[A-Z]{3}-\d{4}$",
    r"^\d+$",
    r"^[a-z]+(-[a-z]+)*$",
    r"^\+?[1-9]\d{6,14}$",
    r"^(?:red|green|blue)$",
    r"[A-Z]",
    r"^.{3}$",
    r"^[^@\s]+@[^@\s]+$",
    r"^v\d+\.\d+\.\d+$",
]


@st.composite
def strings(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "format", "pattern"]))
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    schema: dict[str, Any] = {"type": "string"}
    least = draw(st.integers(0, 30))
    if draw(st.booleans()):
        schema["minLength"] = least
    if draw(st.booleans()):
        schema["maxLength"] = least + draw(st.integers(0, 5))
    return schema


@st.composite
def numbers(draw: st.DrawFn) -> dict[str, Any]:
    integer = draw(st.booleans())
    schema: dict[str, Any] = {"type": "integer" if integer else "number"}
    step = draw(st.sampled_from([1, 2, 3, 7] if integer else [0.5, 0.25, 2.5, 1]))
    low = draw(st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6))
    high = low + step * 2 + draw(st.integers(0, 100))
    if draw(st.booleans()):
        schema["multipleOf"] = step
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = high
    return schema


LEAVES = (
    strings()
    | numbers()
    | st.sampled_from([{"type": "boolean"}, {"type": "null"}, {}, True])
    | st.lists(SCALARS, min_size=1, max_size=4).map(lambda values: {"enum": values})
    | JSON.map(lambda value: {"const": value})
)
NAMES = st.sampled_from(["city", "name", "count", "tags", "x", "first_name", "a b", ""])


@st.composite
def objects(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    properties = draw(st.dictionaries(NAMES, children, max_size=4))
    required = [name for name in properties if draw(st.booleans())]
    schema = {"type": "object", "properties": properties, "required": required}
    if draw(st.booleans()):
        schema["additionalProperties"] = False
    return schema


@st.composite
def arrays(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    least = draw(st.integers(0, 3))
    schema = {"type": "array", "items": draw(children), "minItems": least}
    if draw(st.booleans()):
        schema["maxItems"] = least + draw(st.integers(0, 2))
    return schema


def nodes(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        objects(children)
        | arrays(children)
        | st.lists(children, min_size=1, max_size=3).map(lambda options: {"anyOf": options})
        | children.map(lambda child: {"anyOf": [child, {"type": "null"}]})
    )


VALID_SCHEMA = st.recursive(LEAVES, nodes, max_leaves=12)


@fuzz_settings(400)
@given(VALID_SCHEMA, st.sampled_from(["plain", "$defs", "nullable"]))
def test_valid_schemas_get_valid_examples(schema: Any, wrapping: str) -> None:
    if wrapping == "$defs":  # the same schema behind a $ref
        schema = {"$defs": {"it": schema}, "$ref": "#/$defs/it"}
    elif wrapping == "nullable" and isinstance(schema, dict) and "type" in schema:
        schema = {**schema, "nullable": True}
    value = example(schema)
    assert validates(schema, value), (schema, value)


SAFE_PATTERNS = [
    r"^((a+)+)+$",
    r"(?i)HeLLo",
    r"^\d{3}-\d{4}$",
    r"[^a-z]+",
    r"\bfoo\b",
    r"^(?=.*[A-Z])(?=.*\d).{8,}$",
    r"(?<=a)b",
    r"(?<!a)b",
    r"(ab|a)(bc|c)?$",
    r"(?m)^b$",
    r"a$",
    r"(?s)a.b",
    r"[\w.+-]+@[\w-]+\.\w+",
]


@given(st.sampled_from(SAFE_PATTERNS), st.text(alphabet="aAbB01 \n_-.@cfox", max_size=14))
def test_bounded_regex_search_agrees_with_re(pattern: str, text: str) -> None:
    assert _safe_regex.search(pattern, text) == (re.search(pattern, text) is not None)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [(r"^((a+)+)+$", "a" * 65_536), (r"[a-z]{1,1000}$", "a" * 65_536 + "!"), (r"(a)\1", "aa")],
)
def test_bounded_regex_search_says_when_it_cannot_tell(pattern: str, text: str) -> None:
    started = time.monotonic()
    assert _safe_regex.search(pattern, text) is None
    assert time.monotonic() - started < 2


def test_patterns_anywhere_are_checked_in_bounded_time() -> None:
    evil = "^((a+)+)+$"
    name = "a" * 60 + "!"
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        schema = {
            "type": "object",
            "properties": {name: {"type": "string", "pattern": evil}},
            "patternProperties": {evil: {"type": "integer"}},
            keyword: False,
        }
        started = time.monotonic()
        assert not validates(schema, {name: name})
        assert validates(schema, example(schema))
        assert time.monotonic() - started < 5
