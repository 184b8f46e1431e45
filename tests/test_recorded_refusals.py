"""Refusals and echoes recorded on the service: a run with nothing to answer, a change to
a run that is not finished, and an `image_url` part shown with its default `detail`."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from helpers import ENDPOINT, client

import fake_assistants
from fake_assistants import FakeAssistants, Reply

API_VERSION = "2025-04-01-preview"
NOTHING_TO_ANSWER = {
    "message": (
        "Run creation requires a Thread with a user message or an assistant with instructions."
    ),
    "type": "invalid_request_error",
    "param": None,
    "code": "invalid_thread",
}
IMAGE = "https://example.com/cat.png"


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def assistant(sdk: openai.AzureOpenAI, **fields: Any) -> str:
    return sdk.beta.assistants.create(model="gpt-4o", **fields).id


def stored(fake: FakeAssistants, *key: str) -> list[dict[str, Any]]:
    return list(fake.service.resources["res.openai.azure.com"].store(*key))


# --- a run with nothing to answer ---------------------------------------------------------


def test_create_and_run_without_a_user_message_or_instructions_is_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    bare = assistant(sdk)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.create_and_run(assistant_id=bare)
    assert caught.value.body == NOTHING_TO_ANSWER
    with pytest.raises(openai.BadRequestError) as streamed:
        sdk.beta.threads.create_and_run(assistant_id=bare, stream=True)
    assert streamed.value.body == NOTHING_TO_ANSWER
    assert stored(fake, "threads") == []  # no thread made by the refused requests


@pytest.mark.parametrize(
    "messages",
    [[], [{"role": "assistant", "content": "Hello, how can I help?"}]],
    ids=["empty", "assistant-only"],
)
def test_a_run_on_a_thread_without_a_user_message_is_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, messages: list[dict[str, Any]]
) -> None:
    thread = sdk.beta.threads.create(messages=messages)  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant(sdk))
    assert caught.value.body == NOTHING_TO_ANSWER
    assert sdk.beta.threads.runs.list(thread_id=thread.id).data == []
    assert len(sdk.beta.threads.messages.list(thread_id=thread.id).data) == len(messages)


def test_additional_messages_of_a_refused_run_are_not_kept(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread = sdk.beta.threads.create()
    said = [{"role": "assistant", "content": "Anything else?"}]
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.create(
            thread_id=thread.id,
            assistant_id=assistant(sdk),
            additional_messages=said,  # type: ignore[arg-type]
        )
    assert caught.value.body == NOTHING_TO_ANSWER
    assert sdk.beta.threads.messages.list(thread_id=thread.id).data == []


@pytest.mark.parametrize(
    ("assistant_fields", "run_fields"),
    [
        ({"instructions": "Be brief."}, {}),
        ({}, {"instructions": "Be brief."}),
        ({}, {"additional_instructions": "Be brief."}),
        ({}, {"additional_messages": [{"role": "user", "content": "Hi"}]}),
    ],
    ids=["assistant-instructions", "run-instructions", "additional-instructions", "user-said"],
)
def test_instructions_or_a_user_message_let_the_run_start(
    fake: FakeAssistants,
    sdk: openai.AzureOpenAI,
    assistant_fields: dict[str, Any],
    run_fields: dict[str, Any],
) -> None:
    thread = sdk.beta.threads.create()
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant(sdk, **assistant_fields), **run_fields
    )
    assert run.status == "completed"
    if "instructions" in assistant_fields or "instructions" in run_fields:
        created = sdk.beta.threads.create_and_run_poll(
            assistant_id=assistant(sdk, **assistant_fields), **run_fields
        )
        assert created.status == "completed"


def test_empty_instructions_are_no_instructions(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.create_and_run(assistant_id=assistant(sdk, instructions=""))
    assert caught.value.body == NOTHING_TO_ANSWER


def test_a_user_message_in_the_new_thread_is_enough(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    run = sdk.beta.threads.create_and_run_poll(
        assistant_id=assistant(sdk), thread={"messages": [{"role": "user", "content": "Hi"}]}
    )
    assert run.status == "completed"


# --- changing a run that is not finished --------------------------------------------------


def cannot_update(status: str) -> dict[str, Any]:
    return {
        "message": f"Cannot update run with status '{status}'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def started(sdk: openai.AzureOpenAI) -> tuple[str, str]:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant(sdk))
    return thread.id, run.id


def test_a_queued_or_running_run_cannot_be_updated() -> None:
    sdk = client(api_version=API_VERSION)
    with fake_assistants.mock(endpoint=ENDPOINT, run_polls=2):
        thread_id, run_id = started(sdk)
        with pytest.raises(openai.BadRequestError) as queued:
            sdk.beta.threads.runs.update(run_id, thread_id=thread_id, metadata={"k": "v"})
        assert queued.value.body == cannot_update("queued")
        assert sdk.beta.threads.runs.retrieve(run_id, thread_id=thread_id).status == "in_progress"
        with pytest.raises(openai.BadRequestError) as running:
            sdk.beta.threads.runs.update(run_id, thread_id=thread_id, metadata={"k": "v"})
        assert running.value.body == cannot_update("in_progress")
        run = sdk.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
        assert run.metadata == {}  # nothing changed by the refusals
        run = sdk.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
        assert run.status == "completed"
        updated = sdk.beta.threads.runs.update(run_id, thread_id=thread_id, metadata={"k": "v"})
        assert updated.metadata == {"k": "v"}


def test_a_waiting_or_cancelling_run_cannot_be_updated(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(Reply(tool_calls=[{"name": "lookup", "arguments": {}}]))
    thread_id, run_id = started(sdk)
    waiting = sdk.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
    assert waiting.status == "requires_action"
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.update(run_id, thread_id=thread_id, metadata={"k": "v"})
    assert caught.value.body == cannot_update("requires_action")
    sdk.beta.threads.runs.cancel(run_id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError) as cancelling:
        sdk.beta.threads.runs.update(run_id, thread_id=thread_id, metadata={"k": "v"})
    assert cancelling.value.body == cannot_update("cancelling")


# --- image_url parts ----------------------------------------------------------------------


def listed(sdk: openai.AzureOpenAI, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages, oldest first, as the service sent them."""
    raw = sdk.beta.threads.messages.with_raw_response.list(thread_id, order="asc")
    return json.loads(raw.http_response.content)["data"]  # type: ignore[no-any-return]


