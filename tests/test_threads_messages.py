"""Threads and messages through the openai SDK (`AzureOpenAI` and `AsyncAzureOpenAI`):
the shapes the service shows (its read quirk included), listing and paging, the run
filter, the refusals with their exact bodies, and the direct API over the same state."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from helpers import async_client, client

import fake_assistants
from fake_assistants import FakeAssistants

HOST = "res.openai.azure.com"
MESSAGE_KEYS = [
    "id", "object", "created_at", "assistant_id", "thread_id", "run_id", "role", "content",
    "attachments", "metadata",
]  # fmt: skip
EMPTY_CODE_INTERPRETER = {"code_interpreter": {"file_ids": []}}


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client()


@pytest.fixture
def real(fake: FakeAssistants) -> dict[str, str]:
    """Real ids for the names the tests use: references must exist in the resource."""
    made = {name: fake.files.upload(name, filename=f"{name}.txt")["id"] for name in FILES}
    return {**made, "vs_1": fake.vector_stores.create()["id"]}


FILES = ("assistant-1", "assistant-2", "assistant-img")


@pytest.fixture
async def async_sdk() -> AsyncIterator[openai.AsyncAzureOpenAI]:
    async with async_client() as opened:
        yield opened


def refusal(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def raw_json(response: Any) -> dict[str, Any]:
    """The JSON the service sent (keys in order), from a `with_raw_response` call."""
    return json.loads(response.http_response.content)  # type: ignore[no-any-return]


def stores(fake: FakeAssistants) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Every non-empty store of the resource: what a refusal must leave as it was."""
    resource = fake.service.resources.get(HOST)
    found = {} if resource is None else resource.stores()
    return {key: list(store) for key, store in found.items() if len(store)}


def texts(page: Any) -> list[str]:
    return [message.content[0].text.value for message in page]


# --- threads ---------------------------------------------------------------------------------


def test_create_shows_messages_metadata_and_tool_resources(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, real: dict[str, str]
) -> None:
    thread = sdk.beta.threads.create(
        messages=[
            {"role": "user", "content": "first", "metadata": {"n": "1"}},
            {"role": "assistant", "content": "second"},
        ],
        metadata={"team": "a"},
        tool_resources={
            "code_interpreter": {"file_ids": [real["assistant-1"]]},
            "file_search": {"vector_stores": [{"file_ids": [real["assistant-2"]]}]},
        },
    )
    assert thread.id.startswith("thread_") and len(thread.id) == 31
    assert thread.metadata == {"team": "a"}
    resources = thread.tool_resources
    assert resources is not None and resources.code_interpreter is not None
    assert resources.code_interpreter.file_ids == [real["assistant-1"]]
    assert resources.file_search is not None
    (store_id,) = resources.file_search.vector_store_ids or []
    assert store_id.startswith("vs_")  # the helper made a vector store
    messages = sdk.beta.threads.messages.list(thread.id, order="asc").data
    assert [(m.role, m.metadata) for m in messages] == [("user", {"n": "1"}), ("assistant", {})]
    assert all(m.assistant_id is None and m.run_id is None for m in messages)


