"""`POST /vector_stores/{id}/search`: the store's passages for a query, ranked as a
file_search run ranks them, narrowed by filters over the files' `attributes`."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, ClassVar

from ..._context import Context
from ..._errors import ResourceNotFound
from ..._validation import Arr, Bool, Enum, Map, Node, Num, Obj, OneOf, Str, Tagged
from .._shared import TYPE
from . import ingest, records

# Attributes of a vector-store file: as `metadata`, but values may be numbers and booleans.
ATTRIBUTES = Map(
    values=OneOf(options=(Str(max_length=512), Num(), Bool())),
    max_properties=16,
    max_key_length=64,
    nullable=True,
)
DEFAULT_RESULTS = 10
ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
SCALAR = OneOf(options=(Str(), Num(), Bool()))
ORDERED = OneOf(options=(Str(), Num()))
COMPARISONS = {
    "eq": SCALAR,
    "ne": SCALAR,
    "gt": ORDERED,
    "gte": ORDERED,
    "lt": ORDERED,
    "lte": ORDERED,
    "in": Arr(items=ORDERED),
    "nin": Arr(items=ORDERED),
}


@dataclass(frozen=True)
class Filter(Node):
    """A comparison or a compound of filters (nested: the body's depth is bounded)."""

    type_name: ClassVar[str] = "an object"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check_value(self, value: Any, path: str) -> None:
        _FILTERS.check_value(value, path)


_COMPOUND = Obj(
    fields={"type": TYPE, "filters": Arr(items=Filter(), min_items=1)}, required=("filters",)
)
_FILTERS = Tagged(
    variants={
        **{
            name: Obj(
                fields={"type": TYPE, "key": Str(), "value": value}, required=("key", "value")
            )
            for name, value in COMPARISONS.items()
        },
        "and": _COMPOUND,
        "or": _COMPOUND,
    }
)
BODY = Obj(
    fields={
        "query": OneOf(options=(Str(), Arr(items=Str()))),
        "max_num_results": Num(minimum=1, maximum=50, integer=True),
        "filters": Filter(),
        "ranking_options": Obj(
            fields={
                "ranker": Enum(values=("none", "auto", "default-2024-11-15")),
                "score_threshold": Num(minimum=0, maximum=1),
            }
        ),
        "rewrite_query": Bool(),
    },
    required=("query",),
)


def search(ctx: Context) -> dict[str, Any]:
    if not ctx.version.vector_store_search:
        raise ResourceNotFound()  # the gateway's answer for a path the version lacks
    store_id = records.find_open(ctx, ctx.params["vector_store_id"])["id"]
    body = ctx.json()
    BODY.check(body, "")
    queries = [body["query"]] if isinstance(body["query"], str) else body["query"]
    records.observe_store(ctx, store_id)
    records.touch(ctx, store_id)
    threshold = (body.get("ranking_options") or {}).get("score_threshold", 0.0)
    everything = len(ingest.index_for(ctx, store_id))
    found = ingest.search(ctx, [store_id], " ".join(queries), everything, threshold)
    members = records.store_files(ctx, store_id)
    data = []
    for result in found:
        attributes = (members.get(result.file_id) or {}).get("attributes") or {}
        if "filters" in body and not matches(body["filters"], attributes):
            continue
        data.append(
            {
                "file_id": result.file_id,
                "filename": result.filename,
                "score": result.score,
                "attributes": attributes,
                "content": [{"type": "text", "text": result.text}],
            }
        )
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": data[: body.get("max_num_results", DEFAULT_RESULTS)],
        "has_more": False,
        "next_page": None,
    }


def matches(condition: dict[str, Any], attributes: dict[str, Any]) -> bool:
    """Whether a file's attributes pass a checked filter. A missing key passes no
    comparison (not even `ne` or `nin`); values compare only with their own kind."""
    kind = condition["type"]
    if kind in ("and", "or"):
        passed = (matches(inner, attributes) for inner in condition["filters"])
        return all(passed) if kind == "and" else any(passed)
    if condition["key"] not in attributes:
        return False
    have, want = attributes[condition["key"]], condition["value"]
    if kind in ("in", "nin"):
        inside = any(_same_kind(have, item) and have == item for item in want)
        return inside if kind == "in" else not inside
    if not _same_kind(have, want):
        return False
    if kind in ("eq", "ne"):
        equal: bool = have == want
        return equal if kind == "eq" else not equal
    if isinstance(have, bool):
        return False  # booleans are equal or not; they have no order
    return bool(ORDER[kind](have, want))


def _same_kind(a: Any, b: Any) -> bool:
    return _kind(a) == _kind(b)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"
