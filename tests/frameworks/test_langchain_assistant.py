"""LangChain's `OpenAIAssistantRunnable` (langchain-classic 1.x, where it lives since
LangChain 1.0; earlier in `langchain.agents.openai_assistant`) driving whole turns with a
function tool through the fake, with an Azure client, as its documentation shows: under
an `AgentExecutor` (the executor runs the tool), and bare (the caller runs the tool and
submits its output, then asks a second question on the same thread)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import openai
import pytest
from helpers import ENDPOINT, async_client, client

import fake_assistants
from fake_assistants import FakeAssistants, ReplyContext

pytest.importorskip(
    "langchain_classic.agents.openai_assistant",
    reason="langchain-classic is not installed (pip install '.[test,frameworks]')",
)

from langchain_classic.agents import AgentExecutor
from langchain_classic.agents.openai_assistant import OpenAIAssistantRunnable
from langchain_core.tools import tool

QUESTION = "What is the weather in Paris?"
ANSWER = "It is 21 °C and sunny in Paris today."
WEATHER = {"city": "Paris", "temperature_c": 21, "sky": "sunny"}
TOOL_CALL = {"name": "get_weather", "arguments": {"city": "Paris"}}

calls: list[str] = []  # the cities get_weather was asked about, in order


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    calls.append(city)
    return json.dumps({**WEATHER, "city": city})


@pytest.fixture(autouse=True)
def no_calls_yet() -> None:
    calls.clear()


@pytest.fixture
def fake() -> Iterator[FakeAssistants]:
    with fake_assistants.mock(endpoint=ENDPOINT) as active:
        yield active


def texts(fake: FakeAssistants, thread_id: str) -> list[tuple[str, str]]:
    """The thread's messages as the fake stored them: (role, text), oldest first."""
    listed = fake.threads[thread_id].messages.list()
    return [(m["role"], m["content"][0]["text"]["value"]) for m in listed]


def journal(fake: FakeAssistants, thread_id: str, run_id: str) -> list[str]:
    """The requests the fake served, with the ids written as names."""
    named = {thread_id: "{thread}", run_id: "{run}"}
    return [
        f"{call.method} " + "/".join(named.get(part, part) for part in call.path.split("/"))
        for call in fake.calls
    ]


def assert_tool_turn(
    fake: FakeAssistants, thread_id: str, run_id: str, tool_call_id: str, answer: str
) -> None:
    """What the fake must hold after one run that called get_weather(Paris) then answered."""
    run = fake.threads[thread_id].runs[run_id].retrieve()
    assert (run["status"], run["required_action"], run["last_error"]) == ("completed", None, None)

    called, answered = fake.threads[thread_id].runs[run_id].steps.list()
    assert (called["type"], called["status"]) == ("tool_calls", "completed")
    [stored_call] = called["step_details"]["tool_calls"]
    assert stored_call["id"] == tool_call_id
    assert stored_call["function"]["name"] == "get_weather"
    assert json.loads(stored_call["function"]["arguments"]) == {"city": "Paris"}
    assert json.loads(stored_call["function"]["output"]) == WEATHER  # what the tool returned

    assert (answered["type"], answered["status"]) == ("message_creation", "completed")
    message_id = answered["step_details"]["message_creation"]["message_id"]
    message = fake.threads[thread_id].messages[message_id].retrieve()
    assert (message["role"], message["run_id"]) == ("assistant", run_id)
    assert message["content"][0]["text"]["value"] == answer