def image_parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [part for part in message["content"] if part["type"] == "image_url"]


def test_an_image_url_part_is_shown_with_detail_auto_when_none_was_sent(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    parts: Any = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": IMAGE}},
    ]
    expected = [{"type": "image_url", "image_url": {"url": IMAGE, "detail": "auto"}}]
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": parts}])
    created = sdk.beta.threads.messages.with_raw_response.create(
        thread.id, role="user", content=parts
    )
    message = json.loads(created.http_response.content)
    assert image_parts(message) == expected
    assert [image_parts(m) for m in listed(sdk, thread.id)] == [expected, expected]
    retrieved = sdk.beta.threads.messages.with_raw_response.retrieve(
        message["id"], thread_id=thread.id
    )
    assert image_parts(json.loads(retrieved.http_response.content)) == expected
    modified = sdk.beta.threads.messages.with_raw_response.update(
        message["id"], thread_id=thread.id, metadata={"k": "v"}
    )
    assert image_parts(json.loads(modified.http_response.content)) == expected


def test_a_detail_sent_is_kept(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    parts: Any = [{"type": "image_url", "image_url": {"detail": "low", "url": IMAGE}}]
    thread = sdk.beta.threads.create()
    sdk.beta.threads.messages.create(thread.id, role="user", content=parts)
    assert image_parts(listed(sdk, thread.id)[0]) == [
        {"type": "image_url", "image_url": {"url": IMAGE, "detail": "low"}}
    ]


def test_a_streamed_run_shows_the_image_part_with_its_detail(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    parts: Any = [{"type": "image_url", "image_url": {"url": IMAGE}}]
    stream = sdk.beta.threads.create_and_run(
        assistant_id=assistant(sdk),
        thread={"messages": [{"role": "user", "content": parts}]},
        stream=True,
    )
    events = list(stream)
    assert events[0].event == "thread.created"
    thread_id = events[0].data.id
    assert image_parts(listed(sdk, thread_id)[0]) == [
        {"type": "image_url", "image_url": {"url": IMAGE, "detail": "auto"}}
    ]
