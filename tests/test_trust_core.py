"""Trust in the core: what is stored can always be served back, bounds on what a request
and the journal may hold, and tools shown as the service normalises them."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
import pytest
from helpers import ENDPOINT, client, url

import fake_assistants
from fake_assistants import FakeAssistants, Request, Service
from fake_assistants._limits import MAX_BODY_BYTES

AUTH = {"api-key": "k"}
PARSE_ERROR = "We could not parse the JSON body of your request."


def nested_function(depth: int) -> dict[str, Any]:
    """A function tool whose `parameters` hold arrays nested `depth` deep."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return {"type": "function", "function": {"name": "f", "parameters": {"p": value}}}


def in_deep_stack(frames: int, work: Any) -> Any:
    """Runs `work` under `frames` extra Python frames, as a deep test helper would."""
    if frames == 0:
        return work()
    return in_deep_stack(frames - 1, work)


# --- nesting ------------------------------------------------------------------------------


def test_nesting_past_the_limit_is_refused_through_the_sdk() -> None:
    with fake_assistants.mock(endpoint=ENDPOINT) as fake:
        with pytest.raises(openai.BadRequestError) as caught:
            # 5 levels around the parameters' arrays: 124 deep makes 129.
            client().beta.assistants.create(model="gpt-4o", tools=[nested_function(124)])
        assert caught.value.status_code == 400
        assert caught.value.body["message"].startswith(PARSE_ERROR)  # type: ignore[index]
        assert len(fake.assistants) == 0


def test_the_deepest_stored_value_is_served_from_a_deep_stack() -> None:
    """At the limit, an assistant reads back and lists even 800 frames down the caller's
    stack (before the limit, ~975 levels were stored and then answered 500)."""
    with fake_assistants.mock(endpoint=ENDPOINT) as fake:
        sdk = client()
        created = sdk.beta.assistants.create(model="gpt-4o", tools=[nested_function(123)])
        read = in_deep_stack(800, lambda: sdk.beta.assistants.retrieve(created.id))
        listed = in_deep_stack(800, lambda: sdk.beta.assistants.list())
        assert read.id == created.id
        assert [a.id for a in listed.data] == [created.id]
        assert fake.calls.last.status == 200


# --- the direct API runs the HTTP path's checks ----------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"model": "m", "temperature": math.nan},
        {"model": "m", "metadata": {"x": "a"}, "top_p": math.inf},
        {"model": "m", "name": "\ud800"},
        {"model": "m", "tools": [nested_function(200)]},
    ],
    ids=["nan", "infinity", "lone-surrogate", "too-deep"],
)
def test_direct_api_refuses_what_http_refuses(fields: dict[str, Any]) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT) as fake:
        kept = fake.assistants.create(model="m", name="kept")
        with pytest.raises(fake_assistants.WireError) as caught:
            fake.assistants.create(**fields)
        with pytest.raises(fake_assistants.WireError) as updated:
            fake.assistants.update(kept["id"], **{k: v for k, v in fields.items() if k != "model"})
        assert caught.value.status == updated.value.status == 400
        assert PARSE_ERROR in str(caught.value)
        assert fake.assistants.list() == [kept]
        assert [a.id for a in client().beta.assistants.list()] == [kept["id"]]


# --- request size ------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_and_stores_nothing(fake_assistants: FakeAssistants) -> None:
    body = b'{"model": "m", "name": "' + b"x" * MAX_BODY_BYTES + b'"}'
    with httpx.Client() as http:
        response = http.post(url(), content=body, headers=AUTH)
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "message": f"Request body too large. The maximum request size is {MAX_BODY_BYTES} "
            "bytes.",
            "type": "invalid_request_error",
            "param": None,
            "code": "request_too_large",
        }
    }
    assert len(fake_assistants.resource(ENDPOINT).assistants) == 0


@pytest.mark.parametrize("module_name", ["httpx", "httpx2"])
def test_an_endless_streamed_body_is_cut_at_the_limit(module_name: str) -> None:
    """A body streamed without end is read to one chunk past the limit, then answered."""
    module = pytest.importorskip(module_name, reason="httpx2 comes with openai 3.x only")
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        while True:
            sent += 1 << 20
            yield b" " * (1 << 20)

    with fake_assistants.mock(endpoint=ENDPOINT), module.Client() as http:
        response = http.post(url(), content=endless(), headers=AUTH)
    assert response.status_code == 413
    assert sent <= MAX_BODY_BYTES + (2 << 20)


async def test_an_endless_async_body_is_cut_at_the_limit() -> None:
    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b" " * (1 << 20)

    with fake_assistants.mock(endpoint=ENDPOINT):
        async with httpx.AsyncClient() as http:
            response = await http.post(url(), content=endless(), headers=AUTH)
    assert response.status_code == 413


def test_a_body_at_the_limit_is_read() -> None:
    body = b'{"model": "m"}'.ljust(MAX_BODY_BYTES)
    response = Service().handle(Request("POST", url(), AUTH, body))
    assert response.status == 200


# --- the journal's bound ----------------------------------------------------------------------


