"""Example values for JSON Schemas: what the default responder puts in forced function
arguments and in `json_schema` answers when no test scripted them.

`example(schema)` builds a deterministic value and checks it with `validates`, which uses
the `jsonschema` library. A function's `parameters` is any JSON object a user sent, so
neither function raises on a schema that is not valid JSON Schema.
"""

from __future__ import annotations

import copy
import functools
import importlib
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import referencing
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend, validator_for

from . import _safe_regex

MAX_REF_DEPTH = 3  # a self-referential $ref expands this often, then the smallest value
REF_LIMIT = 12  # $refs (and allOf $refs) followed on one path before giving up
SHALLOW_DEPTH = 8  # nesting past which only required properties and minItems are made
MAX_DEPTH = 32  # nesting past which no value is made at all
MAX_ITEMS = 64  # longest array made, whatever minItems asks
MAX_LENGTH = 65_536  # longest string made, whatever minLength asks
BUDGET = 10_000  # values made per attempt, so nested minItems cannot explode
REGEX_STEPS = 1_000_000  # regex steps for one example() or validates(), under a second

# An empty registry: a remote $ref fails to resolve instead of being fetched.
_REGISTRY: referencing.Registry[Any] = referencing.Registry()
_FORMATS = Draft202012Validator.FORMAT_CHECKER

_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_STRING_KEYS = ("minLength", "maxLength", "pattern", "format")
_IMPLIED_TYPES = {
    "object": ("properties", "required", "additionalProperties", "minProperties"),
    "array": ("items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems"),
    "string": _STRING_KEYS,
    "number": _NUMBER_KEYS,
}
_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")

# Realistic strings by property name (the last word of a snake or camel name also counts).
_WORDS: dict[str, tuple[str, ...]] = {
    "city": ("Paris", "Tokyo", "Lima"),
    "country": ("France", "Japan", "Peru"),
    "location": ("Paris, France", "Tokyo, Japan", "Lima, Peru"),
    "address": ("1 Rue de Rivoli, Paris", "2 Chome Ginza, Tokyo"),
    "name": ("Ada Lovelace", "Alan Turing", "Grace Hopper"),
    "first_name": ("Ada", "Alan", "Grace"),
    "last_name": ("Lovelace", "Turing", "Hopper"),
    "username": ("ada", "alan", "grace"),
    "email": ("ada@example.com", "alan@example.com"),
    "url": ("https://example.com",),
    "language": ("en", "fr", "ja"),
    "currency": ("EUR", "JPY", "PEN"),
    "timezone": ("Europe/Paris", "Asia/Tokyo"),
    "unit": ("celsius", "fahrenheit"),
    "color": ("blue", "green", "red"),
    "status": ("active", "pending"),
    "title": ("Example title",),
    "description": ("An example description.",),
    "query": ("example query",),
    "message": ("Hello!",),
    "text": ("Hello!",),
}
_NUMBERS: dict[str, float] = {
    "temperature": 21.5,
    "temp": 21.5,
    "latitude": 48.8566,
    "longitude": 2.3522,
    "age": 36,
    "year": 2024,
}
_FALLBACK_STRINGS = ("example", "abc", "ABC", "a1", "A1", "123", "a", "0", "a-b", "a_b", "")
_NEGATED_SET_CHARS = "aA0_ -.x#"