def test_agent_executor_runs_the_function_tool_and_answers(fake: FakeAssistants) -> None:
    seen: list[ReplyContext] = []

    def answer(ctx: ReplyContext) -> str:
        seen.append(ctx)
        return ANSWER

    fake.add_reply(tool_calls=[TOOL_CALL])
    fake.add_reply(answer)
    agent = OpenAIAssistantRunnable.create_assistant(
        name="Weather",
        instructions="Answer questions about the weather.",
        tools=[get_weather],
        model="gpt-4o",
        client=client(),
        as_agent=True,
        check_every_ms=1,
    )
    executor = AgentExecutor(agent=agent, tools=[get_weather], return_intermediate_steps=True)

    result = executor.invoke({"content": QUESTION})

    # What the user sees: the answer, after the tool ran once with the scripted arguments.
    assert result["output"] == ANSWER
    assert calls == ["Paris"]
    [(action, observation)] = result["intermediate_steps"]
    assert (action.tool, action.tool_input) == ("get_weather", {"city": "Paris"})
    assert json.loads(observation) == WEATHER
    thread_id, run_id = result["thread_id"], result["run_id"]
    assert (action.thread_id, action.run_id) == (thread_id, run_id)

    # What the fake stored: the assistant with LangChain's tool schema, the conversation,
    # the run and its two steps; the reply function saw the submitted output.
    stored = fake.assistants.retrieve(agent.assistant_id)
    [function_tool] = stored["tools"]
    assert function_tool["type"] == "function"
    assert function_tool["function"]["name"] == "get_weather"
    assert function_tool["function"]["description"] == "The weather in a city."
    parameters = function_tool["function"]["parameters"]
    assert parameters["properties"]["city"]["type"] == "string"
    assert parameters["required"] == ["city"]
    assert texts(fake, thread_id) == [("user", QUESTION), ("assistant", ANSWER)]
    assert_tool_turn(fake, thread_id, run_id, action.tool_call_id, ANSWER)
    [ctx] = seen
    assert ctx.tool_outputs == [{"tool_call_id": action.tool_call_id, "output": observation}]
    assert fake.replies_left == 0

    # The requests: one thread-and-run, polls that found the run moved on at once, one
    # submission of the tool's output, the messages read back.
    assert journal(fake, thread_id, run_id) == [
        "POST /openai/assistants",
        "POST /openai/threads/runs",
        "GET /openai/threads/{thread}/runs/{run}",
        "GET /openai/threads/{thread}/runs/{run}",
        "POST /openai/threads/{thread}/runs/{run}/submit_tool_outputs",
        "GET /openai/threads/{thread}/runs/{run}",
        "GET /openai/threads/{thread}/messages",
    ]
    [submitted] = [call for call in fake.calls if call.path.endswith("/submit_tool_outputs")]
    assert json.loads(submitted.request.body) == {
        "tool_outputs": [{"output": observation, "tool_call_id": action.tool_call_id}]
    }
    assert all(call.status == 200 for call in fake.calls)


def test_agent_executor_with_the_default_answer(fake: FakeAssistants) -> None:
    """Only the tool call is scripted: the default responder answers from its output."""
    fake.add_reply(tool_calls=[TOOL_CALL])
    agent = OpenAIAssistantRunnable.create_assistant(
        name="Weather",
        instructions="Answer questions about the weather.",
        tools=[get_weather],
        model="gpt-4o",
        client=client(),
        as_agent=True,
        check_every_ms=1,
    )
    executor = AgentExecutor(agent=agent, tools=[get_weather], return_intermediate_steps=True)

    result = executor.invoke({"content": QUESTION})

    [(action, observation)] = result["intermediate_steps"]
    assert calls == ["Paris"]
    assert action.tool_input == {"city": "Paris"}
    output = result["output"]
    assert output.startswith(f"get_weather returned: {observation}. ")
    assert re.search(r"\bref [0-9a-f]{6}\)\.$", output), output
    thread_id, run_id = result["thread_id"], result["run_id"]
    assert texts(fake, thread_id) == [("user", QUESTION), ("assistant", output)]
    assert_tool_turn(fake, thread_id, run_id, action.tool_call_id, output)


