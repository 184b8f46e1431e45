"""Plain request and response values: what the core takes and gives, whatever the transport."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._hosts import resource_key


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request as the fake sees it. Header names are lower case.

    `via` names the client library that sent it ("httpx", "httpx2"); empty when the
    request was handed to `Service.handle` directly. It is not part of equality.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    via: str = field(default="", compare=False)

    @property
    def host(self) -> str:
        """The host (and a port that is not the default), in normal form."""
        return resource_key(urlsplit(self.url))

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response from the fake: status, headers, body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def json(self) -> Any:
        if self.is_stream:
            raise ValueError("a text/event-stream answer is no JSON: read it with .events()")
        return json.loads(self.body)

    def events(self) -> list[tuple[str, Any]]:
        """A stream's events in order, as (name, data): the data parsed from JSON, but
        the string "[DONE]" for the closing `done` event."""
        if not self.is_stream:
            raise ValueError("not a text/event-stream answer: read it with .json()")
        return [_event(block) for block in self.body.decode().split("\n\n") if block]

    @staticmethod
    def of_json(
        payload: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = ()
    ) -> Response:
        """A JSON response a handler builds itself, to set its status or headers."""
        body = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
        return Response(status, (("content-type", "application/json"), *headers), body)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    @property
    def is_json(self) -> bool:
        return (self.header("content-type") or "").startswith("application/json")

    @property
    def is_stream(self) -> bool:
        return (self.header("content-type") or "").startswith("text/event-stream")


def _event(block: str) -> tuple[str, Any]:
    """One server-sent event: `event:` and `data:` lines (several data lines join)."""
    name, data = "message", []
    for line in block.splitlines():
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    text = "\n".join(data)
    return name, text if text == "[DONE]" else json.loads(text)


@dataclass(frozen=True, slots=True)
class Dropped(Response):
    """No response: the connection was dropped (a fault rule). Status 0, no body.

    The one answer an adapter does not pass on: it raises the client library's own
    `RemoteProtocolError` instead, as a server closing the connection would make it.
    """

    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