def validates(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether `value` is valid against `schema` under draft 2020-12 (or the draft its
    `$schema` names), formats included as far as `jsonschema` checks them.

    A schema that is not valid JSON Schema (it fails the draft's meta-schema, or a
    `$ref` does not resolve: remote ones are never fetched) gives False, never an error.
    """
    with _safe_regex.pooled(REGEX_STEPS):
        return _Checker(schema).valid(value)


def example(schema: Mapping[str, Any]) -> Any:
    """A deterministic JSON value valid against `schema`, or a best effort when none is
    found (an unsatisfiable or invalid schema, or one past the limits above).

    The first attempt fills optional properties and one array item; when it does not
    validate, a minimal one (required properties only, minItems items) is tried. Values
    are plain dicts, lists, str, int, float, bool and None; never NaN or infinities.

    Patterns are matched in bounded time (see `_safe_regex`), so no schema can stall it.
    """
    with _safe_regex.pooled(REGEX_STEPS):
        return _example(schema)


def _example(schema: Mapping[str, Any]) -> Any:
    checker = _Checker(schema)
    attempts = []
    for minimal in (False, True):
        value = _Generator(schema, checker, minimal).value(schema, _Spot())
        if checker.valid(value):
            return value
        attempts.append(value)
    return attempts[0]


class _Checker:
    """Validates values against the root schema or one of its subschemas, whose local
    `$ref`s still resolve against the root."""

    def __init__(self, root: object) -> None:
        self.root = root
        self.schema_ok = _schema_ok(root)
        self._validator = _validator(root, _has_key(root, "patternProperties"))
        self._looping = False  # a $ref loop once: every later check would be as slow

    def valid(self, value: Any) -> bool:
        return self.schema_ok and self.accepts(self.root, value)

    def accepts(self, schema: object, value: Any) -> bool:
        if self._validator is None or self._looping:
            return False
        try:
            return bool(self._validator.evolve(schema=schema).is_valid(value))
        except RecursionError:
            self._looping = True
            return False
        except Exception:  # a bad subschema may raise anything
            return False


def _schema_ok(schema: object) -> bool:
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)  # type: ignore[arg-type]
    except Exception:
        return False
    return True


def _validator(schema: object, pattern_properties: bool = False) -> Validator | None:
    """Draft 2020-12, unless the schema's `$schema` names another draft, with its regex
    keywords run in bounded time."""
    try:
        cls = validator_for(schema, default=Draft202012Validator)  # type: ignore[arg-type]
        bounded = _bounded_class(cls, pattern_properties)
        return bounded(schema, registry=_REGISTRY, format_checker=_FORMATS)  # type: ignore[arg-type]
    except Exception:
        return None


_BOUNDED: dict[tuple[type[Validator], bool], type[Validator]] = {}


def _bounded_class(cls: type[Validator], pattern_properties: bool) -> type[Validator]:
    """`cls` whose `pattern`, `patternProperties` and `additionalProperties` match with
    `_safe_regex` (a pattern it cannot tell about is taken as matching). jsonschema's
    `unevaluatedProperties` matches patternProperties with `re`, so it is not checked
    when the schema has patternProperties anywhere."""
    key = (cls, pattern_properties)
    if key not in _BOUNDED:
        keywords: dict[str, Any] = {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        }
        if pattern_properties:
            keywords["unevaluatedProperties"] = _unchecked
        _BOUNDED[key] = extend(cls, keywords)  # type: ignore[no-untyped-call]
    return _BOUNDED[key]


def _matches(pattern: object, text: str) -> bool:
    return isinstance(pattern, str) and _safe_regex.search(pattern, text) is not False


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, sub in patterns.items():
        for name, value in instance.items():
            if _matches(pattern, name):
                yield from validator.descend(value, sub, path=name, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    named, patterns = _mapping(schema.get("properties")), _mapping(schema.get("patternProperties"))
    extras = [
        name
        for name in instance
        if name not in named and not any(_matches(pattern, name) for pattern in patterns)
    ]
    if validator.is_type(extra, "object"):
        for name in extras:
            yield from validator.descend(instance[name], extra, path=name)
    elif extra is False and extras:
        yield ValidationError(f"Additional properties are not allowed ({extras!r} unexpected)")


def _unchecked(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
    return iter(())


def _has_key(schema: object, key: str, depth: int = 0) -> bool:
    """Whether `key` is a keyword anywhere in the schema (any dict key, to be safe)."""
    if depth > MAX_DEPTH * 4:
        return True
    if isinstance(schema, Mapping):
        return key in schema or any(_has_key(v, key, depth + 1) for v in schema.values())
    if isinstance(schema, list):
        return any(_has_key(item, key, depth + 1) for item in schema)
    return False


def _first_valid(rules: Mapping[str, Any], candidates: Iterable[Any]) -> Any:
    """The first candidate valid against `rules` (a few scalar keywords, no $ref), or
    None; a bad keyword value makes every candidate fail."""
    validator = _validator(rules)
    for candidate in candidates:
        try:
            if validator is not None and validator.is_valid(candidate):
                return candidate
        except Exception:  # e.g. a non-numeric `minimum`
            return None
    return None


@dataclass(frozen=True)
class _Spot:
    """Where a value is made: nesting depth, $refs followed on the way there, the
    property name (a hint for realistic values) and which of several unique items."""

    depth: int = 0
    refs: int = 0
    name: str = ""
    variant: int = 0

    def child(self, name: str, variant: int = 0) -> _Spot:
        return _Spot(self.depth + 1, self.refs, name, variant)

    def followed(self) -> _Spot:
        return replace(self, refs=self.refs + 1)


class _Generator:
    def __init__(self, root: object, checker: _Checker, minimal: bool) -> None:
        self.root = root
        self.checker = checker
        self.minimal = minimal
        self.budget = BUDGET

    def shallow(self, spot: _Spot) -> bool:
        return self.minimal or spot.refs >= MAX_REF_DEPTH or spot.depth >= SHALLOW_DEPTH

    def value(self, schema: object, spot: _Spot) -> Any:
        self.budget -= 1
        if schema is False or self.budget < 0 or spot.depth > MAX_DEPTH or spot.refs > REF_LIMIT:
            return None
        if not isinstance(schema, Mapping):
            return _hint(spot.name, spot.variant)  # `true` (anything goes) or nonsense
        if isinstance(schema.get("$ref"), str):
            return self.value(self.deref(schema), spot.followed())
        given = self.given(schema, spot)
        if given is not None:
            return copy.deepcopy(given[0])  # the caller may change it; the schema must not
        if isinstance(schema.get("allOf"), list):
            return self.value(self.all_of(schema), spot.followed())
        for keyword in ("anyOf", "oneOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self.alternatives(schema, keyword, spot)
        return self.typed(schema, spot)

    def deref(self, schema: Mapping[str, Any]) -> object:
        """The referenced schema with the $ref's siblings merged in (both apply)."""
        target = _lookup(self.root, schema["$ref"])
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        if target is False:
            return False
        if isinstance(target, Mapping):
            return _merge(target, rest)
        return rest  # unresolvable: the siblings alone are the best guess

    def given(self, schema: Mapping[str, Any], spot: _Spot) -> tuple[Any] | None:
        """A value the schema itself offers: const, an enum member, an example, the default."""
        if "const" in schema:
            return (schema["const"],)
        offered: list[Any] = []
        if isinstance(schema.get("enum"), list):
            offered = list(schema["enum"])
        elif isinstance(schema.get("examples"), list):
            offered = list(schema["examples"])
        # A null default (Pydantic's for every Optional field) says "may be absent", not
        # what a value looks like: filling makes a real value instead.
        if "default" in schema and (schema["default"] is not None or self.shallow(spot)):
            offered.append(schema["default"])
        fitting = [value for value in offered if self.checker.accepts(schema, value)]
        if fitting:
            return (fitting[spot.variant % len(fitting)],)
        return (offered[0],) if "enum" in schema and offered else None

    def all_of(self, schema: Mapping[str, Any]) -> object:
        merged: object = {key: value for key, value in schema.items() if key != "allOf"}
        for part in schema["allOf"]:
            for _ in range(REF_LIMIT):  # merge what a part refers to, not the bare $ref
                if not (isinstance(part, Mapping) and isinstance(part.get("$ref"), str)):
                    break
                part = self.deref(part)
            if part is False or merged is False:
                return False
            if isinstance(part, Mapping) and isinstance(merged, Mapping):
                merged = _merge(merged, part)
        return merged

    def alternatives(self, schema: Mapping[str, Any], keyword: str, spot: _Spot) -> Any:
        """The first alternative whose value validates; when shallow, the smallest one."""
        rest = {key: value for key, value in schema.items() if key != keyword}
        options = [
            _merge(rest, alt) if isinstance(alt, Mapping) else alt for alt in schema[keyword]
        ]
        options.sort(key=lambda option: _null_only(option) != self.shallow(spot))
        values, fitting = [], []
        for option in options:
            if self.budget < 0:
                break
            for variant in range(spot.variant, spot.variant + 3):  # oneOf: fit just one
                value = self.value(option, replace(spot, variant=variant))
                values.append(value)
                if self.checker.accepts(schema, value):
                    fitting.append(value)
                    break
            if fitting and not self.shallow(spot):
                return fitting[0]
        return min(fitting, key=_size) if fitting else values[0]

    def typed(self, schema: Mapping[str, Any], spot: _Spot) -> Any:
        types = _types(schema)
        if "null" in types:  # null last when filling, first when keeping small
            types.remove("null")
            types.insert(0 if self.shallow(spot) else len(types), "null")
        values = []
        for kind in types:
            value = self.of_type(kind, schema, spot)
            if len(types) == 1 or self.checker.accepts(schema, value):
                return value
            values.append(value)
        return values[0]

    def of_type(self, kind: str, schema: Mapping[str, Any], spot: _Spot) -> Any:
        if kind == "object":
            return self.make_object(schema, spot)
        if kind == "array":
            return self.make_array(schema, spot)
        if kind == "string":
            return _string(schema, spot)
        if kind in ("integer", "number"):
            return _number(schema, spot, integer=kind == "integer")
        if kind == "boolean":
            return spot.variant % 2 == 0
        return None

    def make_object(self, schema: Mapping[str, Any], spot: _Spot) -> dict[str, Any]:
        properties = _mapping(schema.get("properties"))
        required = [name for name in _list(schema.get("required")) if isinstance(name, str)]
        names = [name for name in properties if name in required or not self.shallow(spot)]
        names += [name for name in required if name not in properties]
        names += self.more_names(schema, properties, names)
        result: dict[str, Any] = {}
        for name in dict.fromkeys(names):
            sub = self.property_schema(schema, properties, name)
            value = self.value(sub, spot.child(name, spot.variant))
            if name in required or self.checker.accepts(sub, value):
                result[name] = value  # an optional value that does not fit is left out
        most = _at_most(schema.get("maxProperties"))
        optional = [name for name in result if name not in required]
        while most is not None and len(result) > most and optional:
            del result[optional.pop()]
        return result

    def more_names(
        self, schema: Mapping[str, Any], properties: Mapping[str, Any], names: list[str]
    ) -> list[str]:
        """Names to add for minProperties: the properties left out, then new ones."""
        missing = _at_least(schema.get("minProperties"), MAX_ITEMS) - len(names)
        unused = [name for name in properties if name not in names]
        made = [f"property_{n}" for n in range(1, missing + 1)]
        return (unused + made)[: max(0, missing)]

    def property_schema(
        self, schema: Mapping[str, Any], properties: Mapping[str, Any], name: str
    ) -> object:
        if name in properties:
            return properties[name]
        for pattern, sub in _mapping(schema.get("patternProperties")).items():
            if _search(pattern, name):
                return sub
        return schema.get("additionalProperties", True)

    def make_array(self, schema: Mapping[str, Any], spot: _Spot) -> list[Any]:
        prefix, items = _list(schema.get("prefixItems")), schema.get("items", True)
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, schema.get("additionalItems", True)
        least = _at_least(schema.get("minItems"), MAX_ITEMS)
        most = _at_most(schema.get("maxItems"))
        length = least if self.shallow(spot) else max(least, len(prefix), 1)
        if items is False:
            length = min(length, len(prefix))
        if most is not None:
            length = min(length, most)
        unique = schema.get("uniqueItems") is True  # then items differ by variant
        result = [
            self.value(
                prefix[i] if i < len(prefix) else items, spot.child(spot.name, i if unique else 0)
            )
            for i in range(min(length, MAX_ITEMS))
        ]
        return self.with_contained(schema, result, spot, most)

    def with_contained(
        self, schema: Mapping[str, Any], result: list[Any], spot: _Spot, most: int | None
    ) -> list[Any]:
        """Makes the first item match `contains` when no item does."""
        contains = schema.get("contains")
        if not isinstance(contains, Mapping) or any(
            self.checker.accepts(contains, item) for item in result
        ):
            return result
        item = self.value(contains, spot.child(spot.name))
        if result:
            return [item, *result[1:]]
        return [item] if most is None or most >= 1 else result


def _lookup(root: object, ref: str) -> object:
    """The target of a local `$ref` (`#`, `#/$defs/...`, `#/definitions/...`, any JSON
    pointer into the root), or None when it is not local or not found."""
    if not ref.startswith("#"):
        return None
    pointer = unquote(ref[1:])
    if pointer == "":
        return root
    if not pointer.startswith("/"):
        return None  # a named $anchor: not followed
    node = root
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, Mapping | bool) else None


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Both schemas in one, near enough for making a value: properties both apply,
    required names add up, types intersect; otherwise `extra` wins."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if key == "properties" and isinstance(old, Mapping) and isinstance(value, Mapping):
            both = {name: {"allOf": [old[name], sub]} for name, sub in value.items() if name in old}
            merged[key] = {**old, **value, **both}
        elif key == "required" and isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [name for name in value if name not in old]
        elif key == "type" and old is not None:
            common = [kind for kind in _as_list(old) if kind in _as_list(value)]
            merged[key] = common or value
        else:
            merged[key] = value
    return merged


