"""Semantic Kernel's `AzureAssistantAgent` (semantic-kernel 1.x) driving whole turns with
a kernel function through the fake: its own `AsyncAzureOpenAI` client, the assistant made
with it, then `invoke` (a run that calls the function, whose output the agent submits)
and `invoke_stream` (a streamed run), each on the thread the first turn made."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from helpers import API_KEY, API_VERSION, ENDPOINT

import fake_assistants
from fake_assistants import FakeAssistants, ReplyContext

pytest.importorskip(
    "semantic_kernel.agents",
    reason="semantic-kernel is not installed (pip install '.[test,frameworks]')",
)

from semantic_kernel.agents import AzureAssistantAgent, RunPollingOptions
from semantic_kernel.functions import kernel_function

QUESTION = "What is the weather in Paris?"
WEATHER = {"city": "Paris", "temperature_c": 21, "sky": "sunny"}
TOOL = "Weather-get_weather"  # Semantic Kernel names a function `<plugin>-<function>`
TOOL_CALL = {"name": TOOL, "arguments": {"city": "Paris"}}
# No waiting between polls: the fake's runs move on their first retrieve.
NO_WAIT = RunPollingOptions(
    run_polling_interval=timedelta(0),
    run_polling_backoff=timedelta(0),
    message_synchronization_delay=timedelta(0),
)


class Weather:
    def __init__(self) -> None:
        self.cities: list[str] = []

    @kernel_function(description="The weather in a city.")
    def get_weather(self, city: str) -> str:
        self.cities.append(city)
        return json.dumps({**WEATHER, "city": city})


@pytest.fixture
async def fake() -> AsyncIterator[FakeAssistants]:
    async with fake_assistants.mock(endpoint=ENDPOINT) as active:
        yield active


async def make_agent(weather: Weather) -> AzureAssistantAgent:
    client = AzureAssistantAgent.create_client(
        api_key=API_KEY, endpoint=ENDPOINT, api_version=API_VERSION, deployment_name="gpt-4o"
    )
    definition = await client.beta.assistants.create(
        model="gpt-4o", name="weather", instructions="Answer questions about the weather."
    )
    return AzureAssistantAgent(
        client=client, definition=definition, plugins=[weather], polling_options=NO_WAIT
    )


def texts(fake: FakeAssistants, thread_id: str) -> list[tuple[str, str]]:
    listed = fake.threads[thread_id].messages.list()
    return [(m["role"], m["content"][0]["text"]["value"]) for m in listed]


async def test_invoke_runs_the_kernel_function_and_answers(fake: FakeAssistants) -> None:
    def answer(ctx: ReplyContext) -> str:
        weather = json.loads(ctx.tool_outputs[0]["output"])
        return f"It is {weather['temperature_c']} °C and {weather['sky']} in Paris."

    fake.add_reply(tool_calls=[TOOL_CALL])
    fake.add_reply(answer)
    weather = Weather()
    agent = await make_agent(weather)

    responses = [response async for response in agent.invoke(messages=QUESTION)]

    # What the user sees: one answer, made from the function's output.
    [response] = responses
    assert str(response.content) == "It is 21 °C and sunny in Paris."
    assert weather.cities == ["Paris"]

    # What the fake stored: the run carries the kernel's function as a tool; its steps
    # hold the call with the output the agent submitted, then the answer's message.
    thread_id = response.thread.id
    assert texts(fake, thread_id) == [("user", QUESTION), ("assistant", str(response.content))]
    [run] = fake.threads[thread_id].runs.list()
    assert (run["status"], run["assistant_id"]) == ("completed", agent.id)
    [tool] = run["tools"]
    assert tool["function"]["name"] == TOOL
    assert tool["function"]["parameters"]["required"] == ["city"]
    called, answered = fake.threads[thread_id].runs[run["id"]].steps.list()
    [call] = called["step_details"]["tool_calls"]
    assert json.loads(call["function"]["output"]) == WEATHER
    assert answered["type"] == "message_creation"
    assert all(call.status == 200 for call in fake.calls)
    submitted = [call for call in fake.calls if call.path.endswith("/submit_tool_outputs")]
    assert len(submitted) == 1 and fake.replies_left == 0


async def test_invoke_stream_then_the_default_answer(fake: FakeAssistants) -> None:
    fake.add_reply("Hello from a streamed run.")
    agent = await make_agent(Weather())

    parts = [part async for part in agent.invoke_stream(messages="Say hello.")]
    thread = parts[-1].thread
    followups = [r async for r in agent.invoke(messages="And tomorrow?", thread=thread)]

    assert "".join(str(part.content) for part in parts) == "Hello from a streamed run."
    [followup] = followups
    assert "And tomorrow?" in str(followup.content)  # the default responder's answer
    assert texts(fake, thread.id) == [
        ("user", "Say hello."),
        ("assistant", "Hello from a streamed run."),
        ("user", "And tomorrow?"),
        ("assistant", str(followup.content)),
    ]
    streamed = [call for call in fake.calls if call.method == "POST" and "/runs" in call.path]
    assert streamed[0].response.headers[0] == ("content-type", "text/event-stream; charset=utf-8")
    runs = fake.threads[thread.id].runs.list()
    assert [run["status"] for run in runs] == ["completed", "completed"]
