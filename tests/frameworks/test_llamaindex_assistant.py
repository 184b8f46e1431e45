"""LlamaIndex's `OpenAIAssistantAgent` (llama-index-agent-openai 0.4, which needs openai
1.x) driving whole turns with a function tool through the fake, over an `AzureOpenAI`
client: the agent makes a thread, posts the user's message, starts a run, polls it,
calls the tool when the run asks, submits the output and reads the answer."""

from __future__ import annotations

import json
import warnings

import pytest
from helpers import client

import fake_assistants
from fake_assistants import FakeAssistants, ReplyContext

pytest.importorskip(
    "llama_index.agent.openai",
    reason="llama-index-agent-openai is not installed "
    "(pip install 'llama-index-agent-openai>=0.4,<0.5', with openai 1.x)",
)

from llama_index.agent.openai import OpenAIAssistantAgent
from llama_index.core.tools import FunctionTool

QUESTION = "What is the weather in Paris?"
WEATHER = {"city": "Paris", "temperature_c": 21, "sky": "sunny"}

cities: list[str] = []  # the cities get_weather was asked about, in order


def get_weather(city: str) -> str:
    """The weather in a city."""
    cities.append(city)
    return json.dumps({**WEATHER, "city": city})


@pytest.fixture
def fake() -> FakeAssistants:
    cities.clear()
    with fake_assistants.mock() as active:
        yield active  # type: ignore[misc]


def make_agent() -> OpenAIAssistantAgent:
    sdk = client()
    tool = FunctionTool.from_defaults(fn=get_weather)
    assistant = sdk.beta.assistants.create(
        model="gpt-4o",
        instructions="Answer questions about the weather.",
        tools=[tool.metadata.to_openai_tool()],
    )
    # LlamaIndex warns that the Assistants API goes away, forcing the warning on
    # (simplefilter("always") of its own): recorded here, so it is not shown.
    with warnings.catch_warnings(record=True):
        return OpenAIAssistantAgent(sdk, assistant, tools=[tool], run_retrieve_sleep_time=0)


def texts(fake: FakeAssistants, thread_id: str) -> list[tuple[str, str]]:
    listed = fake.threads[thread_id].messages.list()
    return [(m["role"], m["content"][0]["text"]["value"]) for m in listed]


def test_chat_runs_the_function_tool_and_answers(fake: FakeAssistants) -> None:
    def answer(ctx: ReplyContext) -> str:
        weather = json.loads(ctx.tool_outputs[0]["output"])
        return f"It is {weather['temperature_c']} °C and {weather['sky']} in Paris."

    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    fake.add_reply(answer)
    agent = make_agent()

    response = agent.chat(QUESTION)

    assert response.response == "It is 21 °C and sunny in Paris."
    assert cities == ["Paris"]
    [source] = response.sources
    assert (source.tool_name, json.loads(source.content)) == ("get_weather", WEATHER)
    assert texts(fake, agent.thread_id) == [("user", QUESTION), ("assistant", response.response)]
    [run] = fake.threads[agent.thread_id].runs.list()
    assert run["status"] == "completed"
    called, answered = fake.threads[agent.thread_id].runs[run["id"]].steps.list()
    [call] = called["step_details"]["tool_calls"]
    assert json.loads(call["function"]["output"]) == WEATHER
    assert answered["type"] == "message_creation"
    assert all(call.status == 200 for call in fake.calls) and fake.replies_left == 0


def test_a_second_turn_gets_the_default_answer(fake: FakeAssistants) -> None:
    fake.add_reply("First answer.")
    agent = make_agent()

    first = agent.chat(QUESTION)
    second = agent.chat("And tomorrow?")

    assert first.response == "First answer."
    assert "And tomorrow?" in second.response and cities == []
    assert [role for role, _ in texts(fake, agent.thread_id)] == [
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    runs = fake.threads[agent.thread_id].runs.list()
    assert [run["status"] for run in runs] == ["completed", "completed"]