def test_retrieve_shows_the_empty_code_interpreter_entry_create_and_modify_leave_out(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    """As captured: `{}` on create and modify, the code interpreter's empty entry on read."""
    threads = sdk.beta.threads.with_raw_response
    created = raw_json(threads.create())
    thread_id = created["id"]
    read = raw_json(threads.retrieve(thread_id))
    modified = raw_json(threads.update(thread_id, metadata={"k": "v"}))
    assert list(created) == ["id", "object", "created_at", "metadata", "tool_resources"]
    assert created["tool_resources"] == {} and modified["tool_resources"] == {}
    assert read["tool_resources"] == EMPTY_CODE_INTERPRETER
    assert read == {**created, "tool_resources": EMPTY_CODE_INTERPRETER}
    assert modified["metadata"] == {"k": "v"}


def test_modify_replaces_metadata_and_the_resources_sent(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, real: dict[str, str]
) -> None:
    thread = sdk.beta.threads.create(
        metadata={"a": "1"},
        tool_resources={"code_interpreter": {"file_ids": [real["assistant-1"]]}},
    )
    updated = sdk.beta.threads.update(
        thread.id,
        metadata={"b": "2"},
        tool_resources={"file_search": {"vector_store_ids": [real["vs_1"]]}},
    )
    assert updated.metadata == {"b": "2"}
    assert updated.model_dump()["tool_resources"] == {
        "code_interpreter": {"file_ids": [real["assistant-1"]]},
        "file_search": {"vector_store_ids": [real["vs_1"]]},
    }
    assert sdk.beta.threads.retrieve(thread.id).metadata == {"b": "2"}


def test_delete_takes_the_messages_along(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "bye"}])
    deleted = raw_json(sdk.beta.threads.with_raw_response.delete(thread.id))
    assert deleted == {"id": thread.id, "object": "thread.deleted", "deleted": True}
    gone = refusal(f"No thread found with id '{thread.id}'.")
    for action in (
        lambda: sdk.beta.threads.retrieve(thread.id),
        lambda: sdk.beta.threads.messages.list(thread.id),
        lambda: sdk.beta.threads.delete(thread.id),
    ):
        with pytest.raises(openai.NotFoundError) as caught:
            action()
        assert caught.value.body == gone
    assert [key for key in stores(fake) if thread.id in key] == []


@pytest.mark.parametrize(
    ("thread_id", "message"),
    [
        ("x", "Invalid 'thread_id': 'x'. Expected an ID that begins with 'thread'."),
        ("asst_abc", "Invalid 'thread_id': 'asst_abc'. Expected an ID that begins with 'thread'."),
    ],
)
def test_a_thread_id_with_another_prefix_is_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, thread_id: str, message: str
) -> None:
    """The captured pattern of the assistants endpoints, with the thread's prefix."""
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.retrieve(thread_id)
    assert caught.value.body == refusal(message, "thread_id", "invalid_value")


# --- messages ------------------------------------------------------------------------------------


def test_a_message_has_the_rest_shape_without_status_keys(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread = sdk.beta.threads.create()
    created = raw_json(
        sdk.beta.threads.messages.with_raw_response.create(
            thread.id, role="user", content="hello", metadata={"k": "v"}
        )
    )
    assert list(created) == MESSAGE_KEYS
    assert created["content"] == [{"type": "text", "text": {"value": "hello", "annotations": []}}]
    assert created["thread_id"] == thread.id and created["metadata"] == {"k": "v"}
    assert created["attachments"] == [] and created["assistant_id"] is None
    read = sdk.beta.threads.messages.with_raw_response.retrieve(created["id"], thread_id=thread.id)
    assert raw_json(read) == created


def test_content_parts_and_attachments_come_back_as_sent(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, real: dict[str, str]
) -> None:
    thread = sdk.beta.threads.create()
    image_url = {"type": "image_url", "image_url": {"url": "https://x/a.png", "detail": "auto"}}
    image_file = {"type": "image_file", "image_file": {"file_id": real["assistant-img"]}}
    attachments = [
        {"file_id": real["assistant-1"], "tools": [{"type": "code_interpreter"}]},
        {"file_id": real["assistant-2"], "tools": [{"type": "file_search"}]},
    ]
    message = sdk.beta.threads.messages.create(
        thread.id,
        role="user",
        content=[{"type": "text", "text": "look"}, image_url, image_file],
        attachments=attachments,  # type: ignore[arg-type]
    )
    shown = message.model_dump(exclude_none=True)
    assert shown["content"] == [
        {"type": "text", "text": {"value": "look", "annotations": []}},
        image_url,
        image_file,
    ]
    assert shown["attachments"] == attachments


def test_list_pages_with_limit_order_after_and_before(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread = sdk.beta.threads.create(
        messages=[{"role": "user", "content": f"m{i}"} for i in range(5)]
    )
    messages = sdk.beta.threads.messages
    newest = messages.list(thread.id, limit=2)
    assert texts(newest.data) == ["m4", "m3"] and newest.has_more
    ids = [m.id for m in messages.list(thread.id, order="asc").data]
    after = messages.list(thread.id, order="asc", after=ids[1], limit=2)
    assert texts(after.data) == ["m2", "m3"] and after.has_more
    before = messages.list(thread.id, order="asc", before=ids[3])
    assert texts(before.data) == ["m0", "m1", "m2"] and not before.has_more
    assert texts(messages.list(thread.id, limit=1)) == ["m4", "m3", "m2", "m1", "m0"]
    assert len(fake.calls) == 1 + 4 + 5  # auto-pagination asked one page at a time


def test_the_run_id_filter_lists_one_runs_messages(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply("first answer")
    fake.add_reply("second answer")
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "q1"}])
    runs = sdk.beta.threads.runs
    first = runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=0)
    sdk.beta.threads.messages.create(thread.id, role="user", content="q2")
    runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=0)
    of_first = sdk.beta.threads.messages.list(thread.id, run_id=first.id).data
    assert texts(of_first) == ["first answer"]
    assert of_first[0].run_id == first.id and of_first[0].assistant_id == assistant.id
    every = sdk.beta.threads.messages.list(thread.id, order="asc")
    assert texts(every) == ["q1", "first answer", "q2", "second answer"]


