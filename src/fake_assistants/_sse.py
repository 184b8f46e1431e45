"""Events as `text/event-stream` bytes, in the service's wire form: `event:` and compact
`data:` lines, a blank line after each, and `event: done` / `data: [DONE]` at the end."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._http import Response

CONTENT_TYPE = "text/event-stream; charset=utf-8"
DONE = b"event: done\ndata: [DONE]\n\n"


def encode(name: str, data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return f"event: {name}\ndata: {text}\n\n".encode()


def stream(events: Iterable[tuple[str, Any]]) -> Response:
    body = b"".join(encode(name, data) for name, data in events) + DONE
    return Response(200, (("content-type", CONTENT_TYPE),), body)
