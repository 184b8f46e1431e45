"""What a resource handler gets: the resource's state, the api-version, the request's parts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ._errors import InvalidJson, InvalidType
from ._resource import Resource
from ._validation import describe
from ._versions import ApiVersion


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes) -> dict[str, Any]:
    """A JSON object from the body; an empty body reads as `{}`."""
    if not body.strip():
        return {}
    try:
        value = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidJson() from None
    if not isinstance(value, dict):
        raise InvalidType("body", "an object", describe(value))
    return value


@dataclass(slots=True)
class Context:
    resource: Resource
    version: ApiVersion
    params: dict[str, str]
    query: dict[str, str]
    body: bytes
    now: int
    deployments: frozenset[str] | None = None

    def json(self) -> dict[str, Any]:
        return parse_body(self.body)
