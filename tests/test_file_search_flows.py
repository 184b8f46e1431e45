"""File search as real programs use it, through the SDK: files attached to messages go
into the thread's own vector store (Microsoft's file-search how-to), deleted stores leave
the assistants and threads that named them, composed answers are whole sentences of
hard-wrapped files, and a search finds the nearest passages even when no word of the
question is in them (the service's vector search, score threshold 0)."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from helpers import ENDPOINT, client, pdf_of, pdf_string

import fake_assistants
from fake_assistants import FakeAssistants
from fake_assistants._apis.runs.citations import NOTHING_FOUND, Sentence, composed_answer, sentences
from fake_assistants._apis.vector_stores import Result

API_VERSION = "2025-04-01-preview"
INCLUDE = ["step_details.tool_calls[*].file_search.results[*].content"]
HANDBOOK = (
    b"Employee handbook\n\n"
    b"New employees get a laptop and a badge on their first day. Parking in the\n"
    b"garage is free for everyone who works at the office three days a week.\n"
)
ALERTS = (
    b"Monitoring\n\n"
    b"The on-call engineer is paged when the checkout service has a response time\n"
    b"above 2000 ms for five minutes in a row. Pages go out by phone and by email,\n"
    b"and the engineer acknowledges them within fifteen minutes.\n"
)
WEEK = 7 * 86_400


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def upload(sdk: openai.AzureOpenAI, name: str, data: bytes) -> str:
    return sdk.files.create(file=(name, data), purpose="assistants").id


def searching_assistant(sdk: openai.AzureOpenAI, **extra: Any) -> str:
    return sdk.beta.assistants.create(
        model="gpt-4o",
        instructions="You answer questions about the attached files.",
        tools=[{"type": "file_search"}],
        **extra,
    ).id


def attached(file_id: str, *tools: str) -> list[dict[str, Any]]:
    return [{"file_id": file_id, "tools": [{"type": tool} for tool in tools or ("file_search",)]}]


def thread_store_ids(sdk: openai.AzureOpenAI, thread_id: str) -> list[str]:
    resources = sdk.beta.threads.retrieve(thread_id).tool_resources
    assert resources is not None and resources.file_search is not None
    return list(resources.file_search.vector_store_ids or [])


def files_in(sdk: openai.AzureOpenAI, store_id: str) -> list[str]:
    return sorted(f.id for f in sdk.vector_stores.files.list(store_id))


def answer_of(sdk: openai.AzureOpenAI, thread_id: str) -> Any:
    return sdk.beta.threads.messages.list(thread_id).data[0].content[0].text


# --- attachments make the thread's vector store -------------------------------------------


def test_microsofts_file_search_how_to(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    """Upload a file, create a thread whose message attaches it for file_search, run,
    read the answer with its citation."""
    assistant_id = searching_assistant(sdk)
    handbook = upload(sdk, "handbook.txt", HANDBOOK)
    thread = sdk.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "What do new employees get on their first day?",
                "attachments": attached(handbook),
            }
        ]
    )
    (store_id,) = thread.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr]
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
    assert run.status == "completed"

    text = answer_of(sdk, thread.id)
    assert text.value.startswith("New employees get a laptop and a badge on their first day")
    (annotation,) = text.annotations
    assert annotation.type == "file_citation" and annotation.file_citation.file_id == handbook
    assert text.value[annotation.start_index : annotation.end_index] == annotation.text

    assert thread_store_ids(sdk, thread.id) == [store_id]
    assert files_in(sdk, store_id) == [handbook]
    store = sdk.vector_stores.retrieve(store_id)
    assert store.name == f"Vector store for {thread.id}"
    assert store.expires_after is not None
    assert (store.expires_after.anchor, store.expires_after.days) == ("last_active_at", 7)
    assert store.expires_at == store.last_active_at + WEEK
    assert store_id in [listed.id for listed in sdk.vector_stores.list()]


def test_later_attachments_join_the_same_store(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id = searching_assistant(sdk)
    handbook, alerts = upload(sdk, "handbook.txt", HANDBOOK), upload(sdk, "alerts.txt", ALERTS)
    thread = sdk.beta.threads.create()
    assert thread.tool_resources is None or thread.tool_resources.file_search is None
    sdk.beta.threads.messages.create(
        thread.id, role="user", content="Read this.", attachments=attached(handbook)
    )
    (store_id,) = thread_store_ids(sdk, thread.id)
    sdk.beta.threads.messages.create(
        thread.id,
        role="user",
        content="When is the on-call engineer paged?",
        attachments=attached(alerts, "file_search", "code_interpreter"),
    )
    assert thread_store_ids(sdk, thread.id) == [store_id]
    assert files_in(sdk, store_id) == sorted([handbook, alerts])
    assert len(sdk.vector_stores.list().data) == 1

    sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
    text = answer_of(sdk, thread.id)
    assert "above 2000 ms for five minutes in a row" in text.value
    assert text.annotations[0].file_citation.file_id == alerts


def test_create_and_run_attachments_give_the_new_thread_a_store(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    assistant_id = searching_assistant(sdk)
    alerts = upload(sdk, "alerts.txt", ALERTS)
    message = {"role": "user", "content": "Who gets paged?", "attachments": attached(alerts)}
    run = sdk.beta.threads.create_and_run_poll(
        assistant_id=assistant_id, thread={"messages": [message]}
    )
    (store_id,) = thread_store_ids(sdk, run.thread_id)
    assert files_in(sdk, store_id) == [alerts]
    assert answer_of(sdk, run.thread_id).annotations[0].file_citation.file_id == alerts


def test_a_run_waits_for_the_threads_store_to_ingest() -> None:
    """The service holds a run while its thread's store ingests; an assistant's store is
    searched as it is."""
    with fake_assistants.mock(endpoint=ENDPOINT, ingestion_polls=5):
        sdk = client(api_version=API_VERSION)
        handbook, alerts = upload(sdk, "handbook.txt", HANDBOOK), upload(sdk, "alerts.txt", ALERTS)
        shared = sdk.vector_stores.create(file_ids=[handbook])
        resources = {"file_search": {"vector_store_ids": [shared.id]}}
        assistant_id = searching_assistant(sdk, tool_resources=resources)
        message = {"role": "user", "content": "Who gets paged?", "attachments": attached(alerts)}
        thread = sdk.beta.threads.create(messages=[message])
        (store_id,) = thread_store_ids(sdk, thread.id)
        sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
        assert answer_of(sdk, thread.id).annotations[0].file_citation.file_id == alerts
        assert sdk.vector_stores.files.retrieve(alerts, vector_store_id=store_id).status == (
            "completed"
        )
        assert sdk.vector_stores.files.retrieve(handbook, vector_store_id=shared.id).status == (
            "in_progress"
        )


def test_attachments_join_a_store_the_thread_already_has(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    own = sdk.vector_stores.create(name="mine")
    thread = sdk.beta.threads.create(tool_resources={"file_search": {"vector_store_ids": [own.id]}})
    alerts = upload(sdk, "alerts.txt", ALERTS)
    sdk.beta.threads.messages.create(
        thread.id, role="user", content="Who gets paged?", attachments=attached(alerts)
    )
    assert thread_store_ids(sdk, thread.id) == [own.id]
    assert files_in(sdk, own.id) == [alerts]


def test_code_interpreter_attachments_make_no_store(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    data = upload(sdk, "data.csv", b"a,b\n1,2\n")
    thread = sdk.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "Plot it.",
                "attachments": attached(data, "code_interpreter"),
            }
        ]
    )
    assert thread.tool_resources is None or thread.tool_resources.file_search is None
    assert sdk.vector_stores.list().data == []


# --- deleted stores leave tool_resources -------------------------------------------------


def test_a_deleted_store_leaves_assistants_and_threads(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    store = sdk.vector_stores.create(name="docs")
    kept = sdk.vector_stores.create(name="kept")
    resources = {"file_search": {"vector_store_ids": [store.id]}}
    assistant_id = searching_assistant(sdk, tool_resources=resources)
    other_id = searching_assistant(
        sdk, tool_resources={"file_search": {"vector_store_ids": [kept.id]}}
    )
    thread = sdk.beta.threads.create(tool_resources=resources)

    assert sdk.vector_stores.delete(store.id).deleted
    raw = sdk.beta.assistants.with_raw_response.retrieve(assistant_id)
    shown = json.loads(raw.http_response.content)
    assert shown["tool_resources"]["file_search"] == {"vector_store_ids": []}
    assert thread_store_ids(sdk, thread.id) == []
    other = sdk.beta.assistants.retrieve(other_id).tool_resources
    assert other is not None and other.file_search is not None
    assert other.file_search.vector_store_ids == [kept.id]


# --- composed answers are whole sentences -------------------------------------------------


def make_pdf(lines: list[str]) -> bytes:
    """A minimal valid PDF: one page, one line of Helvetica text per string."""
    shown = " ".join(f"{pdf_string(line)} Tj T*" for line in lines)
    return pdf_of([f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET"])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("alerts.txt", ALERTS),
        ("alerts.pdf", make_pdf(ALERTS.decode().splitlines())),
    ],
)
def test_a_composed_answer_is_a_whole_sentence_of_a_wrapped_file(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, name: str, data: bytes
) -> None:
    file_id = upload(sdk, name, data)
    store = sdk.vector_stores.create(file_ids=[file_id])
    resources = {"file_search": {"vector_store_ids": [store.id]}}
    assistant_id = searching_assistant(sdk, tool_resources=resources)
    question = "When is the on-call engineer paged about the response time?"
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": question}])
    sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
    text = answer_of(sdk, thread.id)
    (annotation,) = text.annotations
    without_marker = text.value.replace(annotation.text, "")
    assert without_marker == (
        "The on-call engineer is paged when the checkout service has a response time "
        "above 2000 ms for five minutes in a row."
    )
    assert text.value.endswith("】.")


# --- the nearest passages, whatever the question -----------------------------------------


def test_a_question_sharing_no_word_still_finds_the_nearest_passage(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    handbook = upload(sdk, "handbook.txt", HANDBOOK)
    store = sdk.vector_stores.create(file_ids=[handbook])
    resources = {"file_search": {"vector_store_ids": [store.id]}}
    assistant_id = searching_assistant(sdk, tool_resources=resources)
    question = "Is there a canteen?"  # no word of it is in the handbook
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": question}])
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, include=INCLUDE
    )
    text = answer_of(sdk, thread.id)
    assert "could not find" not in text.value
    assert text.annotations[0].file_citation.file_id == handbook
    steps = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
    (call,) = steps[0].step_details.tool_calls  # type: ignore[union-attr]
    (result,) = call.file_search.results  # type: ignore[union-attr]
    assert result.file_id == handbook and 0 <= result.score < 0.5


def test_only_a_threshold_or_empty_stores_find_nothing(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    handbook = upload(sdk, "handbook.txt", HANDBOOK)
    store = sdk.vector_stores.create(file_ids=[handbook])
    empty = sdk.vector_stores.create(name="empty")
    strict = [{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.5}}}]
    for store_id, tools in ((store.id, strict), (empty.id, [{"type": "file_search"}])):
        assistant_id = sdk.beta.assistants.create(
            model="gpt-4o",
            tools=tools,  # type: ignore[arg-type]
            tool_resources={"file_search": {"vector_store_ids": [store_id]}},
        ).id
        thread = sdk.beta.threads.create(
            messages=[{"role": "user", "content": "Is there a canteen?"}]
        )
        sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
        text = answer_of(sdk, thread.id)
        assert text.value == "I could not find anything about that in the files I can search."
        assert text.annotations == []


def test_a_thread_helper_store_expires_after_a_week_unused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    handbook = upload(sdk, "handbook.txt", HANDBOOK)
    helper = {"file_ids": [handbook], "metadata": {"team": "hr"}}
    thread = sdk.beta.threads.create(tool_resources={"file_search": {"vector_stores": [helper]}})
    (store_id,) = thread_store_ids(sdk, thread.id)
    store = sdk.vector_stores.retrieve(store_id)
    assert store.expires_after is not None and store.expires_after.days == 7
    assert store.metadata == {"team": "hr"}
    # an assistant's helper store does not expire
    assistant = sdk.beta.assistants.create(
        model="gpt-4o", tool_resources={"file_search": {"vector_stores": [helper]}}
    )
    assert assistant.tool_resources is not None and assistant.tool_resources.file_search
    (kept,) = assistant.tool_resources.file_search.vector_store_ids or []
    assert sdk.vector_stores.retrieve(kept).expires_after is None


# --- how passages are cut into sentences -------------------------------------------------


def test_sentences_join_wrapped_lines_and_keep_blocks_apart() -> None:
    passage = (
        "ued from the last page. Alerts\n\n"
        "Pages go out when latency, e.g. the p99, stays\n"
        "above 2000 ms for five minutes. Who acknowledges them?\n"
        "- the on-call engineer\n"
        "- the team lead, after\n"
        "  fifteen minutes\n"
        "# Escalation\n"
        "A page that nobody ack"
    )
    assert sentences(passage) == [
        Sentence("ued from the last page.", whole=False),
        Sentence("Alerts", whole=True),
        Sentence(
            "Pages go out when latency, e.g. the p99, stays above 2000 ms for five minutes.",
            whole=True,
        ),
        Sentence("Who acknowledges them?", whole=True),
        Sentence("the on-call engineer", whole=True),
        Sentence("the team lead, after fifteen minutes", whole=True),
        Sentence("Escalation", whole=True),
        Sentence("A page that nobody ack", whole=False),
    ]


def test_a_cut_sentence_is_the_answer_only_when_there_is_no_whole_one() -> None:
    def answer(text: str, question: str) -> str:
        return composed_answer(question, [Result("file-1", "a.txt", text, 0.5)])[0]

    passage = "the page that nobody acknowledged. Pages escalate after an hour. A page"
    assert answer(passage, "Which page did nobody acknowledge?") == "Pages escalate after an hour."
    assert answer("only a fragment of a page", "page?") == "only a fragment of a page"
    assert answer("!!! ...", "page?") == NOTHING_FOUND
