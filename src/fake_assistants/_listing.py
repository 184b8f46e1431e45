"""List endpoints: the shared query parameters and the list envelope."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ._errors import InvalidParam, InvalidType, NotFound
from ._store import OrderedStore
from ._validation import Enum, Num

T = TypeVar("T")

LIMIT = Num(minimum=1, maximum=100, integer=True)
ORDER = Enum(values=("asc", "desc"))
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?")
_MAX_DIGITS = 30  # beyond this a value is out of range whatever it is; int() has limits


def parse_limit(raw: str | None, default: int = 20, maximum: int = 100) -> int:
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if _INTEGER.fullmatch(text) is None:
        got = "a decimal" if _DECIMAL.fullmatch(text) else "a string"
        raise InvalidType("limit", "an integer", got)
    if len(text.lstrip("+-")) > _MAX_DIGITS:
        raise _far_out_of_range(text, maximum)
    limit = int(text)
    (LIMIT if maximum == 100 else Num(minimum=1, maximum=maximum, integer=True)).check(
        limit, "limit"
    )
    return limit


def _far_out_of_range(text: str, maximum: int) -> InvalidParam:
    """The range error for a number too long to convert, printed as it was sent."""
    if text.startswith("-"):
        detail = f"integer below minimum value. Expected a value >= 1, but got {text} instead."
        return InvalidParam("limit", detail, "integer_below_min_value")
    detail = f"integer above maximum value. Expected a value <= {maximum}, but got {text} instead."
    return InvalidParam("limit", detail, "integer_above_max_value")


@dataclass(slots=True)  # not frozen: made for every list request
class PageQuery:
    """A list request's checked parameters."""

    limit: int
    descending: bool
    after: str | None
    before: str | None


def read_query(
    store: OrderedStore[T],
    query: Mapping[str, str],
    *,
    kind: str,
    check_id: Callable[[str, str], None],
    limits: tuple[int, int] = (20, 100),
    missing: Callable[[str], Exception] | None = None,
) -> PageQuery:
    """The list parameters of a request, checked against `store` (cursors must be known).

    `limits` are the default and largest `limit`; `missing` makes the error for a cursor
    that was never an id of the store (default: `No <kind> found with id ...`).
    """
    limit = parse_limit(query.get("limit"), *limits)
    order = query.get("order") or "desc"
    ORDER.check(order, "order")
    cursors = {name: query.get(name) or None for name in ("after", "before")}
    for name, cursor in cursors.items():
        if cursor is not None:
            check_id(cursor, name)
            if not store.knows(cursor):
                raise (missing or (lambda object_id: NotFound(kind, object_id)))(cursor)
    return PageQuery(limit, order == "desc", cursors["after"], cursors["before"])


def list_page(
    store: OrderedStore[T],
    query: Mapping[str, str],
    *,
    kind: str,
    check_id: Callable[[str, str], None],
    render: Callable[[T], dict[str, Any]],
    limits: tuple[int, int] = (20, 100),
    missing: Callable[[str], Exception] | None = None,
) -> dict[str, Any]:
    """One page of `store` as the service lists it, from the request's query."""
    wanted = read_query(store, query, kind=kind, check_id=check_id, limits=limits, missing=missing)
    return page_of(store, wanted, render)


def page_of(
    store: OrderedStore[T], wanted: PageQuery, render: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    """The list envelope of one page, from parameters `read_query()` checked."""
    page = store.page(wanted.limit, wanted.descending, wanted.after, wanted.before)
    data = [render(item) for item in page.items]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": page.has_more,
    }
