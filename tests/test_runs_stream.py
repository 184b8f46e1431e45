"""Streamed runs: the captured event names, order and shapes, the SDK's stream helpers
(sync and async), and the same stored state as a polled run."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest
from helpers import ENDPOINT, async_client, client
from openai import AssistantEventHandler, AsyncAssistantEventHandler
from typing_extensions import override

import fake_assistants
from fake_assistants import FakeAssistants, Response

API_VERSION = "2025-04-01-preview"
WEATHER = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
}
TEXT_EVENTS = [
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.message.created",
    "thread.message.in_progress",
]
TEXT_TAIL = ["thread.message.completed", "thread.run.step.completed", "thread.run.completed"]


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def setup(sdk: openai.AzureOpenAI, text: str = "Hi") -> tuple[str, str]:
    assistant_id = sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER]).id
    thread_id = sdk.beta.threads.create(messages=[{"role": "user", "content": text}]).id
    return assistant_id, thread_id


def sse(body: bytes) -> list[tuple[str, Any]]:
    """(event, data) pairs of a text/event-stream body; data parsed unless it is [DONE]."""
    events = []
    for block in body.decode().split("\n\n"):
        if not block:
            continue
        name_line, data_line = block.split("\n")
        assert name_line.startswith("event: ") and data_line.startswith("data: ")
        data = data_line[len("data: ") :]
        events.append((name_line[7:], data if data == "[DONE]" else json.loads(data)))
    return events


def post_stream(thread_id: str, body: dict[str, Any], path: str | None = None) -> httpx.Response:
    url = f"{ENDPOINT}/openai/threads/{thread_id}/runs?api-version={API_VERSION}"
    if path is not None:
        url = f"{ENDPOINT}/openai/{path}?api-version={API_VERSION}"
    with httpx.Client() as http:
        return http.post(url, json={**body, "stream": True}, headers={"api-key": "k"})


def names(events: list[tuple[str, Any]]) -> list[str]:
    return [name for name, _ in events]


def without_deltas(events: list[tuple[str, Any]]) -> list[str]:
    return [name for name in names(events) if not name.endswith(".delta")]


# --- the wire -------------------------------------------------------------------------------


def test_a_text_reply_streams_the_captured_sequence(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply("Hello there, friend!")
    assistant_id, thread_id = setup(sdk)
    response = post_stream(thread_id, {"assistant_id": assistant_id})

    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.text.endswith("event: done\ndata: [DONE]\n\n")
    assert '": ' not in response.text  # compact JSON, as captured
    events = sse(response.content)
    assert without_deltas(events) == [*TEXT_EVENTS, *TEXT_TAIL, "done"]
    deltas = [data for name, data in events if name == "thread.message.delta"]
    parts = [d["delta"]["content"][0] for d in deltas]
    assert "".join(p["text"]["value"] for p in parts) == "Hello there, friend!"
    assert len(parts) > 1
    assert parts[0] == {"index": 0, "type": "text", "text": {"value": "Hello ", "annotations": []}}
    assert all("annotations" not in p["text"] for p in parts[1:])
    assert all("role" not in d["delta"] for d in deltas)

    run = dict(events)["thread.run.in_progress"]
    assert run["tool_resources"] == {"code_interpreter": {"file_ids": []}}
    created = dict(events)["thread.message.created"]
    assert (created["status"], created["content"], created["completed_at"]) == (
        "in_progress",
        [],
        None,
    )
    done_message = dict(events)["thread.message.completed"]
    assert done_message["status"] == "completed" and done_message["completed_at"] is not None
    completed = dict(events)["thread.run.completed"]
    assert completed["expires_at"] is None and completed["usage"] is not None


def test_the_journal_reads_a_stream_as_its_events(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply("Hello there, friend!")
    assistant_id, thread_id = setup(sdk)
    response = post_stream(thread_id, {"assistant_id": assistant_id})

    answered = fake.calls.last.response
    assert answered.is_stream and not answered.is_json
    assert answered.events() == sse(response.content)
    assert answered.events()[-1] == ("done", "[DONE]")
    with pytest.raises(ValueError, match=r"read it with \.events\(\)"):
        answered.json()
    with pytest.raises(ValueError, match=r"read it with \.json\(\)"):
        fake.calls[0].response.events()


def test_events_join_several_data_lines_and_default_the_name() -> None:
    body = b'data: {"a":\ndata: 1}\n\nevent: x\ndata:[DONE]\n\n'
    response = Response(200, (("content-type", "text/event-stream"),), body)
    assert response.events() == [("message", {"a": 1}), ("x", "[DONE]")]


def test_a_tool_call_streams_until_requires_action(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    assistant_id, thread_id = setup(sdk)
    events = sse(post_stream(thread_id, {"assistant_id": assistant_id}).content)

    assert names(events) == [
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.run.step.delta",
        "thread.run.step.delta",
        "thread.run.requires_action",
        "done",
    ]
    step = dict(events)["thread.run.step.created"]
    assert step["step_details"] == {"type": "tool_calls", "tool_calls": []}
    first, second = (data for name, data in events if name == "thread.run.step.delta")
    (call,) = first["delta"]["step_details"]["tool_calls"]
    assert call == {
        "index": 0,
        "id": call["id"],
        "type": "function",
        "function": {"name": "get_weather", "arguments": "", "output": None},
    }
    assert second["delta"]["step_details"]["tool_calls"] == [
        {"index": 0, "type": "function", "function": {"arguments": '{"city": "Paris"}'}}
    ]
    waiting = dict(events)["thread.run.requires_action"]
    assert waiting["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"] == call["id"]

    fake.add_reply("Sunny.")
    url = f"threads/{thread_id}/runs/{waiting['id']}/submit_tool_outputs"
    outputs = {"tool_outputs": [{"tool_call_id": call["id"], "output": "sun"}]}
    resumed = sse(post_stream(thread_id, outputs, path=url).content)
    assert without_deltas(resumed) == [
        "thread.run.step.completed",
        "thread.run.queued",
        "thread.run.in_progress",
        *TEXT_EVENTS[3:],
        *TEXT_TAIL,
        "done",
    ]
    completed_step = resumed[0][1]
    assert completed_step["step_details"]["tool_calls"][0]["function"]["output"] == "sun"
    queued, in_progress = resumed[1][1], resumed[2][1]
    assert queued["started_at"] == waiting["started_at"]
    assert in_progress["started_at"] >= waiting["started_at"]


def test_create_thread_and_run_streams_the_thread_first(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id, _ = setup(sdk)
    body = {
        "assistant_id": assistant_id,
        "thread": {"messages": [{"role": "user", "content": "Hi"}]},
    }
    events = sse(post_stream("", body, path="threads/runs").content)
    assert names(events)[:2] == ["thread.created", "thread.run.created"]
    thread = events[0][1]
    assert list(thread) == ["id", "object", "created_at", "metadata", "tool_resources"]
    assert thread["tool_resources"] == {"code_interpreter": {"file_ids": []}}


def test_a_failed_run_streams_thread_run_failed(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(error={"code": "server_error", "message": "Sorry, something went wrong."})
    assistant_id, thread_id = setup(sdk)
    events = sse(post_stream(thread_id, {"assistant_id": assistant_id}).content)
    assert names(events) == [*TEXT_EVENTS[:3], "thread.run.failed", "done"]
    assert events[3][1]["last_error"] == {
        "code": "server_error",
        "message": "Sorry, something went wrong.",
    }


def test_a_streamed_run_stores_what_a_polled_run_stores(sdk: openai.AzureOpenAI) -> None:
    """Same seed, same script: streaming or polling leaves the same objects behind."""

    def state(streamed: bool) -> list[Any]:
        with fake_assistants.mock(endpoint=ENDPOINT, seed=5, clock=lambda: 1_800_000_000) as fake:
            fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {}}])
            fake.add_reply("Done.")
            assistant_id, thread_id = setup(sdk)
            runs = sdk.beta.threads.runs
            if streamed:
                with runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
                    stream.until_done()
                run = stream.get_final_run()
                call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
                with runs.submit_tool_outputs_stream(
                    run_id=run.id,
                    thread_id=thread_id,
                    tool_outputs=[{"tool_call_id": call.id, "output": "ok"}],
                ) as resumed:
                    resumed.until_done()
            else:
                run = runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
                call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
                runs.submit_tool_outputs_and_poll(
                    run_id=run.id,
                    thread_id=thread_id,
                    tool_outputs=[{"tool_call_id": call.id, "output": "ok"}],
                )
            thread = fake.threads[thread_id]
            return [
                thread.retrieve(),
                thread.messages.list(),
                thread.runs.list(),
                thread.runs[run.id].steps.list(),
            ]

    assert state(streamed=True) == state(streamed=False)


# --- the SDK's helpers ------------------------------------------------------------------------


class Collect(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tool_calls: list[str] = []

    @override
    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.text.append(delta.value)

    @override
    def on_tool_call_created(self, tool_call: Any) -> None:
        self.tool_calls.append(tool_call.function.name)


def test_runs_stream_with_an_event_handler(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    fake.add_reply("It is sunny in Paris today.")
    assistant_id, thread_id = setup(sdk)
    handler = Collect()
    with sdk.beta.threads.runs.stream(
        thread_id=thread_id, assistant_id=assistant_id, event_handler=handler
    ) as stream:
        stream.until_done()
    run = stream.get_final_run()
    assert (run.status, handler.tool_calls) == ("requires_action", ["get_weather"])
    steps = stream.get_final_run_steps()
    assert steps[0].step_details.tool_calls[0].function.arguments == '{"city": "Paris"}'  # type: ignore[union-attr]
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]

    second = Collect()
    with sdk.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id,
        thread_id=thread_id,
        tool_outputs=[{"tool_call_id": call.id, "output": "sun"}],
        event_handler=second,
    ) as resumed:
        resumed.until_done()
    assert "".join(second.text) == "It is sunny in Paris today."
    assert resumed.get_final_run().status == "completed"
    (message,) = resumed.get_final_messages()
    assert message.content[0].text.value == "It is sunny in Paris today."  # type: ignore[union-attr]


def test_text_deltas_and_create_with_stream_true(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply("one two three")
    fake.add_reply("four five")
    assistant_id, thread_id = setup(sdk)
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
        assert "".join(stream.text_deltas) == "one two three"
    raw = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    seen = [event.event for event in raw]
    assert seen[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert seen[-1] == "thread.run.completed"
    assert sdk.beta.threads.messages.list(thread_id).data[0].content[0].text.value == "four five"  # type: ignore[union-attr]


def test_create_and_run_stream(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply("Welcome!")
    assistant_id, _ = setup(sdk)
    with sdk.beta.threads.create_and_run_stream(
        assistant_id=assistant_id, thread={"messages": [{"role": "user", "content": "Hello"}]}
    ) as stream:
        stream.until_done()
    assert stream.get_final_run().status == "completed"
    assert [m.content[0].text.value for m in stream.get_final_messages()] == ["Welcome!"]  # type: ignore[union-attr]


class AsyncCollect(AsyncAssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    @override
    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.text.append(delta.value)


async def test_async_stream_and_poll(fake: FakeAssistants) -> None:
    sdk = async_client(api_version=API_VERSION)
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {}}])
    fake.add_reply("Async answer.")
    fake.add_reply("Polled answer.")
    assistant = await sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = await sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    async with sdk.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id
    ) as stream:
        await stream.until_done()
    run = await stream.get_final_run()
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    handler = AsyncCollect()
    async with sdk.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id,
        thread_id=thread.id,
        tool_outputs=[{"tool_call_id": call.id, "output": "ok"}],
        event_handler=handler,
    ) as resumed:
        await resumed.until_done()
    assert "".join(handler.text) == "Async answer."
    await sdk.beta.threads.messages.create(thread.id, role="user", content="Again")
    polled = await sdk.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id
    )
    assert polled.status == "completed"
    listed = [m async for m in sdk.beta.threads.messages.list(thread.id, order="asc")]
    assert [m.content[0].text.value for m in listed] == [
        "Hi",
        "Async answer.",
        "Again",
        "Polled answer.",
    ]  # type: ignore[union-attr]