def _types(schema: Mapping[str, Any]) -> list[str]:
    """The types to try, in order: the given ones, else those its keywords imply."""
    types = [kind for kind in _TYPES if kind in _as_list(schema.get("type"))]
    if not types:
        implied = [kind for kind, keys in _IMPLIED_TYPES.items() if any(k in schema for k in keys)]
        types = implied or ["string"]
    if schema.get("nullable") is True and "null" not in types:
        types.append("null")
    return types


def _null_only(schema: object) -> bool:
    return isinstance(schema, Mapping) and _as_list(schema.get("type")) == ["null"]


def _size(value: Any) -> int:
    if isinstance(value, Mapping):
        return 1 + sum(_size(item) for item in value.values())
    if isinstance(value, list):
        return 1 + sum(_size(item) for item in value)
    return 1


def _string(schema: Mapping[str, Any], spot: _Spot) -> str:
    """A realistic string (format, pattern, then name hint) fitted to the lengths."""
    least = _at_least(schema.get("minLength"), MAX_LENGTH)
    most = _at_most(schema.get("maxLength"))
    rules = {key: schema[key] for key in ("$schema", *_STRING_KEYS) if key in schema}
    rules["type"] = "string"
    candidates = list(_string_candidates(schema, spot, least))
    fitted = (text for raw in candidates for text in (raw, _fit(raw, least, most)))
    found = _first_valid(rules, fitted)
    return found if isinstance(found, str) else _fit(candidates[0], least, most)


