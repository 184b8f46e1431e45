"""Declarative request validation that answers with the service's own messages.

A schema is a tree of small nodes (Str, Num, Arr, Obj, ...). `node.check(value, path)`
raises the first wire error it finds, in a fixed order, so the same bad input always
gets the same answer. Resources declare schemas; nothing here knows about assistants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ._errors import (
    ApiError,
    InvalidParam,
    InvalidType,
    InvalidValue,
    MissingParameter,
    UnknownParameter,
)

Check = Callable[[Any, str], None]


def describe(value: Any) -> str:
    """How the service names the JSON type of a value it did not expect."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@dataclass(frozen=True)
class Node:
    nullable: bool = field(default=False, kw_only=True)
    type_name: ClassVar[str] = "a value"

    @property
    def expected(self) -> str:
        return self.type_name

    def check(self, value: Any, path: str) -> None:
        if value is None:
            if not self.nullable:
                raise InvalidType(path, self.expected, "null")
            return
        if not self.accepts_type(value):
            raise InvalidType(path or "body", self.expected, describe(value))
        self.check_value(value, path)

    def check_value(self, value: Any, path: str) -> None:
        """Checks a value already of the right JSON type."""

    def accepts_type(self, value: Any) -> bool:
        return True


@dataclass(frozen=True)
class Str(Node):
    max_length: int | None = None
    min_length: int = 0
    pattern: str | None = None
    type_name: ClassVar[str] = "a string"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, str)

    def check_value(self, value: Any, path: str) -> None:
        if len(value) < self.min_length:
            check_min_length(value, self.min_length, path)
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidParam(
                path,
                f"string too long. Expected a string with maximum length {self.max_length}, "
                f"but got a string with length {len(value)} instead.",
                "string_above_max_length",
            )
        if self.pattern is not None and re.fullmatch(self.pattern, value) is None:
            raise InvalidParam(
                path,
                "string does not match pattern. Expected a string that matches the "
                f"pattern '{self.pattern}'.",
            )


def check_min_length(value: str, minimum: int, path: str) -> None:
    if not value:
        raise InvalidParam(
            path,
            f"empty string. Expected a string with minimum length {minimum}, "
            "but got an empty string instead.",
            "empty_string",
        )
    raise InvalidParam(
        path,
        f"string too short. Expected a string with minimum length {minimum}, "
        f"but got a string with length {len(value)} instead.",
        "string_below_min_length",
    )


@dataclass(frozen=True)
class Enum(Node):
    values: tuple[str, ...] = ()
    type_name: ClassVar[str] = "a string"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, str)

    def check_value(self, value: Any, path: str) -> None:
        if value not in self.values:
            raise InvalidValue(path, value, list(self.values))


@dataclass(frozen=True)
class Num(Node):
    """A number; `integer=True` for integers. Bounds are inclusive."""

    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    @property
    def kind(self) -> str:
        return "integer" if self.integer else "decimal"

    def accepts_type(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (not self.integer and isinstance(value, float))

    @property
    def expected(self) -> str:
        return "an integer" if self.integer else "a decimal"

    def check_value(self, value: Any, path: str) -> None:
        if self.maximum is not None and value > self.maximum:
            raise InvalidParam(
                path,
                f"{self.kind} above maximum value. Expected a value <= {fmt(self.maximum)}, "
                f"but got {fmt(value)} instead.",
                f"{self.kind}_above_max_value",
            )
        if self.minimum is not None and value < self.minimum:
            raise InvalidParam(
                path,
                f"{self.kind} below minimum value. Expected a value >= {fmt(self.minimum)}, "
                f"but got {fmt(value)} instead.",
                f"{self.kind}_below_min_value",
            )


def fmt(number: float) -> str:
    """Numbers as the service prints them: 2, 2.1 (never 2.0 for a whole bound)."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return str(number)


@dataclass(frozen=True)
class Bool(Node):
    type_name: ClassVar[str] = "a boolean"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True)
class Arr(Node):
    items: Node = field(default_factory=Node)
    max_items: int | None = None
    min_items: int = 0
    type_name: ClassVar[str] = "an array"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, list)

    def check_value(self, value: Any, path: str) -> None:
        if len(value) < self.min_items:
            raise InvalidParam(
                path,
                f"array too short. Expected an array with minimum length {self.min_items}, "
                f"but got an array with length {len(value)} instead."
                if value
                else f"empty array. Expected an array with minimum length {self.min_items}, "
                "but got an empty array instead.",
                "array_below_min_length" if value else "empty_array",
            )
        if self.max_items is not None and len(value) > self.max_items:
            raise InvalidParam(
                path,
                f"array too long. Expected an array with maximum length {self.max_items}, "
                f"but got an array with length {len(value)} instead.",
                "array_above_max_length",
            )
        for index, item in enumerate(value):
            self.items.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class Obj(Node):
    """An object with known fields. `open=True` accepts any keys (a free JSON object).

    `rule` checks what the fields alone cannot (one of two keys, a sum of values).
    """

    fields: Mapping[str, Node] = field(default_factory=dict)
    required: Sequence[str] = ()
    open: bool = False
    rule: Check | None = None
    type_name: ClassVar[str] = "an object"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check_value(self, value: Any, path: str) -> None:
        if not self.open:
            for key in value:
                if key not in self.fields:
                    raise UnknownParameter(join(path, key))
        for key in self.required:
            if key not in value:
                raise MissingParameter(join(path, key))
        for key, node in self.fields.items():
            if key in value:
                node.check(value[key], f"{path}.{key}" if path else key)  # join(), inlined
        if self.rule is not None:
            self.rule(value, path)


@dataclass(frozen=True)
class Map(Node):
    """String keys to values of one kind, as `metadata` is."""

    values: Node = field(default_factory=Node)
    max_properties: int | None = None
    max_key_length: int | None = None
    type_name: ClassVar[str] = "an object"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check_value(self, value: Any, path: str) -> None:
        if self.max_properties is not None and len(value) > self.max_properties:
            raise InvalidParam(
                path,
                "too many properties. Expected an object with at most "
                f"{self.max_properties} properties, but got an object with {len(value)} "
                "properties instead.",
                "object_above_max_properties",
            )
        for key, item in value.items():
            if self.max_key_length is not None and len(key) > self.max_key_length:
                raise ApiError(
                    f"Invalid property name in '{path}': '{key}' is too long. Expected a "
                    f"string with maximum length {self.max_key_length}, but got a string "
                    f"with length {len(key)} instead.",
                    join(path, key),
                )
            self.values.check(item, join(path, key))


@dataclass(frozen=True)
class Tagged(Node):
    """A union told apart by a string tag (`type`), each variant an Obj."""

    variants: Mapping[str, Obj] = field(default_factory=dict)
    tag: str = "type"
    type_name: ClassVar[str] = "an object"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check_value(self, value: Any, path: str) -> None:
        tag_path = join(path, self.tag)
        if self.tag not in value:
            raise MissingParameter(tag_path)
        Enum(values=tuple(self.variants)).check(value[self.tag], tag_path)
        self.variants[value[self.tag]].check(value, path)


@dataclass(frozen=True)
class OneOf(Node):
    """The first option whose JSON type fits the value checks it."""

    options: Sequence[Node] = ()
    type_name: ClassVar[str] = "a value"

    def check_value(self, value: Any, path: str) -> None:
        for option in self.options:
            if option.accepts_type(value):
                option.check(value, path)
                return
        names = " or ".join(option.expected for option in self.options)
        raise InvalidType(path, f"one of {names}", describe(value))
