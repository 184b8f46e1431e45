"""The core as an ASGI app: one HTTP request in, `handle(Request)`, its `Response` out.

Which resource a request belongs to: the core keys state by host, and a server on
loopback has none that looks like Azure's. So `/openai/...` is served as resource
`https://<resource>.openai.azure.com/openai/...` (`resource` defaults to `local`), and
`/resources/<name>/openai/...` as resource `<name>.openai.azure.com`, for several
resources through one server. The host the client used does not matter.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

from .._http import Dropped, Request, Response
from .._limits import body_limit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PREFIX = "/resources/"
# A DNS label: what may stand before `.openai.azure.com`.
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class Handler(Protocol):
    def handle(self, request: Request) -> Response: ...


def endpoint_of(resource: str) -> str:
    """The Azure endpoint a resource name stands for: `local` -> `https://local.openai.azure.com`."""
    if not RESOURCE_NAME.match(resource):
        raise ValueError(f"resource: a DNS label (letters, digits, '-'), not {resource!r}")
    return f"https://{resource.lower()}.openai.azure.com"


def azure_url(path: str, query: str, resource: str) -> str:
    """`/resources/x/openai/a` -> `https://x.openai.azure.com/openai/a`; other paths go
    to `resource`. A prefix whose name is not a DNS label is left in the path (the core
    answers 404 for it)."""
    if path.startswith(PREFIX):
        name, slash, rest = path[len(PREFIX) :].partition("/")
        if slash and RESOURCE_NAME.match(name):
            resource, path = name, "/" + rest
    url = endpoint_of(resource) + path
    return f"{url}?{query}" if query else url


def core_request(scope: Scope, headers: dict[str, str], body: bytes, resource: str) -> Request:
    raw = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"").decode("latin-1")
    url = azure_url(raw.decode("latin-1"), query, resource)
    return Request(scope["method"], url, headers, body, via="asgi")


def headers_of(scope: Scope) -> dict[str, str]:
    """Lower-case names; a repeated header is joined with `, `, as httpx shows it."""
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The body, never more than one byte past `limit` (the core answers 413 then);
    None when the client went away before sending it all."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)


def sse_events(body: bytes) -> list[bytes]:
    """An event stream cut after each blank line, so each event is a chunk of its own."""
    events = [event + b"\n\n" for event in body.split(b"\n\n")[:-1]]
    rest = body[sum(len(event) for event in events) :]
    return [*events, rest] if rest else events


async def write(send: Send, response: Response) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    streamed = (response.header("content-type") or "").startswith("text/event-stream")
    if not streamed:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if not streamed:  # one message: the server writes the body with the head
        await send({"type": "http.response.body", "body": response.body, "more_body": False})
        return
    for chunk in sse_events(response.body):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
        # Lets the loop see a client that left: then the server drops what is sent, where
        # writing on to the closed socket logged a warning for every event.
        await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class ConnectionDropped(ConnectionAbortedError):
    """Raised mid-response so the server closes the connection: a dropped connection."""


async def drop(send: Send) -> None:
    """A fault rule dropped this request: a head promising a body that never comes, then
    the connection closes; the client sees it as the server going away."""
    head = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
    await send({"type": "http.response.start", "status": 200, "headers": head})
    raise ConnectionDropped("fake-assistants dropped this connection (a fault rule)")


async def lifespan(receive: Receive, send: Send) -> None:
    """Nothing to set up or tear down: the state lives in the handler."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class App:
    """An ASGI app serving `handler` (a `FakeAssistants` or a `Service`).

    `handle` runs in a worker thread, so a slow request (a big upload being read) does
    not hold up the event loop and the other connections; the core's lock orders them.
    """

    def __init__(self, handler: Handler, resource: str = "local") -> None:
        # The Azure endpoint requests without a `/resources/<name>` prefix are served as.
        self.endpoint = endpoint_of(resource)
        self.handler = handler
        self.resource = resource.lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return await lifespan(receive, send)
        if scope["type"] != "http":
            raise ValueError(f"fake-assistants serves HTTP only, not {scope['type']!r}")
        headers = headers_of(scope)
        body = await read_body(receive, body_limit(headers))
        if body is None:
            return
        request = core_request(scope, headers, body, self.resource)
        response = await asyncio.to_thread(self.handler.handle, request)
        if isinstance(response, Dropped):
            await drop(send)
            return
        await write(send, response)
