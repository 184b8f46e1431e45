"""The ASGI adapter driven directly: what the core gets, and what goes out, message by
message."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fake_assistants import FakeAssistants, Request, Response
from fake_assistants._adapters.asgi import App, azure_url
from fake_assistants._limits import MAX_BODY_BYTES

QUERY = b"api-version=2025-04-01-preview"


class Recorder:
    """A handler that records the request and answers a given response."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.requests: list[Request] = []

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        return self.response


def scope(path: str, method: str = "POST", headers: list[tuple[bytes, bytes]] | None = None):  # type: ignore[no-untyped-def]
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": QUERY,
        "headers": headers or [(b"content-type", b"application/json")],
    }


def call(app: App, scope: dict[str, Any], chunks: list[bytes]) -> tuple[list[dict[str, Any]], int]:
    """Runs one request; returns the messages sent and how many body chunks were read."""
    inbox = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return inbox[read - 1] if read <= len(inbox) else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, read


def test_the_core_gets_an_azure_url_lower_case_headers_and_the_body() -> None:
    recorder = Recorder(Response(200, (("content-type", "application/json"),), b"{}"))
    headers = [(b"Content-Type", b"application/json"), (b"X-Twice", b"a"), (b"x-twice", b"b")]

    sent, _ = call(
        App(recorder, "Res1"), scope("/openai/assistants", headers=headers), [b"{", b"}"]
    )

    (request,) = recorder.requests
    assert request.url == "https://res1.openai.azure.com/openai/assistants?" + QUERY.decode()
    assert request.headers == {"content-type": "application/json", "x-twice": "a, b"}
    assert (request.body, request.via) == (b"{}", "asgi")
    assert sent[0]["status"] == 200
    assert (b"content-length", b"2") in sent[0]["headers"]
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"{}"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/resources/two/openai/threads", "https://two.openai.azure.com/openai/threads"),
        ("/resources/two", "https://local.openai.azure.com/resources/two"),  # no path after
        ("/resources/a.b/openai/x", "https://local.openai.azure.com/resources/a.b/openai/x"),
        ("/resources/-x/openai/x", "https://local.openai.azure.com/resources/-x/openai/x"),
        ("/openai/files", "https://local.openai.azure.com/openai/files"),
    ],
)
def test_which_resource_a_path_is_served_as(path: str, url: str) -> None:
    assert azure_url(path, "", "local") == url


def test_a_bad_resource_option_is_refused() -> None:
    with pytest.raises(ValueError, match="DNS label"):
        App(FakeAssistants(), "not a name")


def test_each_event_of_a_stream_is_a_body_chunk_of_its_own() -> None:
    stream = b"event: a\ndata: {}\n\nevent: b\ndata: {}\n\nevent: done\ndata: [DONE]\n\n"
    recorder = Recorder(Response(200, (("content-type", "text/event-stream"),), stream))

    sent, _ = call(App(recorder), scope("/openai/threads/runs"), [b"{}"])

    chunks = [m["body"] for m in sent[1:] if m["body"]]
    assert chunks == [
        b"event: a\ndata: {}\n\n",
        b"event: b\ndata: {}\n\n",
        b"event: done\ndata: [DONE]\n\n",
    ]
    assert all(m["more_body"] for m in sent[1:-1]) and not sent[-1]["more_body"]
    assert not any(name == b"content-length" for name, _ in sent[0]["headers"])


def test_an_endless_body_is_read_one_chunk_past_the_limit_and_answered_413() -> None:
    piece = b"x" * (MAX_BODY_BYTES // 4)
    fake = FakeAssistants()

    headers = [(b"content-type", b"application/json"), (b"api-key", b"k")]

    sent, read = call(App(fake), scope("/openai/assistants", headers=headers), [piece] * 10)

    assert read == 5  # four pieces reach the limit, the fifth passes it: reading stops
    assert sent[0]["status"] == 413
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["error"]


def test_a_client_gone_before_its_body_ends_gets_nothing() -> None:
    recorder = Recorder(Response(200, (), b""))

    sent, _ = call(App(recorder), scope("/openai/assistants"), [])

    assert (sent, recorder.requests) == ([], [])


def test_lifespan_starts_and_stops() -> None:
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(App(FakeAssistants())({"type": "lifespan"}, receive, send))

    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
