"""curl against the server, the `serve` command (start, SIGINT, SIGTERM, a clean stop),
and `serve()` leaving no thread and no port behind."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import openai
import pytest

import fake_assistants
from fake_assistants._server import Server

QUERY = "?api-version=2025-04-01-preview"
needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def curl(*args: str) -> str:
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "10", "-H", "api-key: any", *args],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def post(url: str, body: dict[str, object], *extra: str) -> str:
    return curl(*extra, "-H", "content-type: application/json", "-d", json.dumps(body), url)


@needs_curl
def test_curl_creates_an_assistant(fake_assistants_server: Server) -> None:
    created = json.loads(
        post(f"{fake_assistants_server.url}/openai/assistants{QUERY}", {"model": "gpt-4o"})
    )

    assert created["object"] == "assistant"
    assert [a["id"] for a in fake_assistants_server.fake.assistants] == [created["id"]]


@needs_curl
def test_curl_streams_a_run(fake_assistants_server: Server) -> None:
    url = fake_assistants_server.url
    fake_assistants_server.fake.add_reply("Streamed to curl.")
    assistant = json.loads(post(f"{url}/openai/assistants{QUERY}", {"model": "gpt-4o"}))
    body = {
        "assistant_id": assistant["id"],
        "stream": True,
        "thread": {"messages": [{"role": "user", "content": "Hi"}]},
    }

    out = post(f"{url}/openai/threads/runs{QUERY}", body, "-N")

    events = re.findall(r"^event: (\S+)$", out, flags=re.MULTILINE)
    assert events[0] == "thread.created"
    assert "thread.message.delta" in events
    assert events[-2:] == ["thread.run.completed", "done"]
    assert out.endswith("data: [DONE]\n\n")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_serve_stops_cleanly() -> None:
    before = set(threading.enumerate())
    with fake_assistants.serve() as server:
        port = int(server.url.rsplit(":", 1)[1])
        assert not port_is_free(port)
        assert len(set(threading.enumerate()) - before) == 1

    assert set(threading.enumerate()) <= before
    assert port_is_free(port)


def start_command(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # printed once the port is bound
    return process, first


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 0), (signal.SIGTERM, -signal.SIGTERM)])
def test_the_serve_command_serves_until_a_signal(sig: signal.Signals, status: int) -> None:
    process, first = start_command("--resource", "cli", "--api-key", "k")
    try:
        found = re.search(r"at (http://127\.0\.0\.1:(\d+))$", first.strip())
        assert found, first
        assert process.stdout is not None
        hint = process.stdout.readline()
        assert f'AzureOpenAI(azure_endpoint="{found[1]}", api_key="k"' in hint
        assert 'api_version="2025-04-01-preview")' in hint
        response = httpx.get(
            f"{found[1]}/openai/assistants{QUERY}", headers={"api-key": "k"}, timeout=10
        )
        assert (response.status_code, response.json()["data"]) == (200, [])
    finally:
        process.send_signal(sig)
        assert process.wait(timeout=15) == status
    assert port_is_free(int(found[2]))


def test_the_serve_command_says_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "fake_assistants", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )

    assert done.returncode == 1
    assert "fake-assistants:" in done.stderr and "Traceback" not in done.stderr


def test_without_uvicorn_the_command_says_what_to_install() -> None:
    hide = "import sys; sys.modules['uvicorn'] = None; from fake_assistants._cli import main; "
    done = subprocess.run(
        [sys.executable, "-c", hide + "sys.exit(main(['serve', '--port', '0']))"],
        capture_output=True,
        text=True,
        timeout=20,
    )

    assert done.returncode == 1
    assert "pip install 'fake-assistants[server]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_serve_command_passes_its_options_on() -> None:
    """--seed gives the ids `FakeAssistants(seed=...)` gives; --run-polls keeps a run queued."""
    expected = fake_assistants.FakeAssistants(seed=5, endpoint="https://local.openai.azure.com")
    expected_id = expected.assistants.create(model="gpt-4o")["id"]
    process, first = start_command("--seed", "5", "--run-polls", "2")
    try:
        url = first.strip().rsplit(" ", 1)[1]
        with httpx.Client(base_url=url, headers={"api-key": "any"}, timeout=10) as http:
            created = http.post(f"/openai/assistants{QUERY}", json={"model": "gpt-4o"}).json()
            body = {"assistant_id": created["id"], "instructions": "Be brief.", "thread": {}}
            run = http.post(f"/openai/threads/runs{QUERY}", json=body).json()
            seen = http.get(f"/openai/threads/{run['thread_id']}/runs/{run['id']}{QUERY}").json()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    assert created["id"] == expected_id
    assert seen["status"] in ("queued", "in_progress")


def test_a_server_starts_from_a_snapshot(tmp_path: Path) -> None:
    """`serve(state=...)` (and `fake-assistants serve --state FILE`): the saved objects are
    served, and new ids carry on as they would have in the fake that was saved."""
    original = fake_assistants.FakeAssistants(endpoint="https://local.openai.azure.com")
    kept = original.assistants.create(model="gpt-4o", name="kept")
    path = tmp_path / "state.json"
    original.save(path)
    expected_next = original.assistants.create(model="gpt-4o")["id"]
    with fake_assistants.serve(state=path) as server:
        sdk = openai.AzureOpenAI(
            azure_endpoint=server.url,
            api_key="k",
            api_version="2025-04-01-preview",
            http_client=httpx.Client(),
        )
        assert [a.name for a in sdk.beta.assistants.list()] == ["kept"]
        assert sdk.beta.assistants.retrieve(kept["id"]).name == "kept"
        assert sdk.beta.assistants.create(model="gpt-4o").id == expected_next
