"""What a handler gets: the resource's state, the api-version, options, the request's parts.

HTTP requests and the direct API (`fake.assistants.create(...)`) build the same Context,
so both run exactly the same checks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import InvalidJson, InvalidType
from ._options import Options
from ._replies import Replies, Reply
from ._resource import Resource
from ._validation import describe
from ._versions import ApiVersion

_SURROGATE_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")

# Nesting past this is refused as unparsable JSON, as serde_json's default recursion limit
# (128) refuses it. One fixed figure: whatever is stored can always be encoded back,
# whatever the caller's stack depth.
MAX_DEPTH = 128


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to inf, which JSON cannot carry back
        raise ValueError(f"{text} is out of range")
    return value


# Made once: json.loads with hooks builds a decoder per call, and every request parses.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)


def parse_body(body: bytes) -> dict[str, Any]:
    """A JSON object from the body; an empty body reads as `{}`.

    Not JSON for the service, as for us: NaN and Infinity, numbers beyond a double, and
    lone surrogates (escaped `\\ud800` with no pair), which no UTF-8 answer can carry.
    """
    if not body.strip():
        return {}
    try:
        # Strict UTF-8: json.loads(bytes) would let encoded surrogates through.
        text = body.decode("utf-8")
        value = _DECODER.decode(text)
        if "\\" in text and _SURROGATE_ESCAPE.search(text):  # rare: then the exact check
            json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        raise InvalidJson() from None
    if not isinstance(value, dict):
        raise InvalidType("body", "an object", describe(value))
    # Nesting past the limit takes more opening brackets than that: count them first.
    if text.count("{") + text.count("[") > MAX_DEPTH and too_deep(value, MAX_DEPTH):
        raise InvalidJson()
    return value


def too_deep(value: Any, limit: int) -> bool:
    """True when containers nest more than `limit` levels (walked without recursion)."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


@dataclass(slots=True)
class Context:
    resource: Resource
    version: ApiVersion
    options: Options
    # The fake's clock, called as `ctx.now()` by handlers that stamp a time (a field,
    # not a method: a stamp is taken several times a request).
    now: Callable[[], int]
    params: dict[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    replies: Replies = field(default_factory=Replies)  # what the model says in runs
    fault_reply: Reply | None = None  # a fault rule's error: a run made here fails with it

    def json(self) -> dict[str, Any]:
        return parse_body(self.body)

    @property
    def deployments(self) -> frozenset[str] | None:
        return self.options.deployments