def _string_candidates(schema: Mapping[str, Any], spot: _Spot, least: int) -> Iterator[str]:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_VALUES:
        yield _FORMAT_VALUES[fmt](spot.variant)
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        for extra in dict.fromkeys((spot.variant, 1, 2, 4, least, spot.variant + least)):
            text = _from_pattern(pattern, extra)
            if text is not None:
                yield text
        filled = _from_pattern(pattern, 0, least)  # repeats grown to reach minLength
        if filled is not None:
            yield filled
    yield _hint(spot.name, spot.variant)
    if isinstance(pattern, str):
        yield from _FALLBACK_STRINGS


def _fit(text: str, least: int, most: int | None) -> str:
    """Pads by repeating the text (or `x`) up to minLength, cuts down to maxLength."""
    if len(text) < least:
        unit = text or "x"
        text = " ".join([unit] * (least // (len(unit) + 1) + 1))
    return text[:most] if most is not None else text


def _hint(name: str, variant: int) -> str:
    """A realistic string for a property name (`cities` items get cities too)."""
    keys = (_last_words(name), _last_word(name), _singular(_last_word(name)))
    words = next((_WORDS[key] for key in keys if key in _WORDS), ("example",))
    word = words[variant % len(words)]
    return word if variant < len(words) else f"{word} {variant // len(words) + 1}"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word.removesuffix("s")


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())


def _last_words(name: str) -> str:
    return "_".join(_snake(name).strip("_").split("_")[-2:])


def _last_word(name: str) -> str:
    return _snake(name).strip("_").rsplit("_", 1)[-1]


def _date(variant: int) -> str:
    return f"2024-05-{1 + variant % 28:02d}"


def _numbered(variant: int) -> str:
    return str(variant + 1) if variant else ""


_FORMAT_VALUES: dict[str, Callable[[int], str]] = {
    "date": _date,
    "date-time": lambda v: f"{_date(v)}T12:00:00Z",
    "time": lambda v: f"12:{v % 60:02d}:00Z",
    "duration": lambda v: f"P{v + 1}D",
    "email": lambda v: f"ada{_numbered(v)}@example.com",
    "idn-email": lambda v: f"ada{_numbered(v)}@example.com",
    "hostname": lambda v: f"host{_numbered(v)}.example.com",
    "idn-hostname": lambda v: f"host{_numbered(v)}.example.com",
    "ipv4": lambda v: f"192.0.2.{1 + v % 254}",
    "ipv6": lambda v: f"2001:db8::{1 + v % 65535:x}",
    "uri": lambda v: f"https://example.com/{_numbered(v)}",
    "url": lambda v: f"https://example.com/{_numbered(v)}",
    "iri": lambda v: f"https://example.com/{_numbered(v)}",
    "uri-reference": lambda v: f"/example{_numbered(v)}",
    "iri-reference": lambda v: f"/example{_numbered(v)}",
    "uri-template": lambda v: f"https://example.com/{{id{_numbered(v)}}}",
    "uuid": lambda v: str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-assistants/{v}")),
    "json-pointer": lambda v: f"/example{_numbered(v)}",
    "relative-json-pointer": lambda v: f"{v}/example",
    "regex": lambda v: f"^example{_numbered(v)}$",
}


def _search(pattern: object, text: str) -> bool:
    return isinstance(pattern, str) and _safe_regex.search(pattern, text) is True


def _from_pattern(pattern: str, extra: int, fill: int = 0) -> str | None:
    """A string matching `pattern`, built from its parse: each repeat taken `extra` more
    times than its minimum (within its maximum), and more while the string is shorter
    than `fill`. None for what it cannot build."""
    try:
        parsed = _parsed(pattern)
        out: list[str] = []
        _emit(parsed, extra, out, {}, fill)
    except Exception:  # a pattern Python cannot parse, or a construct not handled
        return None
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _parsed(pattern: str) -> Any:
    """The stdlib's own parse of a regex (each string candidate builds from it again)."""
    parser: Any = importlib.import_module("re._parser")
    return parser.parse(pattern)


def _emit(items: Any, extra: int, out: list[str], groups: dict[int, str], fill: int = 0) -> None:
    for op, arg in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY"):
            out.append(_char(name, arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = 0
            while count < min(low + extra, high) or (count < high and len(out) < fill):
                before = len(out)
                _emit(sub, extra, out, groups, fill)
                count += 1
                if len(out) > MAX_LENGTH:
                    raise ValueError("too long")
                if len(out) == before and count >= low:
                    break  # a repeat of nothing grows nothing
        elif name == "SUBPATTERN":
            start = len(out)
            _emit(arg[-1], extra, out, groups, fill)
            if arg[0] is not None:
                groups[arg[0]] = "".join(out[start:])
        elif name == "ATOMIC_GROUP":
            _emit(arg, extra, out, groups, fill)
        elif name == "BRANCH":
            _emit(arg[1][0], extra, out, groups, fill)
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name not in ("AT", "ASSERT", "ASSERT_NOT"):
            raise ValueError(name)  # anchors and lookarounds add nothing; others unknown


def _char(name: str, arg: Any) -> str:
    if name == "LITERAL":
        return chr(arg)
    if name == "NOT_LITERAL":
        return "b" if arg == ord("a") else "a"
    if name == "ANY":
        return "a"
    if name == "CATEGORY":
        return _category_char(str(arg))
    negated = any(str(op) == "NEGATE" for op, _ in arg)
    if negated:
        return next(ch for ch in _NEGATED_SET_CHARS if not _in_set(ch, arg))
    op, value = arg[0]
    if str(op) == "RANGE":
        return chr(value[0])
    return _char(str(op), value)


def _in_set(ch: str, members: Any) -> bool:
    for op, value in members:
        kind = str(op)
        if kind == "LITERAL" and ch == chr(value):
            return True
        if kind == "RANGE" and value[0] <= ord(ch) <= value[1]:
            return True
        if kind == "CATEGORY" and re.fullmatch(_CATEGORIES.get(str(value), ("", "."))[1], ch):
            return True
    return False


def _category_char(category: str) -> str:
    return _CATEGORIES.get(category, ("a", "."))[0]


# A regex category: a character in it, and the class that matches it.
_CATEGORIES = {
    "CATEGORY_DIGIT": ("0", r"\d"),
    "CATEGORY_NOT_DIGIT": ("a", r"\D"),
    "CATEGORY_SPACE": (" ", r"\s"),
    "CATEGORY_NOT_SPACE": ("a", r"\S"),
    "CATEGORY_WORD": ("a", r"\w"),
    "CATEGORY_NOT_WORD": ("-", r"\W"),
}


def _number(schema: Mapping[str, Any], spot: _Spot, integer: bool) -> int | float:
    """The first candidate near a realistic value that meets the bounds and multipleOf."""
    rules = {key: schema[key] for key in ("$schema", *_NUMBER_KEYS) if key in schema}
    rules["type"] = "integer" if integer else "number"
    base = _NUMBERS.get(_last_word(spot.name), 1 if integer else 1.5) + spot.variant
    made = (_as_integer(c) if integer else _finite(c) for c in _number_candidates(schema, base))
    candidates = [c for c in made if c is not None]
    found = _first_valid(rules, candidates)
    if isinstance(found, int | float):
        return found
    return candidates[0] if candidates else (1 if integer else 1.5)


def _number_candidates(schema: Mapping[str, Any], base: float) -> Iterator[float]:
    low, high = (
        _bound(schema, "minimum", "exclusiveMinimum", max),
        _bound(schema, "maximum", "exclusiveMaximum", min),
    )
    step = _finite(schema.get("multipleOf"))
    anchors = [base if low is None else max(base, low), low, high]
    if low is not None and high is not None:
        anchors.append(low / 2 + high / 2)
    for anchor in anchors:
        if anchor is None:
            continue
        anchor = anchor if high is None else min(anchor, high)
        yield from _near(anchor, step if step is not None and step > 0 else None)
    yield 0  # a multiple of anything, for a step too small to divide by


def _near(anchor: float, step: float | None) -> Iterator[float]:
    """Numbers around `anchor`: multiples of `step`, else integers and neighbouring floats."""
    if step is not None:
        quotient = anchor / step
        if not math.isfinite(quotient):
            return
        k = math.ceil(quotient)  # 2 rather than 0 for multipleOf 2: zero fits every multipleOf
        for j in [*range(k, k + 24), *range(k - 1, k - 24, -1)]:
            yield j * step
        return
    yield anchor
    yield from (math.floor(anchor), math.floor(anchor) + 1, math.ceil(anchor) - 1)
    yield from (math.nextafter(anchor, math.inf), math.nextafter(anchor, -math.inf))


def _bound(
    schema: Mapping[str, Any],
    inclusive: str,
    exclusive: str,
    tighter: Callable[[list[float]], float],
) -> float | None:
    found = [_finite(schema.get(inclusive)), _finite(schema.get(exclusive))]
    numbers = [value for value in found if value is not None]
    return tighter(numbers) if numbers else None


def _as_integer(value: float) -> int | None:
    try:
        return int(value) if float(value).is_integer() else None
    except (OverflowError, ValueError):
        return None


def _finite(value: object) -> float | None:
    """A JSON number usable in arithmetic: not a bool, not too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:
        return None


def _at_least(value: object, cap: int) -> int:
    """A lower count (minItems, minLength, minProperties) as an int, 0 when absent or bad."""
    count = _at_most(value)
    return 0 if count is None else min(count, cap)


def _at_most(value: object) -> int | None:
    """A non-negative integer keyword (maxItems...) as an int, None when absent or bad."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    count = _as_integer(value) if isinstance(value, float) else value
    return count if count is not None and count >= 0 else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> Sequence[Any]:
    return value if isinstance(value, list) else []


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]
