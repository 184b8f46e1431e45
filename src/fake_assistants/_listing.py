"""List endpoints: the shared query parameters and the list envelope."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ._errors import InvalidType, NotFound
from ._store import OrderedStore
from ._validation import Enum, Num

T = TypeVar("T")

LIMIT = Num(minimum=1, maximum=100, integer=True)
ORDER = Enum(values=("asc", "desc"))
_INTEGER = re.compile(r"[+-]?\d{1,30}")
_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return 20
    if _INTEGER.fullmatch(raw.strip()) is None:
        got = "a decimal" if _DECIMAL.fullmatch(raw.strip()) else "a string"
        raise InvalidType("limit", "an integer", got)
    limit = int(raw)
    LIMIT.check(limit, "limit")
    return limit


def list_page(
    store: OrderedStore[T],
    query: Mapping[str, str],
    *,
    kind: str,
    check_id: Callable[[str, str], None],
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """One page of `store` as the service lists it, from the request's query."""
    limit = parse_limit(query.get("limit"))
    order = query.get("order") or "desc"
    ORDER.check(order, "order")
    cursors = {name: query.get(name) or None for name in ("after", "before")}
    for name, cursor in cursors.items():
        if cursor is not None:
            check_id(cursor, name)
            if not store.knows(cursor):
                raise NotFound(kind, cursor)
    page = store.page(limit, order == "desc", cursors["after"], cursors["before"])
    data = [render(item) for item in page.items]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": page.has_more,
    }
