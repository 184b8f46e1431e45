"""The official openai Node SDK (`AzureOpenAI`) against the server: a conversation with
a streamed run, from a script in tests/server/node.

The SDK is installed with `npm install openai` into a temporary folder. Where node or
npm is missing, or the install fails (offline), the test skips and says why; with
`FAKE_ASSISTANTS_NODE=1` (set by .ci/run, where the registry is reachable) those are
failures instead, so CI cannot pass by skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fake_assistants._server import Server

SCRIPT = Path(__file__).parent / "node" / "conversation.mjs"
REQUIRED = os.environ.get("FAKE_ASSISTANTS_NODE") == "1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"FAKE_ASSISTANTS_NODE=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the openai Node SDK installed and the script copied in."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        unavailable("node and npm are needed to run the openai Node SDK")
    folder = tmp_path_factory.mktemp("node-sdk")
    command = ["npm", "install", "--no-audit", "--no-fund", "--no-save", "openai"]
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        unavailable("npm install openai took over 300 s")
    if done.returncode != 0:
        unavailable(f"npm install openai failed (offline?): {done.stderr.strip()[-300:]}")
    shutil.copy(SCRIPT, folder / SCRIPT.name)
    return folder


def test_the_node_sdk_has_a_conversation_with_a_streamed_run(
    node_sdk: Path, fake_assistants_server: Server
) -> None:
    fake_assistants_server.fake.add_reply("Hello, Node, in pieces.")

    done = subprocess.run(
        ["node", SCRIPT.name, fake_assistants_server.url],
        cwd=node_sdk,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["status"] == "completed"
    assert seen["events"][0] == "thread.run.created"
    assert seen["events"][-1] == "thread.run.completed"
    assert "thread.message.delta" in seen["events"]
    assert len(seen["deltas"]) > 1 and "".join(seen["deltas"]) == "Hello, Node, in pieces."
    assert seen["texts"] == ["Hi from Node", "Hello, Node, in pieces."]
    assert [a["id"] for a in fake_assistants_server.fake.assistants] == [seen["assistant"]]
