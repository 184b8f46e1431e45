"""The Python SDK against the fake over real HTTP: a whole conversation with a streamed
run, with a plain httpx client (nothing in process intercepts 127.0.0.1)."""

from __future__ import annotations

import statistics
import time

import httpx
import openai
import pytest

import fake_assistants
from fake_assistants._server import Server

API_VERSION = "2025-04-01-preview"


def sdk(url: str, http_client: httpx.Client | None = None) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=url,
        api_key="any",
        api_version=API_VERSION,
        max_retries=0,
        http_client=http_client or httpx.Client(timeout=10),
    )


def test_a_conversation_with_a_streamed_run(fake_assistants_server: Server) -> None:
    server = fake_assistants_server
    server.fake.add_reply("Hello over HTTP, one event at a time.")
    client = sdk(server.url)

    assistant = client.beta.assistants.create(model="gpt-4o", name="helper")
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content="Hi")
    deltas: list[str] = []
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as run:
        for event in run:
            if event.event == "thread.message.delta":
                deltas.extend(part.text.value or "" for part in event.data.delta.content or [])
        final = run.get_final_run()
    messages = client.beta.threads.messages.list(thread.id, order="asc")

    assert final.status == "completed"
    assert len(deltas) > 1  # the text came in pieces
    assert "".join(deltas) == "Hello over HTTP, one event at a time."
    texts = [m.content[0].text.value for m in messages.data]  # type: ignore[union-attr]
    assert texts == ["Hi", "Hello over HTTP, one event at a time."]
    # What went over HTTP is the fake's state: `.fake` sees it, under resource `local`.
    assert [a["id"] for a in server.fake.assistants] == [assistant.id]
    assert server.fake.calls[0].request.via == "asgi"
    assert server.fake.calls[0].request.url.startswith("https://local.openai.azure.com/openai/")


def test_the_in_process_fake_does_not_capture_loopback(fake_assistants_server: Server) -> None:
    """An active in-process fake claims Azure hosts, not 127.0.0.1: the request reaches
    the server's fake, not the active one."""
    with fake_assistants.mock() as in_process:
        created = sdk(fake_assistants_server.url).beta.assistants.create(model="gpt-4o")

    assert in_process.call_count == 0
    assert [a["id"] for a in fake_assistants_server.fake.assistants] == [created.id]


def test_resources_are_kept_apart_by_path_prefix(fake_assistants_server: Server) -> None:
    url = fake_assistants_server.url
    sdk(f"{url}/resources/one").beta.assistants.create(model="gpt-4o", name="in one")
    sdk(url).beta.assistants.create(model="gpt-4o", name="in local")

    fake = fake_assistants_server.fake
    one = fake.resource("https://one.openai.azure.com").assistants
    assert [a["name"] for a in one] == ["in one"]
    assert [a["name"] for a in fake.assistants] == ["in local"]


def test_errors_come_back_as_the_sdk_expects(fake_assistants_server: Server) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        sdk(fake_assistants_server.url).beta.assistants.retrieve("asst_" + "x" * 24)

    assert caught.value.status_code == 404


def test_serve_takes_the_fake_options() -> None:
    with fake_assistants.serve(api_key="secret", resource="mine") as server:
        with pytest.raises(openai.AuthenticationError):
            sdk(server.url).beta.assistants.create(model="gpt-4o")
        good = openai.AzureOpenAI(
            azure_endpoint=server.url, api_key="secret", api_version=API_VERSION, max_retries=0
        )
        good.beta.assistants.create(model="gpt-4o")
        assert server.fake.calls[-1].request.url.startswith("https://mine.openai.azure.com/")


def test_a_kept_alive_connection_answers_without_a_delayed_ack_stall(
    fake_assistants_server: Server,
) -> None:
    """Without TCP_NODELAY on the server's socket, each answer after the first on a
    kept-alive connection waits ~40 ms for the client's delayed ACK."""
    url = f"{fake_assistants_server.url}/openai/assistants?api-version={API_VERSION}"
    times = []
    with httpx.Client(headers={"api-key": "any"}, timeout=10) as http:
        for _ in range(9):
            start = time.perf_counter()
            assert http.get(url).status_code == 200
            times.append(time.perf_counter() - start)

    assert statistics.median(times[1:]) < 0.02, times


def test_a_drop_rule_closes_the_connection_without_an_answer() -> None:
    """A fault rule's dropped connection reaches an HTTP client as the server going away,
    and the SDK retries it as a connection error, then succeeds."""
    with fake_assistants.serve() as server:
        server.fake.drop(path="/openai/assistants", times=1)
        sdk = openai.AzureOpenAI(
            azure_endpoint=server.url,
            api_key="k",
            api_version="2025-04-01-preview",
            max_retries=1,
            http_client=httpx.Client(),
        )
        created = sdk.beta.assistants.create(model="gpt-4o")
        assert [c.fault is not None for c in server.fake.calls] == [True, False]
        assert created.id in server.fake.assistants