def test_a_run_id_filter_of_no_run_lists_nothing_and_keeps_nothing(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "q"}])
    resource = next(iter(fake.service.resources.values()))
    before = set(resource.stores())
    for index in range(50):
        page = sdk.beta.threads.messages.list(thread.id, run_id=f"run_{index}")
        assert page.data == []
    assert set(resource.stores()) == before  # no store made for each id sent


def test_modify_takes_metadata_only(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "keep"}])
    (message,) = sdk.beta.threads.messages.list(thread.id).data
    updated = sdk.beta.threads.messages.update(message.id, thread_id=thread.id, metadata={"k": "v"})
    assert updated.metadata == {"k": "v"} and texts([updated]) == ["keep"]
    before = stores(fake)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.post(
            f"/threads/{thread.id}/messages/{message.id}", body={"content": "x"}, cast_to=object
        )
    assert caught.value.body == refusal(
        "Unknown parameter: 'content'.", "content", "unknown_parameter"
    )
    assert stores(fake) == before


def test_delete_a_message(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "x"}] * 2)
    first, second = sdk.beta.threads.messages.list(thread.id, order="asc").data
    deleted = sdk.beta.threads.messages.with_raw_response.delete(first.id, thread_id=thread.id)
    assert raw_json(deleted) == {
        "id": first.id,
        "object": "thread.message.deleted",
        "deleted": True,
    }
    assert [m.id for m in sdk.beta.threads.messages.list(thread.id)] == [second.id]
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.beta.threads.messages.retrieve(first.id, thread_id=thread.id)
    assert caught.value.body == refusal(f"No message found with id '{first.id}'.")


def test_unknown_and_misprefixed_message_ids(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread = sdk.beta.threads.create()
    other = sdk.beta.threads.create(messages=[{"role": "user", "content": "elsewhere"}])
    (elsewhere,) = sdk.beta.threads.messages.list(other.id).data
    with pytest.raises(openai.NotFoundError) as unknown:
        sdk.beta.threads.messages.retrieve(elsewhere.id, thread_id=thread.id)
    with pytest.raises(openai.BadRequestError) as misprefixed:
        sdk.beta.threads.messages.retrieve("x", thread_id=thread.id)
    assert unknown.value.body == refusal(f"No message found with id '{elsewhere.id}'.")
    assert misprefixed.value.body == refusal(
        "Invalid 'message_id': 'x'. Expected an ID that begins with 'msg'.",
        "message_id",
        "invalid_value",
    )


# --- refusals: a 400 naming the parameter, nothing stored ---------------------------------------

TOO_LONG = (
    "Invalid 'content': string too long. Expected a string with maximum length 256000, "
    "but got a string with length 256001 instead."
)
EMPTY = (
    "Invalid 'content': empty string. Expected a string with minimum length 1, "
    "but got an empty string instead."
)
MESSAGE_REFUSALS = [
    pytest.param(
        {"role": "human", "content": "x"},
        refusal(
            "Invalid value: 'human'. Supported values are: 'user' and 'assistant'.",
            "role",
            "invalid_value",
        ),
        id="role-human",
    ),
    pytest.param(
        {"role": "system", "content": "x"},
        refusal(
            "Invalid value: 'system'. Supported values are: 'user' and 'assistant'.",
            "role",
            "invalid_value",
        ),
        id="role-system",
    ),
    pytest.param(
        {"role": "user", "content": ""}, refusal(EMPTY, "content", "empty_string"), id="empty"
    ),
    pytest.param(
        {"role": "user", "content": "c" * 256_001},
        refusal(TOO_LONG, "content", "string_above_max_length"),
        id="too-long",
    ),
    pytest.param(
        {"role": "user", "content": "x", "metadata": {f"k{i}": "v" for i in range(17)}},
        refusal(
            "Invalid 'metadata': too many properties. Expected an object with at most 16 "
            "properties, but got an object with 17 properties instead.",
            "metadata",
            "object_above_max_properties",
        ),
        id="metadata-17-pairs",
    ),
    pytest.param(
        {"role": "user", "content": "x", "metadata": {"k": "v" * 513}},
        refusal(
            "Invalid 'metadata.k': string too long. Expected a string with maximum length "
            "512, but got a string with length 513 instead.",
            "metadata.k",
            "string_above_max_length",
        ),
        id="metadata-value-513",
    ),
    pytest.param(
        {"role": "user", "content": "x", "metadata": {"k" * 65: "v"}},
        refusal(
            f"Invalid property name in 'metadata': '{'k' * 65}' is too long. Expected a "
            "string with maximum length 64, but got a string with length 65 instead.",
            "metadata." + "k" * 65,
        ),
        id="metadata-key-65",
    ),
]


@pytest.mark.parametrize(("body", "expected"), MESSAGE_REFUSALS)
def test_message_create_refusals(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "kept"}])
    before = stores(fake)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.messages.create(thread.id, **body)
    assert caught.value.body == expected
    assert stores(fake) == before


