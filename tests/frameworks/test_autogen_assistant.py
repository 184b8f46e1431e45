"""AutoGen's `OpenAIAssistantAgent` (autogen-ext[openai] 0.7, with autogen-agentchat)
driving whole turns with a function tool through the fake, with an `AsyncAzureOpenAI`
client: the agent creates the assistant and a thread, posts the user's message, starts a
run, runs the tool when the run asks for it, submits the output and reads the answer."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest
from helpers import API_VERSION, ENDPOINT, async_client

import fake_assistants
from fake_assistants import FakeAssistants, ReplyContext

pytest.importorskip(
    "autogen_ext.agents.openai",
    reason="autogen-ext[openai] / autogen-agentchat are not installed "
    "(pip install '.[test,frameworks]')",
)

from autogen_agentchat.messages import (
    TextMessage,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
)
from autogen_core import CancellationToken
from autogen_ext.agents.openai import OpenAIAssistantAgent

QUESTION = "What is the weather in Paris?"
ANSWER = "It is 21 °C and sunny in Paris today."
WEATHER = {"city": "Paris", "temperature_c": 21, "sky": "sunny"}
TOOL_CALL = {"name": "get_weather", "arguments": {"city": "Paris"}}

calls: list[str] = []  # the cities get_weather was asked about, in order


async def get_weather(city: str) -> str:
    """The weather in a city."""
    calls.append(city)
    return json.dumps({**WEATHER, "city": city})


@pytest.fixture(autouse=True)
def no_calls_yet() -> None:
    calls.clear()


@pytest.fixture
async def fake() -> AsyncIterator[FakeAssistants]:
    async with fake_assistants.mock(endpoint=ENDPOINT) as active:
        yield active


def make_agent() -> OpenAIAssistantAgent:
    return OpenAIAssistantAgent(
        name="weather",
        description="Answers questions about the weather.",
        client=async_client(),
        model="gpt-4o",
        instructions="Answer questions about the weather.",
        tools=[get_weather],
    )


async def ask(agent: OpenAIAssistantAgent, text: str) -> tuple[str, list[object]]:
    response = await agent.on_messages(
        [TextMessage(source="user", content=text)], CancellationToken()
    )
    assert isinstance(response.chat_message, TextMessage)
    return response.chat_message.content, list(response.inner_messages or [])


def texts(fake: FakeAssistants, thread_id: str) -> list[tuple[str, str]]:
    listed = fake.threads[thread_id].messages.list()
    return [(m["role"], m["content"][0]["text"]["value"]) for m in listed]


def journal(fake: FakeAssistants, thread_id: str) -> list[str]:
    """The requests the fake served, with the thread and run ids written as names."""
    runs = {run["id"]: f"{{run{n}}}" for n, run in enumerate(fake.threads[thread_id].runs.list())}
    named = {thread_id: "{thread}", **runs}
    return [
        f"{call.method} " + "/".join(named.get(part, part) for part in call.path.split("/"))
        for call in fake.calls
    ]


async def test_one_turn_runs_the_function_tool_and_answers(fake: FakeAssistants) -> None:
    seen: list[ReplyContext] = []

    def answer(ctx: ReplyContext) -> str:
        seen.append(ctx)
        return ANSWER

    fake.add_reply(tool_calls=[TOOL_CALL])
    fake.add_reply(answer)
    agent = make_agent()

    text, inner = await ask(agent, QUESTION)

    # What the user sees: the answer, and the tool call and its result as inner events.
    assert text == ANSWER
    assert calls == ["Paris"]
    requested, executed = inner
    assert isinstance(requested, ToolCallRequestEvent)
    assert isinstance(executed, ToolCallExecutionEvent)
    [function_call] = requested.content
    assert function_call.name == "get_weather"
    assert json.loads(function_call.arguments) == {"city": "Paris"}
    [result] = executed.content
    assert (result.call_id, result.is_error) == (function_call.id, False)
    assert json.loads(result.content) == WEATHER

    # What the fake stored: the assistant as AutoGen made it, one thread with the
    # question and the answer, one completed run whose steps hold the call and its output.
    [assistant] = fake.assistants.list()
    assert (assistant["model"], assistant["instructions"]) == (
        "gpt-4o",
        "Answer questions about the weather.",
    )
    [function_tool] = assistant["tools"]
    assert function_tool["function"]["name"] == "get_weather"
    assert function_tool["function"]["parameters"]["required"] == ["city"]
    [thread] = fake.threads.list()
    thread_id = thread["id"]
    assert texts(fake, thread_id) == [("user", QUESTION), ("assistant", ANSWER)]
    [run] = fake.threads[thread_id].runs.list()
    assert (run["status"], run["assistant_id"], run["required_action"]) == (
        "completed",
        assistant["id"],
        None,
    )
    called, answered = fake.threads[thread_id].runs[run["id"]].steps.list()
    assert (called["type"], called["status"]) == ("tool_calls", "completed")
    [stored_call] = called["step_details"]["tool_calls"]
    assert stored_call["id"] == function_call.id
    assert json.loads(stored_call["function"]["arguments"]) == {"city": "Paris"}
    assert stored_call["function"]["output"] == result.content
    message_id = answered["step_details"]["message_creation"]["message_id"]
    message = fake.threads[thread_id].messages[message_id].retrieve()
    assert (message["run_id"], message["content"][0]["text"]["value"]) == (run["id"], ANSWER)
    [ctx] = seen
    assert ctx.tool_outputs == [{"tool_call_id": function_call.id, "output": result.content}]
    assert fake.replies_left == 0

    assert journal(fake, thread_id) == [
        "POST /openai/assistants",
        "POST /openai/threads",
        "GET /openai/threads/{thread}/messages",
        "POST /openai/threads/{thread}/messages",
        "POST /openai/threads/{thread}/runs",
        "GET /openai/threads/{thread}/runs/{run0}",
        "POST /openai/threads/{thread}/runs/{run0}/submit_tool_outputs",
        "GET /openai/threads/{thread}/runs/{run0}",
        "GET /openai/threads/{thread}/messages",
    ]
    assert all(call.status == 200 for call in fake.calls)
    last = fake.calls.last  # the newest message only: AutoGen reads the answer from it
    assert dict(last.request.query) == {"api-version": API_VERSION, "order": "desc", "limit": "1"}


async def test_default_answer_then_a_second_turn_then_reset(fake: FakeAssistants) -> None:
    """Only the tool call is scripted: the default responder answers from the tool's output
    and then the follow-up; `on_reset` deletes the messages the agent added."""
    fake.add_reply(tool_calls=[TOOL_CALL])
    agent = make_agent()

    first, _ = await ask(agent, QUESTION)
    second, inner = await ask(agent, "And tomorrow?")

    assert calls == ["Paris"]
    assert first.startswith("get_weather returned: " + json.dumps(WEATHER) + ". ")
    assert re.search(r"\bref [0-9a-f]{6}\)\.$", first), first
    assert inner == []  # no tool this time
    assert "And tomorrow?" in second
    assert first != second
    [thread] = fake.threads.list()
    thread_id = thread["id"]
    assert texts(fake, thread_id) == [
        ("user", QUESTION),
        ("assistant", first),
        ("user", "And tomorrow?"),
        ("assistant", second),
    ]
    assert [run["status"] for run in fake.threads[thread_id].runs.list()] == ["completed"] * 2

    await agent.on_reset(CancellationToken())

    assert texts(fake, thread_id) == []
    deleted = [call for call in fake.calls if call.method == "DELETE"]
    assert len(deleted) == 4
    assert all(call.status == 200 and call.response.json()["deleted"] for call in deleted)
