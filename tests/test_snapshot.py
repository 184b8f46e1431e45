"""Snapshots: a fake saved and loaded goes on exactly as the original would have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from helpers import client

from fake_assistants import FakeAssistants, Reply, SnapshotError

NOW = 1_700_000_000
ENDPOINT = "https://snap.openai.azure.com"
CITIES = b"Oslo is the capital of Norway. Lima is the capital of Peru."


def fake() -> FakeAssistants:
    return FakeAssistants(endpoint=ENDPOINT, seed="s", clock=lambda: NOW)


def sdk(of: FakeAssistants) -> openai.AzureOpenAI:
    return client(ENDPOINT, http_client=of.http_client())


def first_part(made: FakeAssistants) -> dict[str, str]:
    """N objects of every kind: files, a store, assistants (one deleted), threads, a
    completed search run, a held run, a queued reply, a `$`-named metadata key."""
    api = sdk(made)
    upload = api.files.create(file=("cities.txt", CITIES), purpose="assistants")
    store = api.vector_stores.create(file_ids=[upload.id])
    api.vector_stores.retrieve(store.id)  # ingested now, indexed on first search
    gone = api.beta.assistants.create(model="gpt-4o", metadata={"$bytes": "not bytes"})
    assistant = api.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
        metadata={"$bytes": "not bytes"},
    )
    api.beta.assistants.delete(gone.id)
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Capital of Peru?"}])
    api.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    held_thread = api.beta.threads.create(messages=[{"role": "user", "content": "Wait."}])
    made.add_reply(Reply(text="held answer", hold=True))
    held = api.beta.threads.runs.create(thread_id=held_thread.id, assistant_id=assistant.id)
    api.beta.threads.runs.retrieve(held.id, thread_id=held_thread.id)  # now it holds
    made.add_reply("scripted next")
    return {
        "assistant": assistant.id,
        "gone": gone.id,
        "thread": thread.id,
        "held_thread": held_thread.id,
        "held": held.id,
        "file": upload.id,
    }


def second_part(made: FakeAssistants, ids: dict[str, str]) -> list[Any]:
    """M more operations; their JSON answers, which must not depend on a snapshot."""
    api = sdk(made)
    answers: list[Any] = []
    made.release(ids["held"])
    held = api.beta.threads.runs.retrieve(ids["held"], thread_id=ids["held_thread"])
    answers.append(held.model_dump())
    answers.append(api.beta.threads.messages.list(ids["held_thread"]).model_dump())
    page = api.beta.assistants.list(order="asc", after=ids["gone"])  # a deleted id as cursor
    answers.append(page.model_dump())
    for question in ("Capital of Norway?", "And of Peru?"):
        api.beta.threads.messages.create(ids["thread"], role="user", content=question)
        run = api.beta.threads.runs.create_and_poll(
            thread_id=ids["thread"], assistant_id=ids["assistant"]
        )
        answers.append(run.model_dump())
    answers.append(api.beta.threads.messages.list(ids["thread"]).model_dump())
    answers.append(api.beta.assistants.create(model="gpt-4o").model_dump())
    answers.append(api.files.create(file=("b.txt", b"more"), purpose="assistants").model_dump())
    answers.append(made.files.content(ids["file"]).decode())
    return answers


def test_a_loaded_fake_goes_on_as_the_original(tmp_path: Path) -> None:
    original = fake()
    ids = first_part(original)
    path = tmp_path / "state.json"
    original.save(path)
    expected = second_part(original, ids)
    loaded = FakeAssistants.load(path, clock=lambda: NOW)
    got = second_part(loaded, ids)
    assert got == expected
    assert "Oslo" in json.dumps(expected)  # the search index was rebuilt and searched
    assert expected[1]["data"][0]["content"][0]["text"]["value"] == "held answer"
    assert expected[3]["last_error"] is None and loaded.replies_left == 0


def test_a_snapshot_is_plain_json_and_survives_a_round_trip() -> None:
    original = fake()
    first_part(original)
    saved = original.snapshot()
    assert saved["format"] == "fake-assistants-snapshot" and saved["version"] == 1
    assert json.loads(json.dumps(saved)) == saved
    again = FakeAssistants.load(saved, clock=lambda: NOW).snapshot()
    assert again == saved
    assert "clock" not in saved["options"] and saved["options"]["seed"] == "s"


def test_private_keys_and_file_bytes_are_kept() -> None:
    original = fake()
    ids = first_part(original)
    loaded = FakeAssistants.load(original.snapshot(), clock=lambda: NOW)
    resource = loaded.service.resources["snap.openai.azure.com"]
    run = resource.store("threads", ids["held_thread"], "runs").get(ids["held"])
    assert run is not None and run["_held"] is True
    assert run["_pending"] == Reply(text="held answer", hold=True)
    assert resource.store("files").get(ids["file"])["_content"] == CITIES  # type: ignore[index]
    assert loaded.assistants.retrieve(ids["assistant"])["metadata"] == {"$bytes": "not bytes"}


def test_restore_replaces_the_state_of_a_fake() -> None:
    original, other = fake(), fake()
    ids = first_part(original)
    other.assistants.create(model="gpt-4o", name="only in other")
    other.restore(original.snapshot())
    assert [a["id"] for a in other.assistants.list()] == [ids["assistant"]]


def test_reply_functions_cannot_be_saved() -> None:
    made = fake()
    made.add_reply(lambda ctx: "hi")
    with pytest.raises(SnapshotError, match="1 scripted reply function"):
        made.snapshot()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "newer than this fake-assistants reads"),
        ({"version": "1"}, "not a version number"),
        ({"format": "other"}, "not a fake-assistants snapshot"),
    ],
)
def test_a_snapshot_it_cannot_read_is_refused(change: dict[str, Any], message: str) -> None:
    saved = {**fake().snapshot(), **change}
    with pytest.raises(SnapshotError, match=message):
        FakeAssistants.load(saved)
    with pytest.raises(SnapshotError, match=message):
        fake().restore(saved)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(SnapshotError, match="not a JSON snapshot"):
        FakeAssistants.load(path)