@pytest.mark.parametrize(("body", "expected"), MESSAGE_REFUSALS)
def test_thread_create_refusals_name_the_message(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    """In a thread's `messages`, the param (and any path in the text) is `messages[1]...`;
    neither the thread nor its first, good message is stored."""
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.create(messages=[{"role": "user", "content": "good"}, body])  # type: ignore[list-item]
    param = expected["param"]
    root = param.partition(".")[0]
    moved = {
        **expected,
        "param": f"messages[1].{param}",
        "message": expected["message"].replace(f"'{root}", f"'messages[1].{root}"),
    }
    assert caught.value.body == moved
    assert stores(fake) == {}


def test_thread_metadata_refusal(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.create(metadata={"k": 1})  # type: ignore[dict-item]
    assert caught.value.body == refusal(
        "Invalid type for 'metadata.k': expected a string, but got an integer instead.",
        "metadata.k",
        "invalid_type",
    )
    assert stores(fake) == {}


def test_no_message_while_a_run_is_active(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = sdk.beta.threads.create()
    run = sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    before = stores(fake)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.messages.create(thread.id, role="user", content="x")
    assert caught.value.body == refusal(
        f"Can't add messages to {thread.id} while a run {run.id} is active."
    )
    assert stores(fake) == before


# --- the direct API over the same state ---------------------------------------------------------


def test_the_direct_api_makes_and_reads_threads_and_messages(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    made = fake.threads.create(messages=[{"role": "user", "content": "direct"}])
    fake.threads[made["id"]].messages.create(role="assistant", content="reply")
    over_http = sdk.beta.threads.create(metadata={"via": "http"})
    assert [t["id"] for t in fake.threads.list()] == [made["id"], over_http.id]
    read = fake.threads.retrieve(made["id"])["tool_resources"]  # a retrieve, as recorded
    assert read == {**EMPTY_CODE_INTERPRETER, "azure_ai_search": {"indexes": []}}
    assert texts(sdk.beta.threads.messages.list(made["id"], order="asc")) == ["direct", "reply"]
    listed = fake.threads[made["id"]].messages.list()
    assert [m["content"][0]["text"]["value"] for m in listed] == ["direct", "reply"]
    assert list(listed[0]) == MESSAGE_KEYS
    assert len(fake.threads[over_http.id].runs) == 0
    with pytest.raises(fake_assistants.WireError) as caught:
        fake.threads[made["id"]].messages.create(role="human", content="x")
    assert caught.value.status == 400
    assert len(fake.threads[made["id"]].messages) == 2


def test_the_direct_api_sees_runs(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "q"}])
    run = sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    runs = fake.threads[thread.id].runs
    assert [r["id"] for r in runs.list()] == [run.id]
    assert runs.retrieve(run.id)["status"] == "completed"  # a read observes the run
    assert len(fake.threads[thread.id].messages.list(run_id=run.id)) == 1


# --- the async client ----------------------------------------------------------------------------


async def test_async_threads_and_messages(
    fake: FakeAssistants, async_sdk: openai.AsyncAzureOpenAI
) -> None:
    threads = async_sdk.beta.threads
    thread = await threads.create(
        messages=[{"role": "user", "content": f"m{i}"} for i in range(3)], metadata={"a": "1"}
    )
    read = await threads.retrieve(thread.id)
    assert read.model_dump(exclude_none=True)["tool_resources"] == EMPTY_CODE_INTERPRETER
    assert (await threads.update(thread.id, metadata={"b": "2"})).metadata == {"b": "2"}
    message = await threads.messages.create(thread.id, role="assistant", content="m3")
    assert message.role == "assistant" and message.thread_id == thread.id
    listed = [m.content[0].text.value async for m in threads.messages.list(thread.id, limit=1)]  # type: ignore[union-attr]
    assert listed == ["m3", "m2", "m1", "m0"]
    updated = await threads.messages.update(message.id, thread_id=thread.id, metadata={"k": "v"})
    assert updated.metadata == {"k": "v"}
    assert (await threads.messages.delete(message.id, thread_id=thread.id)).deleted
    assert (await threads.delete(thread.id)).deleted
    with pytest.raises(openai.NotFoundError) as caught:
        await threads.retrieve(thread.id)
    assert caught.value.body == refusal(f"No thread found with id '{thread.id}'.")


async def test_async_refusals_store_nothing(
    fake: FakeAssistants, async_sdk: openai.AsyncAzureOpenAI
) -> None:
    threads = async_sdk.beta.threads
    with pytest.raises(openai.BadRequestError) as in_thread:
        await threads.create(messages=[{"role": "system", "content": "x"}])  # type: ignore[list-item]
    thread = await threads.create()
    before = stores(fake)
    with pytest.raises(openai.BadRequestError) as empty:
        await threads.messages.create(thread.id, role="user", content="")
    assert in_thread.value.body == refusal(
        "Invalid value: 'system'. Supported values are: 'user' and 'assistant'.",
        "messages[0].role",
        "invalid_value",
    )
    assert empty.value.body == refusal(EMPTY, "content", "empty_string")
    assert stores(fake) == before
