"""Vector stores, their files and batches through the SDK (ingestion that moves when
observed, the poll helpers without sleeping, expiry, refusals), and file_search runs
whose answers cite the passage that holds the answer."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
import time_machine
from helpers import ENDPOINT, async_client, client

import fake_assistants
from fake_assistants import FakeAssistants, Reply

API_VERSION = "2025-04-01-preview"
INCLUDE = ["step_details.tool_calls[*].file_search.results[*].content"]
FOODS = b"Filip's favorite food is cake. He eats it every Sunday with his sister."
CITIES = b"The capital of Norway is Oslo. Oslo lies at the head of the Oslofjord."


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def refusal(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def upload(sdk: openai.AzureOpenAI, name: str, data: bytes) -> str:
    return sdk.files.create(file=(name, data), purpose="assistants").id


# --- stores ------------------------------------------------------------------------------


def test_an_empty_store_in_azures_shape(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    raw = sdk.vector_stores.with_raw_response.create(name="docs", metadata={"k": "v"})
    shown = json.loads(raw.http_response.content)
    assert list(shown) == [
        "id", "object", "name", "status", "usage_bytes", "created_at", "file_counts",
        "metadata", "expires_after", "expires_at", "last_active_at",
    ]  # fmt: skip
    assert shown["status"] == "completed" and shown["usage_bytes"] == 0
    assert shown["file_counts"] == {
        "in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0,
    }  # fmt: skip
    assert shown["last_active_at"] == shown["created_at"]
    assert shown["id"].startswith("vs_") and len(shown["id"]) == 27


def test_files_are_in_progress_until_observed(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    ids = [upload(sdk, "a.txt", FOODS), upload(sdk, "b.txt", CITIES)]
    created = sdk.vector_stores.create(file_ids=ids)
    assert created.status == "in_progress"
    assert (created.file_counts.in_progress, created.file_counts.total) == (2, 2)
    assert created.usage_bytes == 0

    seen = sdk.vector_stores.retrieve(created.id)
    assert seen.status == "completed"
    assert (seen.file_counts.completed, seen.file_counts.in_progress) == (2, 0)
    assert seen.usage_bytes == len(FOODS) + len(CITIES) + 2 * 1024


def test_expiry_by_the_fakes_clock(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        store = sdk.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 2})
        assert store.expires_at == store.last_active_at + 2 * 86400  # type: ignore[operator]
        traveller.shift(2 * 86400)
        expired = sdk.vector_stores.retrieve(store.id)
        with pytest.raises(openai.BadRequestError) as caught:
            sdk.vector_stores.files.create(
                vector_store_id=store.id, file_id=upload(sdk, "a.txt", FOODS)
            )
    assert expired.status == "expired"
    assert caught.value.body == refusal(f"Vector store '{store.id}' has expired.")


def test_modify_list_delete(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    first = sdk.vector_stores.create(name="one")
    second = sdk.vector_stores.create(name="two")
    renamed = sdk.vector_stores.update(first.id, name="uno", metadata={"lang": "it"})
    assert (renamed.name, renamed.metadata) == ("uno", {"lang": "it"})
    assert [s.id for s in sdk.vector_stores.list()] == [second.id, first.id]
    deleted = sdk.vector_stores.delete(first.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (first.id, True, "vector_store.deleted")
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.vector_stores.retrieve(first.id)
    # param as recorded on Azure (CanCreateGetAndDeleteVectorStores, 2025-04-01-preview)
    message = f"No vector store found with id '{first.id}'."
    assert caught.value.body == refusal(message, "vector_store_id")


def test_refusals_store_nothing(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as unknown_file:
        sdk.vector_stores.create(file_ids=["assistant-missing"])
    with pytest.raises(openai.BadRequestError) as bad_days:
        sdk.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 400})
    with pytest.raises(openai.BadRequestError) as bad_chunks:
        sdk.vector_stores.create(
            chunking_strategy={
                "type": "static",
                "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 60},
            }
        )
    assert unknown_file.value.body == refusal("No such File object: assistant-missing", "id")
    assert bad_days.value.body == refusal(
        "Invalid 'expires_after.days': integer above maximum value. Expected a value <= 365, "
        "but got 400 instead.",
        "expires_after.days",
        "integer_above_max_value",
    )
    assert bad_chunks.value.body is not None
    assert sdk.vector_stores.list().data == []


# --- the SDK's helpers ---------------------------------------------------------------------


def test_upload_and_poll_and_create_and_poll_never_sleep(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, no_sleep: list[float]
) -> None:
    store = sdk.vector_stores.create(name="docs")
    uploaded = sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("foods.txt", FOODS)
    )
    other = upload(sdk, "cities.txt", CITIES)
    joined = sdk.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=other)
    assert (uploaded.status, joined.status) == ("completed", "completed")
    assert uploaded.usage_bytes == len(FOODS) + 1024
    assert uploaded.chunking_strategy is not None
    assert uploaded.chunking_strategy.model_dump() == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }
    assert no_sleep == []


def test_file_batches(fake: FakeAssistants, sdk: openai.AzureOpenAI, no_sleep: list[float]) -> None:
    store = sdk.vector_stores.create()
    batch = sdk.vector_stores.file_batches.upload_and_poll(
        vector_store_id=store.id,
        files=[("foods.txt", FOODS), ("cities.txt", CITIES), ("picture.png", b"\x89PNG\r\n\x1a\n")],
    )
    assert batch.object == "vector_store.file_batch"
    assert batch.id.startswith("vsfb_") and len(batch.id) == 37
    assert batch.file_counts.in_progress == 0 and batch.file_counts.total == 3
    assert (batch.file_counts.completed, batch.file_counts.failed) == (2, 1)
    failed = sdk.vector_stores.file_batches.list_files(
        batch_id=batch.id, vector_store_id=store.id, filter="failed"
    ).data
    assert len(failed) == 1 and failed[0].last_error is not None
    assert failed[0].last_error.code == "unsupported_file"
    assert no_sleep == []


def test_ingestion_polls_keeps_files_in_progress(
    sdk: openai.AzureOpenAI, no_sleep: list[float]
) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, ingestion_polls=2):
        store = sdk.vector_stores.create()
        record = sdk.vector_stores.files.upload_and_poll(
            vector_store_id=store.id, file=("a.txt", FOODS)
        )
    assert record.status == "completed"
    assert len(no_sleep) == 2


def test_a_cancelled_batch(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    store = sdk.vector_stores.create()
    batch = sdk.vector_stores.file_batches.create(
        vector_store_id=store.id, file_ids=[upload(sdk, "a.txt", FOODS)]
    )
    cancelled = sdk.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert cancelled.status == "cancelled" and cancelled.file_counts.cancelled == 1
    with pytest.raises(openai.BadRequestError):
        sdk.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)


def test_deleting_a_file_removes_it_from_its_stores(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    file_id = upload(sdk, "a.txt", FOODS)
    store = sdk.vector_stores.create(file_ids=[file_id])
    sdk.vector_stores.retrieve(store.id)
    sdk.files.delete(file_id)
    assert sdk.vector_stores.files.list(store.id).data == []
    assert sdk.vector_stores.retrieve(store.id).usage_bytes == 0


# --- references are checked ----------------------------------------------------------------


def test_tool_resources_must_name_real_files_and_stores(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    with pytest.raises(openai.NotFoundError) as no_file:
        sdk.beta.assistants.create(
            model="m", tool_resources={"code_interpreter": {"file_ids": ["assistant-x"]}}
        )
    with pytest.raises(openai.NotFoundError) as no_store:
        sdk.beta.threads.create(
            tool_resources={"file_search": {"vector_store_ids": ["vs_missing"]}}
        )
    with pytest.raises(openai.NotFoundError) as no_attachment:
        sdk.beta.threads.create(
            messages=[
                {
                    "role": "user",
                    "content": "x",
                    "attachments": [{"file_id": "assistant-y", "tools": [{"type": "file_search"}]}],
                }
            ]
        )
    assert no_file.value.body == refusal("No such File object: assistant-x", "id")
    no_store_message = "No vector store found with id 'vs_missing'."
    assert no_store.value.body == refusal(no_store_message, "vector_store_id")
    assert no_attachment.value.body == refusal("No such File object: assistant-y", "id")
    assert sdk.beta.assistants.list().data == [] and fake.threads.list() == []


def test_the_inline_helper_makes_a_real_store(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    file_id = upload(sdk, "a.txt", FOODS)
    assistant = sdk.beta.assistants.create(
        model="m",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [file_id]}]}},
    )
    (store_id,) = assistant.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr]
    store = sdk.vector_stores.retrieve(store_id)
    assert (store.file_counts.total, store.status) == (1, "completed")


# --- file_search runs --------------------------------------------------------------------


def searching_assistant(sdk: openai.AzureOpenAI) -> tuple[str, list[str]]:
    files = [upload(sdk, "foods.txt", FOODS), upload(sdk, "cities.txt", CITIES)]
    store = sdk.vector_stores.create(file_ids=files)
    assistant = sdk.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    return assistant.id, files


def ask(sdk: openai.AzureOpenAI, assistant_id: str, question: str, **extra: Any) -> tuple[Any, Any]:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": question}])
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, **extra
    )
    return run, sdk.beta.threads.messages.list(thread.id).data[0]


def test_a_search_run_cites_the_passage_with_the_answer(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id, (_, cities) = searching_assistant(sdk)
    run, answer = ask(sdk, assistant_id, "What is the capital of Norway?", include=INCLUDE)
    assert run.status == "completed"
    text = answer.content[0].text
    assert "Oslo" in text.value
    (annotation,) = text.annotations
    assert annotation.type == "file_citation" and annotation.file_citation.file_id == cities
    assert text.value[annotation.start_index : annotation.end_index] == annotation.text
    assert annotation.text.startswith("【") and annotation.text.endswith("†source】")

    steps = sdk.beta.threads.runs.steps.list(
        run.id, thread_id=run.thread_id, order="asc", include=INCLUDE
    ).data
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    (call,) = steps[0].step_details.tool_calls  # type: ignore[union-attr]
    assert call.type == "file_search"
    results = call.file_search.results  # type: ignore[union-attr]
    assert results[0].file_id == cities and results[0].file_name == "cities.txt"
    assert 0 < results[0].score <= 1
    assert "Oslo" in results[0].content[0].text
    plain = sdk.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id, order="asc").data
    assert plain[0].step_details.tool_calls[0].file_search.results[0].content is None  # type: ignore[union-attr]


def test_same_files_same_question_same_answer(sdk: openai.AzureOpenAI) -> None:
    def answer() -> str:
        with fake_assistants.mock(endpoint=ENDPOINT):
            assistant_id, _ = searching_assistant(sdk)
            return str(
                ask(sdk, assistant_id, "What does Filip like to eat?")[1].content[0].text.value
            )

    first = answer()
    assert first == answer()
    assert "cake" in first


def test_a_scripted_reply_can_search_and_cite(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id, (foods, _) = searching_assistant(sdk)
    fake.add_reply(Reply(file_search="favorite food", text="Cake, on Sundays."))
    _, answer = ask(sdk, assistant_id, "Tell me about Filip")
    text = answer.content[0].text
    assert text.value.startswith("Cake, on Sundays【") and text.value.endswith("】.")
    assert [a.file_citation.file_id for a in text.annotations] == [foods]


def test_a_streamed_search_run_accumulates_the_citation(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id, (_, cities) = searching_assistant(sdk)
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Capital of Norway?"}])
    with sdk.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant_id) as stream:
        stream.until_done()
    (message,) = stream.get_final_messages()
    streamed = message.content[0].text  # type: ignore[union-attr]
    stored = sdk.beta.threads.messages.list(thread.id).data[0].content[0].text  # type: ignore[union-attr]
    assert streamed.value == stored.value
    assert [a.file_citation.file_id for a in streamed.annotations] == [cities]  # type: ignore[union-attr]
    assert streamed.annotations[0].start_index == stored.annotations[0].start_index


def test_a_run_on_an_expired_store_is_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        store = sdk.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 1})
        assistant = sdk.beta.assistants.create(
            model="m",
            tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}},
        )
        thread = sdk.beta.threads.create()
        traveller.shift(86400)
        with pytest.raises(openai.BadRequestError) as caught:
            sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert caught.value.body == refusal(f"Vector store {store.id} is expired.")


# --- code interpreter outputs ------------------------------------------------------------


def test_code_interpreter_images_and_files_download(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    png = b"\x89PNG\r\n\x1a\nchart"
    fake.add_reply(
        Reply(
            code_interpreter=[
                {"input": "plot()", "logs": "done", "images": [png], "files": {"top.csv": b"a,b\n"}}
            ],
            text="Here is the chart; the table is at sandbox:/mnt/data/top.csv.",
        )
    )
    data = upload(sdk, "sales.csv", b"region,total\n")
    assistant = sdk.beta.assistants.create(
        model="m",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [data]}},
    )
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Chart the sales"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    picture, text = sdk.beta.threads.messages.list(thread.id).data[0].content
    assert picture.type == "image_file" and text.type == "text"
    image = sdk.files.retrieve(picture.image_file.file_id)
    assert (image.purpose, image.bytes) == ("assistants_output", None)
    assert sdk.files.content(image.id).read() == png
    (path,) = text.text.annotations
    assert path.type == "file_path"
    assert text.text.value[path.start_index : path.end_index] == "sandbox:/mnt/data/top.csv"
    written = sdk.files.retrieve(path.file_path.file_id)
    assert written.filename == "/mnt/data/top.csv"
    assert sdk.files.content(written.id).read() == b"a,b\n"
    step = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data[0]
    outputs = [o.type for o in step.step_details.tool_calls[0].code_interpreter.outputs]  # type: ignore[union-attr]
    assert outputs == ["logs", "image"]


def test_reply_functions_see_the_sandbox(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    seen: list[dict[str, str]] = []
    fake.add_reply(lambda ctx: (seen.append(ctx.sandbox), "ok")[1])
    data = upload(sdk, "sales.csv", b"x")
    assistant = sdk.beta.assistants.create(
        model="m",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [data]}},
    )
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert seen == [{f"/mnt/data/{data}": "sales.csv"}]


async def test_async_vector_store_flow(fake: FakeAssistants) -> None:
    sdk = async_client(api_version=API_VERSION)
    store = await sdk.vector_stores.create(name="async")
    batch = await sdk.vector_stores.file_batches.upload_and_poll(
        vector_store_id=store.id, files=[("foods.txt", FOODS)]
    )
    assert batch.file_counts.completed == 1
    assistant = await sdk.beta.assistants.create(
        model="m",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    run = await sdk.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "What is Filip's favorite food?"}]},
    )
    messages = [m async for m in sdk.beta.threads.messages.list(run.thread_id)]
    assert "cake" in messages[0].content[0].text.value  # type: ignore[union-attr]
