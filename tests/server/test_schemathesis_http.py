"""schemathesis over real HTTP against the running server, with the stored structure of
the Azure spec (tests/data): every operation, positive and negative cases, sent by
schemathesis's own transport (requests) to loopback. Every answer must be a real one:
no 5xx, and JSON in one of the service's envelopes or a well-formed event stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

import fake_assistants
from fake_assistants._server import Server

STRUCTURE = Path(__file__).resolve().parent.parent / "data" / "openapi-assistants-structure.json"
SCHEMA = schemathesis.openapi.from_dict(json.loads(STRUCTURE.read_text(encoding="utf-8")))
QUERY = {"api-version": "2024-05-01-preview"}
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with fake_assistants.serve(seed=3) as running:
        yield running


def check_answer(response: Any) -> None:
    assert response.status_code < 500, response.text
    content_type = response.headers.get("content-type", "")
    if isinstance(content_type, list):  # schemathesis's response keeps every value
        content_type = content_type[0] if content_type else ""
    if content_type.startswith("text/event-stream"):
        assert response.text.endswith("event: done\ndata: [DONE]\n\n")
        return
    assert content_type.startswith("application/json"), content_type
    body = response.json()
    if response.status_code >= 400:
        error = body["error"]
        assert set(error) in ({"message", "type", "param", "code"}, {"code", "message"})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_cases_over_http(server: Server, mode: GenerationMode) -> None:
    @FUZZ
    @given(case=SCHEMA.as_strategy(generation_mode=mode, query=QUERY))
    def each(case: schemathesis.Case) -> None:
        response = case.call(base_url=f"{server.url}/openai", headers={"api-key": "k"})
        check_answer(response)

    each()
    assert server.fake.call_count > 0
