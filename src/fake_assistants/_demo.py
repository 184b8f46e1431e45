"""`fake-assistants demo`: whole conversations through the real openai SDK, offline.

First an assistant with a function tool: a thread, a streamed run that calls the tool,
the tool's output submitted, the answer streamed as it arrives, then the thread's
messages and the run's steps. Then "chat with your documents": two files shipped with
the package uploaded to a vector store, a question, and the answer with its citation.
"""

from __future__ import annotations

import json
import sys
import warnings
from importlib import resources
from typing import Any

from ._fake import FakeAssistants
from ._replies import ReplyContext

ENDPOINT = "https://demo-resource.openai.azure.com"
API_VERSION = "2025-04-01-preview"
QUESTION = "What's the weather in Paris today?"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def get_weather(city: str) -> dict[str, Any]:
    """The demo's own tool: what the user's code would compute or fetch."""
    return {"city": city, "temperature_c": 21, "sky": "sunny"}


def answer_from_tool(ctx: ReplyContext) -> str:
    """The model's second turn, scripted: it reads the tool output it was given."""
    weather = json.loads(ctx.tool_outputs[-1]["output"])
    return f"It is {weather['temperature_c']} °C and {weather['sky']} in {weather['city']} today."


def say(text: str = "", end: str = "\n") -> None:
    print(text, end=end, flush=True)


def demo() -> int:
    try:
        from openai import AzureOpenAI
    except ImportError:
        print("The demo needs the openai SDK: pip install 'fake-assistants[demo]'", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    say("fake-assistants demo: a conversation with an Azure OpenAI assistant, offline.\n")
    with FakeAssistants(endpoint=ENDPOINT) as fake:
        # What the model will say: first a call to the tool, then an answer from its output.
        fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
        fake.add_reply(answer_from_tool)
        client = AzureOpenAI(azure_endpoint=ENDPOINT, api_key="demo-key", api_version=API_VERSION)
        _conversation(client)
        _documents(client)
        say(f"\n{fake.call_count} requests served offline by fake-assistants.")
    return 0


def _conversation(client: Any) -> None:
    assistant = client.beta.assistants.create(
        name="Weather bot", model="gpt-4o", instructions="Answer briefly.", tools=[WEATHER_TOOL]
    )
    say(f"assistant  {assistant.id}  {assistant.name!r} ({assistant.model}), tool get_weather")
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content=QUESTION)
    say(f"thread     {thread.id}")
    say(f"\nuser: {QUESTION}")

    runs = client.beta.threads.runs
    with runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        events = [event.event for event in stream]
    run = stream.get_final_run()
    say(f"\nrun        {run.id}, streamed: {' > '.join(_short(events))}")
    outputs = []
    for call in run.required_action.submit_tool_outputs.tool_calls:
        arguments = json.loads(call.function.arguments)
        result = json.dumps(get_weather(**arguments))
        say(f"tool call  {call.function.name}({call.function.arguments}) -> {result}")
        outputs.append({"tool_call_id": call.id, "output": result})

    say("\nassistant: ", end="")
    with runs.submit_tool_outputs_stream(
        run_id=run.id, thread_id=thread.id, tool_outputs=outputs
    ) as stream:
        for text in stream.text_deltas:
            say(text, end="")
    say()
    _history(client, thread.id, run.id)


def _history(client: Any, thread_id: str, run_id: str) -> None:
    say("\nmessages in the thread, oldest first:")
    for message in client.beta.threads.messages.list(thread_id, order="asc"):
        say(f"  {message.role:<9}  {message.content[0].text.value}")
    say("steps of the run, oldest first:")
    for step in client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc"):
        details = step.step_details
        if details.type == "tool_calls":
            what = ", ".join(
                f"{c.function.name} -> {c.function.output}" for c in details.tool_calls
            )
        else:
            what = f"wrote {details.message_creation.message_id}"
        say(f"  {step.type:<16}  {step.status:<9}  {what}")
    run = client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
    usage = run.usage
    say(
        f"run {run.status}: {usage.prompt_tokens} prompt + {usage.completion_tokens} "
        f"completion = {usage.total_tokens} tokens"
    )


DOCUMENTS = ("handbook.md", "travel-policy.md")
DOCUMENT_QUESTION = "How much is a hotel night reimbursed?"


def _documents(client: Any) -> None:
    """Chat with your documents: the fake reads, chunks, indexes and searches them."""
    say("\n--- chat with your documents ---")
    shipped = resources.files("fake_assistants") / "demo_docs"
    files = [(name, (shipped / name).read_bytes()) for name in DOCUMENTS]
    store = client.vector_stores.create(name="Contoso policies")
    batch = client.vector_stores.file_batches.upload_and_poll(vector_store_id=store.id, files=files)
    indexed = f"{batch.file_counts.completed} files indexed ({', '.join(DOCUMENTS)})"
    say(f"vector store {store.id}: {indexed}")
    assistant = client.beta.assistants.create(
        name="Policy bot",
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": DOCUMENT_QUESTION}]},
    )
    say(f"\nuser: {DOCUMENT_QUESTION}")
    answer = client.beta.threads.messages.list(run.thread_id).data[0].content[0].text
    say(f"assistant: {answer.value}")
    for note in answer.annotations:
        cited = client.files.retrieve(note.file_citation.file_id)
        say(f"  {note.text} cites {cited.filename} ({cited.id})")


def _short(events: list[str]) -> list[str]:
    """Event names without the `thread.` prefix, repeated deltas folded."""
    shown: list[str] = []
    for name in events:
        name = name.removeprefix("thread.")
        if shown and shown[-1].startswith(name):
            shown[-1] = f"{name} x{int(shown[-1].partition(' x')[2] or 1) + 1}"
        else:
            shown.append(name)
    return shown