def test_the_journal_keeps_the_newest_calls_and_counts_all() -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, journal_limit=5) as fake:
        sdk = client()
        names = [f"a{i}" for i in range(12)]
        for name in names:
            sdk.beta.assistants.create(model="m", name=name)
        assert fake.call_count == 12
        assert len(fake.calls) == 5
        sent = [json.loads(call.request.body)["name"] for call in fake.calls]
        assert sent == names[-5:]
        assert json.loads(fake.calls.last.request.body)["name"] == "a11"
        assert fake.calls[0] is fake.calls[:1][0]


def test_the_journal_is_bounded_by_default() -> None:
    fake = FakeAssistants()
    assert fake.calls.limit == 10_000
    assert FakeAssistants(journal_limit=None).calls.limit is None
    with pytest.raises(ValueError, match="journal_limit"):
        FakeAssistants(journal_limit=0)


# --- which hosts are resources ---------------------------------------------------------------


def test_a_refused_request_does_not_make_its_host_a_resource() -> None:
    with fake_assistants.mock() as fake:
        client().beta.assistants.create(model="m", name="real")
        typo = client("https://typo.openai.azure.com")
        with pytest.raises(openai.BadRequestError):
            typo.beta.assistants.create(model="m", name="x" * 300)
        with httpx.Client() as http:  # no key at all: Azure's 401
            other = http.get(url(endpoint="https://other.openai.azure.com"))
        assert other.status_code == 401
        assert [a["name"] for a in fake.assistants] == ["real"]


# --- api-versions: read under one, posted back under another ---------------------------------


def test_what_an_early_version_reads_it_can_post_back() -> None:
    late, early = "2025-04-01-preview", "2024-05-01-preview"
    with fake_assistants.mock(endpoint=ENDPOINT):
        created = client(api_version=late).beta.assistants.create(
            model="m",
            tools=[{"type": "file_search", "file_search": {"max_num_results": 5}}],
            response_format={"type": "json_schema", "json_schema": {"name": "answer"}},
        )
        old = client(api_version=early)
        read = old.with_raw_response.beta.assistants.retrieve(created.id).http_response.json()
        assert read["tools"] == [{"type": "file_search"}]
        assert read["response_format"] == "auto"
        updated = old.beta.assistants.update(
            created.id, tools=read["tools"], response_format=read["response_format"]
        )
        assert updated.id == created.id


def test_none_format_stored_early_reads_as_auto_late() -> None:
    with fake_assistants.mock(endpoint=ENDPOINT):
        created = client(api_version="2024-05-01-preview").beta.assistants.create(
            model="m",
            response_format="none",  # type: ignore[arg-type]
        )
        late = client(api_version="2025-04-01-preview")
        assert late.beta.assistants.retrieve(created.id).response_format == "auto"


# --- tools as the service normalises them ----------------------------------------------------


def test_function_tools_come_back_normalised_in_the_captured_key_order() -> None:
    with fake_assistants.mock(endpoint=ENDPOINT):
        raw = client().beta.assistants.with_raw_response.create(
            model="m",
            tools=[
                {"type": "function", "function": {"name": "now"}},
                {
                    "type": "function",
                    "function": {
                        "strict": True,
                        "parameters": {"type": "object"},
                        "description": "Weather",
                        "name": "weather",
                    },
                },
            ],
        )
    tools = json.loads(raw.http_response.content, object_pairs_hook=list)
    functions = [dict(tool)["function"] for tool in dict(tools)["tools"]]
    assert functions == [
        [
            ("name", "now"),
            ("parameters", [("type", "object"), ("properties", [])]),
            ("strict", False),
        ],
        [
            ("name", "weather"),
            ("description", "Weather"),
            ("parameters", [("type", "object")]),
            ("strict", True),
        ],
    ]


def test_code_interpreter_brings_its_resource_entry() -> None:
    with fake_assistants.mock(endpoint=ENDPOINT) as fake:
        sdk = client()
        file_id = fake.files.upload("data")["id"]
        bare = sdk.beta.assistants.create(model="m", tools=[{"type": "code_interpreter"}])
        files = sdk.beta.assistants.create(
            model="m",
            tools=[{"type": "code_interpreter"}],
            tool_resources={"code_interpreter": {"file_ids": [file_id]}},
        )
        plain = sdk.beta.assistants.create(model="m")
        added = sdk.beta.assistants.update(plain.id, tools=[{"type": "code_interpreter"}])
    assert bare.tool_resources is not None and files.tool_resources is not None
    assert bare.tool_resources.model_dump(exclude_unset=True) == {
        "code_interpreter": {"file_ids": []}
    }
    assert files.tool_resources.model_dump(exclude_unset=True) == {
        "code_interpreter": {"file_ids": [file_id]}
    }
    assert plain.tool_resources is not None and added.tool_resources is not None
    assert plain.tool_resources.model_dump(exclude_unset=True) == {}
    assert added.tool_resources.model_dump(exclude_unset=True) == {
        "code_interpreter": {"file_ids": []}
    }


# --- unserved paths name themselves ------------------------------------------------------------


def test_an_unserved_path_says_so_beside_the_sdk_error() -> None:
    fake = fake_assistants.mock(endpoint=ENDPOINT, report_unsupported=False)
    with fake, pytest.raises(openai.NotFoundError) as caught:
        client().get("/assistants/asst_1/files", cast_to=object)
    note = caught.value.response.headers["x-fake-assistants-unserved"]
    assert "fake-assistants does not serve GET /openai/assistants/asst_1/files" in note
