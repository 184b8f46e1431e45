"""Hostile-review findings (issue 14, item 6) through the openai SDK: what used to hang,
crash or lose data now answers, in bounded time."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest
from helpers import client

from fake_assistants import FakeAssistants, Reply, ReplyContext, SnapshotError

# A pattern whose failing match backtracks for ever under `re`, with a minLength the
# pattern's shortest string does not reach: the old generator's padded value failed it.
EVIL = {
    "type": "object",
    "properties": {"s": {"type": "string", "pattern": "^((a+)+)+$", "minLength": 130}},
    "required": ["s"],
}


def run_child(code: str, timeout: float = 60) -> str:
    """Runs `code` in a fresh interpreter (a hung regex holds the GIL: no thread could
    time it out), failing the test when it does not finish in `timeout` seconds."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")
    assert done.returncode == 0, done.stderr
    return done.stdout


SDK_PRELUDE = """
import json, sys
import openai
import fake_assistants
schema = json.loads(sys.argv[1] if len(sys.argv) > 1 else {schema!r})
fake = fake_assistants.mock(endpoint="https://res.openai.azure.com").__enter__()
sdk = openai.AzureOpenAI(azure_endpoint="https://res.openai.azure.com", api_key="k",
                         api_version="2025-04-01-preview", max_retries=0)
thread = sdk.beta.threads.create(messages=[{{"role": "user", "content": "Hi"}}])
"""


def test_a_nested_quantifier_pattern_is_answered_quickly() -> None:
    """In a forced function's parameters and in a json_schema response format."""
    code = SDK_PRELUDE.format(schema=json.dumps(EVIL)) + textwrap.dedent("""
        tool = {"type": "function", "function": {"name": "f", "parameters": schema}}
        asst = sdk.beta.assistants.create(model="m", tools=[tool])
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=asst.id,
            tool_choice={"type": "function", "function": {"name": "f"}})
        print(run.required_action.submit_tool_outputs.tool_calls[0].function.arguments)
        thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=asst.id,
            response_format={"type": "json_schema",
                             "json_schema": {"name": "r", "schema": schema}})
        print(run.status)
        messages = sdk.beta.threads.messages.list(thread_id=thread.id, order="desc")
        print(messages.data[0].content[0].text.value)
    """)
    arguments, status, text = run_child(code, timeout=30).splitlines()
    assert set(json.loads(arguments)["s"]) == {"a"} and len(json.loads(arguments)["s"]) >= 130
    assert status == "completed"
    assert set(json.loads(text)["s"]) == {"a"} and len(json.loads(text)["s"]) >= 130


# --- snapshots ------------------------------------------------------------------------------

ENDPOINT = "https://res.openai.azure.com"


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version="2025-04-01-preview")


def damaged(snapshot: dict[str, Any], how: str) -> dict[str, Any]:
    broken = copy.deepcopy(snapshot)
    resource = broken["state"]["resources"][0]
    if how == "no ids":
        del resource["ids"]
    elif how == "stores not a list":
        resource["stores"] = 5
    elif how == "bad random state":
        resource["ids"]["objects"] = [3, "x", None]
    elif how == "item not an object":
        resource["stores"][0]["items"][0][1] = 5
    elif how == "reply not a reply":
        broken["state"]["replies"] = [{"reply": 5, "assistant_id": None, "thread_id": None}]
    elif how == "no state":
        del broken["state"]
    elif how == "options not an object":
        broken["options"] = [1]
    return broken


HOW = [
    "no ids",
    "stores not a list",
    "bad random state",
    "item not an object",
    "reply not a reply",
    "no state",
    "options not an object",
]


@pytest.mark.parametrize("how", HOW)
def test_a_damaged_snapshot_is_refused_and_the_fake_keeps_its_state(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, how: str
) -> None:
    kept = sdk.beta.assistants.create(model="gpt-4o", name="kept")
    fake.add_reply("scripted")
    broken = damaged(fake.snapshot(), how)
    if how != "options not an object":  # restore() keeps the options: load() reads them
        with pytest.raises(SnapshotError):
            fake.restore(broken)
    with pytest.raises(SnapshotError):
        FakeAssistants.load(broken)

    assert sdk.beta.assistants.retrieve(kept.id).name == "kept"
    assert fake.replies_left == 1


