"""The server answers what the in-process fake answers: for one table of requests over
every API (same seed, same clock, same sequence), the same status, content type and
body bytes. Ids named in the table come from each side's own earlier answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import fake_assistants
from fake_assistants import FakeAssistants

NOW = 1_750_000_000
OPTIONS: dict[str, Any] = dict(seed=11, clock=lambda: NOW, api_key="k")
ENDPOINT = "https://local.openai.azure.com"
V = "?api-version=2025-04-01-preview"
TOOL = {"type": "function", "function": {"name": "get_weather"}}
FILE = ("notes.md", b"# Notes\nThe office opens at nine.\n", "text/markdown")

# (name to keep the answer's id as, method, path, JSON body or "file" for an upload)
TABLE: list[tuple[str, str, str, Any]] = [
    ("asst", "POST", "/openai/assistants", {"model": "gpt-4o", "name": "a", "tools": [TOOL]}),
    ("", "GET", "/openai/assistants", None),
    ("", "GET", "/openai/assistants/{asst}", None),
    ("", "POST", "/openai/assistants/{asst}", {"instructions": "Be brief."}),
    ("thread", "POST", "/openai/threads", {"metadata": {"k": "v"}}),
    ("", "GET", "/openai/threads/{thread}", None),
    ("", "POST", "/openai/threads/{thread}", {"metadata": {"k": "w"}}),
    ("msg", "POST", "/openai/threads/{thread}/messages", {"role": "user", "content": "Hi"}),
    ("", "GET", "/openai/threads/{thread}/messages", None),
    ("", "GET", "/openai/threads/{thread}/messages/{msg}", None),
    ("", "POST", "/openai/threads/{thread}/messages/{msg}", {"metadata": {"x": "1"}}),
    ("run", "POST", "/openai/threads/{thread}/runs", {"assistant_id": "{asst}"}),
    ("", "GET", "/openai/threads/{thread}/runs/{run}", None),
    ("", "GET", "/openai/threads/{thread}/runs", None),
    ("", "GET", "/openai/threads/{thread}/runs/{run}/steps", None),
    ("", "POST", "/openai/threads/{thread}/runs", {"assistant_id": "{asst}", "stream": True}),
    ("", "POST", "/openai/threads/runs", {"assistant_id": "{asst}", "stream": True}),
    ("file", "POST", "/openai/files", "file"),
    ("", "GET", "/openai/files", None),
    ("", "GET", "/openai/files/{file}", None),
    ("", "GET", "/openai/files/{file}/content", None),
    ("store", "POST", "/openai/vector_stores", {"name": "docs", "file_ids": ["{file}"]}),
    ("", "GET", "/openai/vector_stores", None),
    ("", "GET", "/openai/vector_stores/{store}", None),
    ("", "GET", "/openai/vector_stores/{store}/files", None),
    ("", "POST", "/openai/vector_stores/{store}/files/{file}", {"attributes": {"team": "a"}}),
    ("", "POST", "/openai/vector_stores/{store}/search", {"query": "When does it open?"}),
    ("", "DELETE", "/openai/vector_stores/{store}", None),
    ("", "DELETE", "/openai/threads/{thread}/messages/{msg}", None),
    ("", "DELETE", "/openai/threads/{thread}", None),
    ("", "DELETE", "/openai/assistants/{asst}", None),
    ("", "GET", "/openai/assistants/{asst}", None),  # 404 now
    ("", "GET", "/openai/no-such-path", None),  # unserved
    ("", "POST", "/openai/assistants", {"model": 3}),  # invalid
]


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


def play(client: httpx.Client) -> list[tuple[int, str, bytes]]:
    ids: dict[str, str] = {}
    answers = []
    for name, method, path, body in TABLE:
        url = fill(path, ids) + V
        if body == "file":
            response = client.post(url, files={"file": FILE}, data={"purpose": "assistants"})
        else:
            response = client.request(method, url, json=fill(body, ids))
        if name:
            ids[name] = response.json()["id"]
        answers.append((response.status_code, response.headers["content-type"], response.content))
    return answers


@pytest.fixture
def in_process() -> Iterator[list[tuple[int, str, bytes]]]:
    fake = FakeAssistants(endpoint=ENDPOINT, **OPTIONS)
    with fake.http_client(base_url=ENDPOINT, headers={"api-key": "k"}) as client:
        yield play(client)


def test_the_server_answers_byte_for_byte_what_the_fake_answers(
    in_process: list[tuple[int, str, bytes]],
) -> None:
    with (
        fake_assistants.serve(**OPTIONS) as server,
        httpx.Client(base_url=server.url, headers={"api-key": "k"}, timeout=10) as client,
    ):
        over_http = play(client)

    assert len(over_http) == len(TABLE)
    for row, (here, there) in enumerate(zip(in_process, over_http, strict=True)):
        assert here == there, f"row {row}: {TABLE[row][1]} {TABLE[row][2]}"
    statuses = {status for status, _, _ in over_http}
    assert {200, 400, 404} <= statuses  # the table covers answers and errors
    assert any(kind.startswith("text/event-stream") for _, kind, _ in over_http)
