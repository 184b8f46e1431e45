"""Shapes seen on real Azure resources (the Azure SDK teams' recordings, replayed in
test_azure_recordings.py), checked here through the openai SDK, one fix at a time."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from helpers import client

from fake_assistants import FakeAssistants

LATEST = "2025-04-01-preview"
ASSISTANT_KEYS = [
    "id", "object", "created_at", "name", "description", "model", "instructions", "tools",
    "top_p", "temperature", "tool_resources", "metadata", "response_format",
]  # fmt: skip
CACHED = {"cached_tokens": 0}


def sdk(api_version: str = LATEST) -> openai.AzureOpenAI:
    return client(api_version=api_version)


def wire(raw: Any) -> Any:
    """The JSON the service sent, keys in their order."""
    return json.loads(raw.http_response.content)


def upload(api: openai.AzureOpenAI, name: str = "notes.txt") -> str:
    return api.files.create(file=(name, b"Filip likes cake."), purpose="assistants").id


# --- assistants ----------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2024-08-01-preview", LATEST])
def test_assistant_keys_are_in_the_recorded_order(fake: FakeAssistants, version: str) -> None:
    api = sdk(version).beta.assistants.with_raw_response
    created = wire(api.create(model="gpt-4o"))
    modified = wire(api.update(created["id"], name="renamed"))
    retrieved = wire(api.retrieve(created["id"]))
    listed = wire(api.list())["data"]

    for shown in (created, modified, retrieved, *listed):
        assert list(shown) == ASSISTANT_KEYS


def test_file_search_sent_without_options_is_echoed_bare(fake: FakeAssistants) -> None:
    api = sdk()
    bare = [{"type": "file_search", "file_search": {}}]
    created = wire(api.beta.assistants.with_raw_response.create(model="gpt-4o", tools=bare))
    modified = wire(api.beta.assistants.with_raw_response.update(created["id"], tools=bare))
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = wire(
        api.beta.threads.runs.with_raw_response.create(
            thread.id, assistant_id=created["id"], tools=bare
        )
    )

    assert created["tools"] == modified["tools"] == run["tools"] == [{"type": "file_search"}]


def test_file_search_options_sent_are_kept(fake: FakeAssistants) -> None:
    tools = [{"type": "file_search", "file_search": {"max_num_results": 5}}]
    created = sdk().beta.assistants.create(model="gpt-4o", tools=tools)  # type: ignore[arg-type]

    assert [tool.model_dump(exclude_unset=True) for tool in created.tools] == tools


def test_the_v1_view_shows_a_bare_retrieval_tool_that_posts_back(fake: FakeAssistants) -> None:
    tools = [{"type": "file_search", "file_search": {"max_num_results": 5}}]
    created = sdk().beta.assistants.create(model="gpt-4o", tools=tools)  # type: ignore[arg-type]
    v1 = sdk("2024-02-15-preview").beta.assistants.with_raw_response

    shown = wire(v1.retrieve(created.id))
    posted_back = wire(v1.update(created.id, tools=shown["tools"]))

    assert shown["tools"] == posted_back["tools"] == [{"type": "retrieval"}]


# --- usage ---------------------------------------------------------------------------------


def completed_run(api: openai.AzureOpenAI) -> tuple[Any, list[Any]]:
    assistant = api.beta.assistants.create(model="gpt-4o")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    run = api.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    steps = list(api.beta.threads.runs.steps.list(run.id, thread_id=thread.id))
    return run, steps


@pytest.mark.parametrize("version", ["2025-03-01-preview", LATEST])
def test_usage_details_cached_tokens_from_2025_03(fake: FakeAssistants, version: str) -> None:
    run, steps = completed_run(sdk(version))

    assert run.status == "completed" and steps
    for usage in (run.usage, *(step.usage for step in steps)):
        assert usage is not None
        shown = usage.model_dump(exclude_unset=True)
        assert set(shown) == {
            "prompt_tokens", "completion_tokens", "total_tokens", "prompt_token_details"
        }  # fmt: skip  # never completion_tokens_details on Azure
        assert shown["prompt_token_details"] == CACHED


def test_usage_has_no_details_before_2025_03(fake: FakeAssistants) -> None:
    run, steps = completed_run(sdk("2025-01-01-preview"))

    for usage in (run.usage, *(step.usage for step in steps)):
        assert usage is not None
        assert "prompt_token_details" not in usage.model_dump(exclude_unset=True)


def test_usage_details_in_the_stream_events(fake: FakeAssistants) -> None:
    api = sdk()
    assistant = api.beta.assistants.create(model="gpt-4o")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    events = api.beta.threads.runs.create(thread.id, assistant_id=assistant.id, stream=True)

    usages = {
        event.event: event.data.usage.model_dump(exclude_unset=True)  # type: ignore[union-attr]
        for event in events
        if event.event in ("thread.run.step.completed", "thread.run.completed")
    }

    assert set(usages) == {"thread.run.step.completed", "thread.run.completed"}
    assert all(usage["prompt_token_details"] == CACHED for usage in usages.values())


def test_usage_details_on_a_failed_run(fake: FakeAssistants) -> None:
    api = sdk()
    fake.add_reply(error={"code": "server_error", "message": "Something went wrong."})
    assistant = api.beta.assistants.create(model="gpt-4o")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    events = api.beta.threads.runs.create(thread.id, assistant_id=assistant.id, stream=True)

    failed = [event for event in events if event.event == "thread.run.failed"]

    assert len(failed) == 1 and failed[0].data.usage is not None
    assert failed[0].data.usage.model_dump(exclude_unset=True)["prompt_token_details"] == CACHED


# --- files ---------------------------------------------------------------------------------


def test_upload_answer_has_expires_at_null_on_2025_04(fake: FakeAssistants) -> None:
    raw = sdk().files.with_raw_response.create(file=("a.txt", b"text"), purpose="assistants")

    shown = wire(raw)
    assert list(shown)[5:8] == ["created_at", "expires_at", "status"]
    assert shown["expires_at"] is None


def test_upload_answer_has_no_expires_at_on_2025_01(fake: FakeAssistants) -> None:
    api = sdk("2025-01-01-preview").files.with_raw_response
    raw = api.create(file=("a.txt", b"text"), purpose="assistants")

    assert "expires_at" not in wire(raw)


# --- messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2025-01-01-preview", LATEST])
def test_modify_message_answers_file_ids(fake: FakeAssistants, version: str) -> None:
    api = sdk(version)
    file_id = upload(api)
    thread = api.beta.threads.create()
    attachments = [{"file_id": file_id, "tools": [{"type": "code_interpreter"}]}]
    message = api.beta.threads.messages.create(
        thread.id,
        role="user",
        content="Hi",
        attachments=attachments,  # type: ignore[arg-type]
    )
    raw = api.beta.threads.messages.with_raw_response.update(
        message.id, thread_id=thread.id, metadata={"k": "v"}
    )

    shown = wire(raw)
    assert list(shown)[-2:] == ["file_ids", "metadata"] and shown["file_ids"] == []
    kept = api.beta.threads.messages.retrieve(message.id, thread_id=thread.id)
    assert kept.attachments is not None
    assert [a.model_dump(exclude_unset=True) for a in kept.attachments] == attachments


def test_modify_message_answers_attachments_before_2025_01(fake: FakeAssistants) -> None:
    api = sdk("2024-10-01-preview")
    thread = api.beta.threads.create()
    message = api.beta.threads.messages.create(thread.id, role="user", content="Hi")
    raw = api.beta.threads.messages.with_raw_response.update(
        message.id, thread_id=thread.id, metadata={"k": "v"}
    )

    assert "attachments" in wire(raw) and "file_ids" not in wire(raw)


# --- vector stores -------------------------------------------------------------------------


def vector_stores(api: openai.AzureOpenAI) -> Any:
    """`client.vector_stores` (openai 2.x and later) or `client.beta.vector_stores`."""
    return getattr(api, "vector_stores", None) or api.beta.vector_stores


def test_batch_file_listing_items_carry_only_the_recorded_keys(fake: FakeAssistants) -> None:
    api = sdk()
    stores = vector_stores(api)
    store = stores.create()
    batch = stores.file_batches.create(store.id, file_ids=[upload(api), upload(api, "b.txt")])
    raw = stores.file_batches.with_raw_response.list_files(batch.id, vector_store_id=store.id)

    items = wire(raw)["data"]
    assert len(items) == 2
    for item in items:
        assert list(item) == [
            "id", "object", "created_at", "vector_store_id", "status", "last_error"
        ]  # fmt: skip
    assert "usage_bytes" in stores.files.list(store.id).data[0].model_dump(exclude_unset=True)


def test_expires_after_is_answered_anchor_first(fake: FakeAssistants) -> None:
    stores = vector_stores(sdk())
    raw = stores.with_raw_response.create(expires_after={"days": 3, "anchor": "last_active_at"})
    created = wire(raw)
    retrieved = wire(stores.with_raw_response.retrieve(created["id"]))

    for shown in (created, retrieved):
        assert list(shown["expires_after"].items()) == [("anchor", "last_active_at"), ("days", 3)]


def test_an_unknown_vector_store_names_its_param(fake: FakeAssistants) -> None:
    stores = vector_stores(sdk())
    store = stores.create()
    stores.delete(store.id)

    with pytest.raises(openai.NotFoundError) as caught:
        stores.delete(store.id)

    assert caught.value.body == {
        "message": f"No vector store found with id '{store.id}'.",
        "type": "invalid_request_error",
        "param": "vector_store_id",
        "code": None,
    }


# --- threads -------------------------------------------------------------------------------


def test_a_thread_retrieve_shows_azure_ai_search_on_2025_04(fake: FakeAssistants) -> None:
    threads = sdk().beta.threads.with_raw_response
    created = wire(threads.create(metadata={"k": "v"}))
    retrieved = wire(threads.retrieve(created["id"]))
    modified = wire(threads.update(created["id"], metadata={"k": "w"}))

    assert created["tool_resources"] == modified["tool_resources"] == {}
    assert retrieved["tool_resources"] == {
        "code_interpreter": {"file_ids": []},
        "azure_ai_search": {"indexes": []},
    }


def test_a_thread_retrieve_has_no_azure_ai_search_on_2024_10(fake: FakeAssistants) -> None:
    threads = sdk("2024-10-01-preview").beta.threads
    created = threads.create()

    shown = wire(threads.with_raw_response.retrieve(created.id))
    assert shown["tool_resources"] == {"code_interpreter": {"file_ids": []}}


# --- file_search options by api-version ------------------------------------------------------


def test_max_num_results_is_checked_from_2024_07(fake: FakeAssistants) -> None:
    tools: Any = [{"type": "file_search", "file_search": {"max_num_results": 0}}]
    with pytest.raises(openai.BadRequestError) as caught:
        sdk("2024-07-01-preview").beta.assistants.create(model="gpt-4o", tools=tools)

    assert caught.value.body == {
        "message": (
            "Invalid 'tools[0].file_search.max_num_results': integer below minimum value. "
            "Expected a value >= 1, but got 0 instead."
        ),
        "type": "invalid_request_error",
        "param": "tools[0].file_search.max_num_results",
        "code": "integer_below_min_value",
    }


def test_max_num_results_is_kept_on_2024_07_without_ranking_options(
    fake: FakeAssistants,
) -> None:
    options = {"max_num_results": 5, "ranking_options": {"score_threshold": 0.5}}
    tools: Any = [{"type": "file_search", "file_search": options}]
    created = sdk().beta.assistants.create(model="gpt-4o", tools=tools)

    shown = wire(sdk("2024-07-01-preview").beta.assistants.with_raw_response.retrieve(created.id))
    assert shown["tools"] == [{"type": "file_search", "file_search": {"max_num_results": 5}}]


# --- v1 (2024-02-15-preview) -------------------------------------------------------------

V1 = "2024-02-15-preview"


def test_a_v1_message_has_the_recorded_key_order(fake: FakeAssistants) -> None:
    threads = sdk(V1).beta.threads
    thread = threads.create()
    raw = threads.messages.with_raw_response.create(thread.id, role="user", content="Hi")

    assert list(wire(raw)) == [
        "id", "object", "created_at", "thread_id", "role", "content", "file_ids",
        "assistant_id", "run_id", "metadata",
    ]  # fmt: skip


def test_a_v1_run_has_the_recorded_keys_only(fake: FakeAssistants) -> None:
    api = sdk(V1)
    assistant = api.beta.assistants.create(model="gpt-4o")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    created = wire(
        api.beta.threads.runs.with_raw_response.create(thread.id, assistant_id=assistant.id)
    )
    done = api.beta.threads.runs.poll(created["id"], thread_id=thread.id, poll_interval_ms=0)

    assert list(created) == [
        "id", "object", "created_at", "assistant_id", "thread_id", "status", "started_at",
        "expires_at", "cancelled_at", "failed_at", "completed_at", "last_error", "model",
        "instructions", "tools", "file_ids", "metadata",
    ]  # fmt: skip
    assert done.status == "completed"


def test_a_v1_run_shows_required_action_while_it_has_one(fake: FakeAssistants) -> None:
    api = sdk(V1)
    tool: Any = {"type": "function", "function": {"name": "get_weather"}}
    assistant = api.beta.assistants.create(model="gpt-4o", tools=[tool])
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Weather?"}])
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": "{}"}])
    run = api.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=0
    )

    shown = wire(api.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread.id))
    assert shown["status"] == "requires_action"
    assert list(shown)[11:13] == ["required_action", "last_error"]
    assert shown["required_action"]["type"] == "submit_tool_outputs"


@pytest.mark.parametrize(
    ("version", "param"), [("2024-07-01-preview", None), (LATEST, "vector_store_id")]
)
def test_an_id_that_is_no_store_is_not_found(
    fake: FakeAssistants, version: str, param: str | None
) -> None:
    stores = vector_stores(sdk(version))
    file_id = upload(sdk(version))

    with pytest.raises(openai.NotFoundError) as caught:
        stores.files.delete("vs_x", vector_store_id=file_id)

    assert caught.value.body == {
        "message": f"No vector store found with id '{file_id}'.",
        "type": "invalid_request_error",
        "param": param,
        "code": None,
    }


def test_a_store_file_shows_its_chunking_strategy_on_2024_07(fake: FakeAssistants) -> None:
    api = sdk("2024-07-01-preview")
    stores = vector_stores(api)
    store = stores.create()
    raw = stores.files.with_raw_response.create(vector_store_id=store.id, file_id=upload(api))

    assert wire(raw)["chunking_strategy"] == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }
