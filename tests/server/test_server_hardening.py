"""The `serve` command and the server under hostile use (issue 14, items 5 and 6): the
URL is printed once clients can connect, a stop does not wait on clients, a bad state
file is one line, the log stays quiet, and ids match the in-process fake's."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import openai

import fake_assistants

API_VERSION = "2025-04-01-preview"
QUERY = f"?api-version={API_VERSION}"


@contextmanager
def command(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`fake-assistants serve --port 0 ARGS`, its URL (the first line), stopped after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        yield process, first.strip().rsplit(" ", 1)[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=20)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_the_url_is_printed_once_the_server_listens() -> None:
    for _ in range(3):  # the old gap between the line and listen() was tens of ms
        with command() as (process, url), socket.create_connection(("127.0.0.1", port_of(url))):
            pass  # connected (it was refused)
        assert process.returncode is not None


def connected(port: int) -> socket.socket:
    """A connection, retried while the port is not listening yet (for this test alone)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_sigterm_stops_the_server_while_a_client_holds_a_partial_body() -> None:
    with command() as (process, url):
        with connected(port_of(url)) as client:
            head = (
                f"POST /openai/assistants{QUERY} HTTP/1.1\r\nHost: x\r\napi-key: k\r\n"
                "content-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            )
            client.sendall(head.encode() + b'{"model"')
            time.sleep(0.3)  # the request is being read
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=20)  # it never stopped
        assert time.monotonic() - started < 10
        assert status == -signal.SIGTERM
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()


def test_a_bad_state_file_is_one_line_and_a_failure(tmp_path: Path) -> None:
    good = fake_assistants.FakeAssistants(endpoint="https://local.openai.azure.com")
    good.assistants.create(model="gpt-4o")
    snapshot: dict[str, Any] = good.snapshot()
    del snapshot["state"]["resources"][0]["ids"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", "--state", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("fake-assistants: a damaged snapshot"), line


QUIET_CHILD = """
import time, httpx, fake_assistants
q = "?api-version=2025-04-01-preview"
h = {"api-key": "k"}
with fake_assistants.serve() as server:
    url = server.url
    a = httpx.post(url + "/openai/assistants" + q, json={"model": "m"}, headers=h).json()
    t = httpx.post(url + "/openai/threads" + q, json={}, headers=h).json()
    for _ in range(3):
        httpx.post(url + f"/openai/threads/{t['id']}/messages" + q,
                   json={"role": "user", "content": "hi"}, headers=h)
        server.fake.add_reply("word " * 5000)
        with httpx.stream("POST", url + f"/openai/threads/{t['id']}/runs" + q,
                          json={"assistant_id": a["id"], "stream": True}, headers=h,
                          timeout=30) as streamed:
            for chunk in streamed.iter_raw():
                break  # the client leaves mid-stream
        time.sleep(0.2)
    server.fake.drop(times=3)
    for _ in range(3):
        try:
            httpx.get(url + "/openai/assistants" + q, headers=h)
        except httpx.HTTPError:
            pass
    time.sleep(0.2)
print("done")
"""


def test_the_log_stays_quiet_when_clients_leave_and_connections_drop() -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(QUIET_CHILD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "done\n"
    assert done.stderr == ""


def flow(sdk: openai.AzureOpenAI) -> list[str]:
    """Ids and the answer of a small conversation, in the order they were made."""
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi there"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    messages = sdk.beta.threads.messages.list(thread_id=thread.id, order="asc").data
    answer = messages[-1].content[0]
    text = answer.text.value if answer.type == "text" else ""
    return [assistant.id, thread.id, run.id, *(m.id for m in messages), text]


def test_the_same_seed_gives_the_same_ids_in_process_and_over_http() -> None:
    with command("--seed", "7") as (process, url):
        sdk = openai.AzureOpenAI(
            azure_endpoint=url,
            api_key="k",
            api_version=API_VERSION,
            max_retries=0,
            http_client=httpx.Client(timeout=10),
        )
        over_http = flow(sdk)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    with fake_assistants.mock(seed=7, endpoint=url):
        in_process = flow(
            openai.AzureOpenAI(
                azure_endpoint=url, api_key="k", api_version=API_VERSION, max_retries=0
            )
        )
    assert in_process == over_http