async def test_async_agent_executor_fails_in_langchain_after_the_fake_completes_the_run(
    fake: FakeAssistants,
) -> None:
    """With AsyncAzureOpenAI the turn goes through the fake up to the end: the tool call,
    the submitted output, the completed run and its answer. Then langchain-classic 1.0
    iterates the awaited `AsyncCursorPage` of messages with a plain `for`, which walks the
    page's pydantic fields (tuples), and fails. If LangChain fixes this, this test fails
    with "DID NOT RAISE": then assert the answer as the sync tests do."""
    fake.add_reply(tool_calls=[TOOL_CALL])
    fake.add_reply(ANSWER)
    agent = await OpenAIAssistantRunnable.acreate_assistant(
        name="Weather",
        instructions="Answer questions about the weather.",
        tools=[get_weather],
        model="gpt-4o",
        async_client=async_client(),
        # the async path still polls once with the sync client (before submitting tool
        # outputs), and without one makes a plain OpenAI() client, which needs a key.
        client=client(),
        as_agent=True,
        check_every_ms=1,
    )
    executor = AgentExecutor(agent=agent, tools=[get_weather])

    with pytest.raises(AttributeError, match="'tuple' object has no attribute 'run_id'"):
        await executor.ainvoke({"content": QUESTION})

    assert calls == ["Paris"]
    [started] = [call for call in fake.calls if call.path == "/openai/threads/runs"]
    thread_id, run_id = started.response.json()["thread_id"], started.response.json()["id"]
    assert texts(fake, thread_id) == [("user", QUESTION), ("assistant", ANSWER)]
    [submitted] = [call for call in fake.calls if call.path.endswith("/submit_tool_outputs")]
    [output] = json.loads(submitted.request.body)["tool_outputs"]
    assert json.loads(output["output"]) == WEATHER
    assert_tool_turn(fake, thread_id, run_id, output["tool_call_id"], ANSWER)
    last = fake.calls.last  # the listing LangChain could not read
    assert (last.method, last.path, last.status) == (
        "GET",
        f"/openai/threads/{thread_id}/messages",
        200,
    )


def test_bare_runnable_the_caller_runs_the_tool_then_asks_again(fake: FakeAssistants) -> None:
    sdk = client()
    runnable = OpenAIAssistantRunnable.create_assistant(
        name="Weather",
        instructions="Answer questions about the weather.",
        tools=[get_weather],
        model="gpt-4o",
        client=sdk,
        check_every_ms=1,
    )
    thread_id = sdk.beta.threads.create().id
    conversations: list[list[str]] = []

    def thanks(ctx: ReplyContext) -> str:
        conversations.append([m["content"][0]["text"]["value"] for m in ctx.messages])
        return "You are welcome."

    fake.add_reply(tool_calls=[TOOL_CALL])
    fake.add_reply(ANSWER)
    fake.add_reply(thanks)

    # First turn: the run stops for the tool; LangChain hands back the SDK's tool calls.
    required = runnable.invoke({"content": QUESTION, "thread_id": thread_id})
    [tool_call] = required
    assert isinstance(tool_call, openai.types.beta.threads.RequiredActionFunctionToolCall)
    assert tool_call.function.name == "get_weather"
    [run] = sdk.beta.threads.runs.list(thread_id).data
    assert run.status == "requires_action"
    stored_run = fake.threads[thread_id].runs[run.id].retrieve()
    assert stored_run["status"] == "requires_action"
    waiting = stored_run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert [call["id"] for call in waiting] == [tool_call.id]

    output = get_weather.invoke(json.loads(tool_call.function.arguments))
    answered = runnable.invoke(
        {
            "tool_outputs": [{"tool_call_id": tool_call.id, "output": output}],
            "run_id": run.id,
            "thread_id": thread_id,
        }
    )
    assert calls == ["Paris"]
    [message] = answered  # only the messages this run wrote
    assert (message.role, message.run_id) == ("assistant", run.id)
    assert message.content[0].text.value == ANSWER
    assert_tool_turn(fake, thread_id, run.id, tool_call.id, ANSWER)

    # Second turn on the same thread: a new message and run; the model sees it all.
    [reply] = runnable.invoke({"content": "Thanks!", "thread_id": thread_id})
    assert reply.content[0].text.value == "You are welcome."
    assert conversations == [[QUESTION, ANSWER, "Thanks!"]]
    assert texts(fake, thread_id) == [
        ("user", QUESTION),
        ("assistant", ANSWER),
        ("user", "Thanks!"),
        ("assistant", "You are welcome."),
    ]
    second, first = fake.threads[thread_id].runs.list(order="desc")
    assert (first["id"], reply.run_id) == (run.id, second["id"])
    assert second["status"] == "completed"
    [step] = fake.threads[thread_id].runs[second["id"]].steps.list()
    assert step["type"] == "message_creation"
    assert fake.replies_left == 0