SAVE_CHILD = """
import os, resource, signal, sys
import fake_assistants
path = sys.argv[1]
fake = fake_assistants.FakeAssistants(endpoint="https://res.openai.azure.com")
fake.assistants.create(model="gpt-4o", name="first")
fake.save(path)
before = open(path, "rb").read()
fake.files.upload(b"x" * 200_000, "big.txt")  # the next snapshot is over 200 KB
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, a write fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    fake.save(path)
except OSError as error:
    print("failed:", error.errno)
print(open(path, "rb").read() == before, sorted(os.listdir(os.path.dirname(path))))
"""


def test_a_failed_save_leaves_the_file_that_was_there(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    done = subprocess.run(
        [sys.executable, "-c", SAVE_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    failed, kept = done.stdout.splitlines()
    assert failed.startswith("failed:")
    assert kept == "True ['state.json']"  # the old file whole, no temporary file left
    assert FakeAssistants.load(path).assistants.list()[0]["name"] == "first"


# --- lone surrogates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: "\ud800",
        lambda: Reply(text="ok \udfff"),
        lambda: Reply(tool_calls=[{"name": "f\ud800", "arguments": "{}"}]),
        lambda: Reply(error={"code": "server_error", "message": "\ud800"}),
        lambda: Reply(code_interpreter=[{"input": "print()", "logs": "\ud800"}]),
    ],
    ids=["str", "text", "tool call", "error", "code logs"],
)
def test_a_reply_with_a_lone_surrogate_is_refused_when_added(
    fake: FakeAssistants, make: Callable[[], Any]
) -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        fake.add_reply(make())
    assert fake.replies_left == 0


def test_reply_fields_with_a_lone_surrogate_are_refused() -> None:
    with pytest.raises(ValueError, match="text: a lone surrogate"):
        Reply(text="\ud800")
    with pytest.raises(ValueError, match=r"citations\[0\]: a lone surrogate"):
        Reply(text="ok", citations=["file-\ud800"])


def test_a_reply_function_answering_a_lone_surrogate_fails_the_run_not_the_thread(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(lambda ctx: "bad \ud800")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

    assert run.status == "failed" and run.last_error is not None
    assert "lone surrogate" in run.last_error.message
    assert [m.role for m in sdk.beta.threads.messages.list(thread_id=thread.id)] == ["user"]


# --- fault rules under concurrent requests ----------------------------------------------------


def test_a_delay_rule_with_times_acts_on_that_many_concurrent_requests(
    fake: FakeAssistants,
) -> None:
    rule = fake.delay(300, times=1)
    start = threading.Barrier(8)

    def list_assistants() -> int:
        sdk = client(api_version="2025-04-01-preview")
        start.wait()
        return len(sdk.beta.assistants.list().data)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: list_assistants(), range(8))) == [0] * 8

    assert [call.fault for call in fake.calls].count(rule) == 1
    assert (rule.hits, rule.remaining, rule.active) == (1, 0, False)


def test_a_run_error_rule_keeps_its_claim_when_the_run_is_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    rule = fake.fail_run(times=1)
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    with pytest.raises(openai.NotFoundError):
        sdk.beta.threads.runs.create(thread_id="thread_missing", assistant_id=assistant.id)
    assert (rule.remaining, rule.active) == (1, True)
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "failed"
    assert (rule.hits, rule.remaining, rule.active) == (1, 0, False)


# --- runs: held polls, reply functions that read ---------------------------------------------


def test_a_held_run_asks_pollers_to_wait_as_other_active_runs_do(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(Reply(text="later", hold=True))
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    polled = sdk.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread.id)

    assert polled.parse().status == "in_progress"
    assert polled.headers.get("openai-poll-after-ms") is not None
    fake.release()
    done = sdk.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread.id)
    assert done.parse().status == "completed"
    assert done.headers.get("openai-poll-after-ms") is None


def test_a_reply_function_that_reads_runs_answers_once(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    seen: list[list[str]] = []

    def answer(ctx: ReplyContext) -> str:
        runs = fake.threads[ctx.run["thread_id"]].runs.list()
        seen.append([run["status"] for run in runs])
        return "the only answer"

    fake.add_reply(answer)
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

    assert run.status == "completed"
    assert len(seen) == 1 and seen[0][0] in ("queued", "in_progress")  # read, not moved
    texts = [m.content[0].text.value for m in sdk.beta.threads.messages.list(thread_id=thread.id)]  # type: ignore[union-attr]
    assert texts == ["the only answer", "Hi"]
    steps = sdk.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id)
    assert len(steps.data) == 1
