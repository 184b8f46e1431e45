"""The assistants API through the synchronous openai SDK (`AzureOpenAI`), as users call it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import openai
import pytest
from freezegun import freeze_time
from helpers import (
    ACCESS_DENIED,
    ASSISTANT_ID,
    ENDPOINT,
    REQUEST_ID,
    V2_DEFAULTS,
    client,
    not_found,
    stored_tools,
)

from fake_assistants import FakeAssistants, mock

FULL = {
    "model": "gpt-4o",
    "name": "Math Tutor",
    "description": "Helps with sums",
    "instructions": "You are a personal math tutor.",
    "tools": [
        {"type": "code_interpreter"},
        {"type": "file_search"},
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        },
    ],
    "tool_resources": {
        "code_interpreter": {"file_ids": []},
        "file_search": {"vector_store_ids": []},
    },
    "metadata": {"team": "math"},
    "temperature": 0.5,
    "top_p": 0.9,
    "response_format": {"type": "json_object"},
}


@pytest.fixture
def sdk(fake_assistants: FakeAssistants) -> openai.AzureOpenAI:
    """A client for the default endpoint, with the fake active."""
    return client()


@pytest.fixture
def full(fake_assistants: FakeAssistants) -> dict[str, Any]:
    """FULL with a real file and vector store in `tool_resources` (references are checked)."""
    resource = fake_assistants.resource(ENDPOINT)
    file_id = resource.files.upload("data", filename="data.txt")["id"]
    store_id = resource.vector_stores.create()["id"]
    resources = {
        "code_interpreter": {"file_ids": [file_id]},
        "file_search": {"vector_store_ids": [store_id]},
    }
    return {**FULL, "tool_resources": resources}


def created(sdk: openai.AzureOpenAI, **fields: object) -> dict:
    """Creates an assistant and returns the JSON the service answered with."""
    raw = sdk.beta.assistants.with_raw_response.create(**{"model": "gpt-4o", **fields})
    return raw.http_response.json()


# --- create / retrieve ------------------------------------------------------------------


def test_create_answers_200_with_every_v2_field_and_its_default(sdk: openai.AzureOpenAI) -> None:
    raw = sdk.beta.assistants.with_raw_response.create(model="gpt-4o")

    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    body = raw.http_response.json()
    assert body == {
        **V2_DEFAULTS,
        "id": body["id"],
        "created_at": body["created_at"],
        "model": "gpt-4o",
    }
    assert ASSISTANT_ID.match(body["id"])
    assert isinstance(body["created_at"], int)
    assert raw.parse().id == body["id"]


def test_create_echoes_every_sent_field(sdk: openai.AzureOpenAI, full: dict[str, Any]) -> None:
    body = created(sdk, **full)

    shown = {**full, "tools": stored_tools(full["tools"])}
    assert {key: body[key] for key in full} == shown
    assert body["object"] == "assistant"


def test_retrieve_returns_what_create_returned(
    sdk: openai.AzureOpenAI, full: dict[str, Any]
) -> None:
    body = created(sdk, **full)

    raw = sdk.beta.assistants.with_raw_response.retrieve(body["id"])

    assert raw.status_code == 200
    assert raw.http_response.json() == body
    assert raw.parse().name == "Math Tutor"


# --- update -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("model", "gpt-4o-mini"),
        ("name", "Renamed"),
        ("name", None),
        ("description", "New description"),
        ("instructions", "Be brief."),
        ("tools", [{"type": "code_interpreter"}]),
        ("metadata", {"owner": "me"}),
        ("temperature", 0.1),
        ("top_p", 0.2),
        ("response_format", {"type": "text"}),
    ],
)
def test_update_changes_only_the_fields_sent(
    sdk: openai.AzureOpenAI, full: dict[str, Any], field: str, value: object
) -> None:
    before = created(sdk, **full)

    raw = sdk.beta.assistants.with_raw_response.update(before["id"], **{field: value})

    assert raw.status_code == 200
    assert raw.http_response.json() == {**before, field: value}
    retrieved = sdk.beta.assistants.with_raw_response.retrieve(before["id"]).http_response.json()
    assert retrieved == {**before, field: value}


def test_update_with_no_fields_changes_nothing(
    sdk: openai.AzureOpenAI, full: dict[str, Any]
) -> None:
    before = created(sdk, **full)

    after = sdk.beta.assistants.with_raw_response.update(before["id"]).http_response.json()

    assert after == before


# --- delete and not found ---------------------------------------------------------------


def test_delete_answers_deleted_and_the_assistant_is_gone(sdk: openai.AzureOpenAI) -> None:
    assistant_id = created(sdk)["id"]

    raw = sdk.beta.assistants.with_raw_response.delete(assistant_id)

    assert raw.status_code == 200
    assert raw.http_response.json() == {
        "id": assistant_id,
        "object": "assistant.deleted",
        "deleted": True,
    }
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.beta.assistants.retrieve(assistant_id)
    assert caught.value.status_code == 404
    assert caught.value.body == not_found(assistant_id)
    assert [a.id for a in sdk.beta.assistants.list()] == []


@pytest.mark.parametrize(
    "call",
    [
        lambda sdk, i: sdk.beta.assistants.retrieve(i),
        lambda sdk, i: sdk.beta.assistants.update(i, name="x"),
        lambda sdk, i: sdk.beta.assistants.delete(i),
    ],
    ids=["retrieve", "update", "delete"],
)
def test_unknown_id_is_404_not_found(sdk: openai.AzureOpenAI, call) -> None:
    kept = created(sdk)
    missing = "asst_" + "x" * 24

    with pytest.raises(openai.NotFoundError) as caught:
        call(sdk, missing)

    assert caught.value.body == not_found(missing)
    assert sdk.beta.assistants.with_raw_response.retrieve(kept["id"]).http_response.json() == kept


def test_deleting_twice_is_404(sdk: openai.AzureOpenAI) -> None:
    assistant_id = created(sdk)["id"]
    sdk.beta.assistants.delete(assistant_id)

    with pytest.raises(openai.NotFoundError) as caught:
        sdk.beta.assistants.delete(assistant_id)

    assert caught.value.body == not_found(assistant_id)


@pytest.mark.parametrize(
    "construction",
    [
        {"azure_endpoint": ENDPOINT + "/"},
        {"base_url": ENDPOINT + "/openai"},
        {"azure_endpoint": ENDPOINT, "azure_deployment": "gpt-4o"},
    ],
    ids=["trailing-slash", "base_url", "azure_deployment"],
)
def test_every_way_of_building_the_client_is_served(
    fake_assistants: FakeAssistants, construction: dict
) -> None:
    sdk = openai.AzureOpenAI(
        api_key="k", api_version="2024-05-01-preview", max_retries=0, **construction
    )

    made = sdk.beta.assistants.create(model="gpt-4o")

    assert fake_assistants.calls.last.request.path == "/openai/assistants"
    assert made.id in fake_assistants.resource(ENDPOINT).assistants


# --- response headers -------------------------------------------------------------------


def request_ids(seed: object) -> list[tuple[str, str]]:
    """(x-request-id, apim-request-id) of a fixed sequence of calls on a fresh fake."""
    with mock(seed=seed):
        sdk = client()
        responses = [
            sdk.beta.assistants.with_raw_response.create(model="gpt-4o"),
            sdk.beta.assistants.with_raw_response.list(),
        ]
        return [(r.headers["x-request-id"], r.headers["apim-request-id"]) for r in responses]


def test_request_id_headers_are_present_distinct_and_deterministic() -> None:
    first = request_ids(seed=7)

    flat = [value for pair in first for value in pair]
    assert all(REQUEST_ID.match(value) for value in flat)
    assert len(set(flat)) == len(flat)
    assert request_ids(seed=7) == first
    assert request_ids(seed=8) != first


def test_request_id_is_what_the_sdk_reports(sdk: openai.AzureOpenAI) -> None:
    raw = sdk.beta.assistants.with_raw_response.create(model="gpt-4o")

    assert raw.request_id == raw.headers["x-request-id"]
    assert raw.parse()._request_id == raw.headers["x-request-id"]


# --- listing ----------------------------------------------------------------------------


@pytest.fixture
def five(sdk: openai.AzureOpenAI) -> list[str]:
    """Ids of five assistants, oldest first, all created in the same second."""
    with freeze_time("2024-05-01 12:00:00"):
        return [created(sdk, name=f"a{i}")["id"] for i in range(5)]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 100])
@pytest.mark.parametrize("order", ["desc", "asc", None])
def test_auto_pagination_yields_each_assistant_once_in_order(
    fake_assistants: FakeAssistants,
    sdk: openai.AzureOpenAI,
    five: list[str],
    limit: int,
    order: str | None,
) -> None:
    expected = five if order == "asc" else five[::-1]
    params = {"limit": limit} if order is None else {"limit": limit, "order": order}
    before = fake_assistants.call_count

    seen = [assistant.id for assistant in sdk.beta.assistants.list(**params)]

    assert seen == expected
    pages = fake_assistants.calls[before:]
    assert len(pages) == max(1, -(-len(five) // limit))  # has_more is false on the last page
    assert all(call.request.method == "GET" and call.status == 200 for call in pages)


@pytest.mark.parametrize(
    ("order", "cursors", "expected", "has_more"),
    [
        ("asc", {"after": 1}, [2, 3], True),
        ("asc", {"after": 2}, [3, 4], False),
        ("asc", {"before": 3}, [1, 2], True),
        ("asc", {"before": 2}, [0, 1], False),
        ("asc", {"after": 0, "before": 4}, [1, 2], True),
        ("asc", {"after": 4}, [], False),
        ("desc", {"after": 3}, [2, 1], True),
        ("desc", {"after": 2}, [1, 0], False),
        ("desc", {"before": 1}, [3, 2], True),
        ("desc", {"before": 2}, [4, 3], False),
        ("desc", {"after": 4, "before": 0}, [3, 2], True),
        ("desc", {"before": 4}, [], False),
    ],
)
def test_explicit_cursor_pages(
    sdk: openai.AzureOpenAI,
    five: list[str],
    order: str,
    cursors: dict[str, int],
    expected: list[int],
    has_more: bool,
) -> None:
    params = {name: five[index] for name, index in cursors.items()}

    page = sdk.beta.assistants.with_raw_response.list(limit=2, order=order, **params)

    body = page.http_response.json()
    assert body["object"] == "list"
    assert [a["id"] for a in body["data"]] == [five[i] for i in expected]
    assert body["has_more"] is has_more
    assert body["first_id"] == (five[expected[0]] if expected else None)
    assert body["last_id"] == (five[expected[-1]] if expected else None)


def test_page_exposes_first_id_last_id_and_has_more(
    sdk: openai.AzureOpenAI, five: list[str]
) -> None:
    page = sdk.beta.assistants.list(limit=3)

    assert [a.id for a in page.data] == five[:1:-1]
    assert (page.first_id, page.last_id, page.has_more) == (five[4], five[2], True)
    assert [a.id for a in page.get_next_page().data] == [five[1], five[0]]


def test_default_page_is_twenty_newest_first(sdk: openai.AzureOpenAI) -> None:
    ids = [created(sdk)["id"] for _ in range(21)]

    body = sdk.beta.assistants.with_raw_response.list().http_response.json()

    assert [a["id"] for a in body["data"]] == ids[:0:-1]
    assert body["has_more"] is True


def test_empty_list(sdk: openai.AzureOpenAI) -> None:
    raw = sdk.beta.assistants.with_raw_response.list()

    assert raw.status_code == 200
    assert raw.http_response.json() == {
        "object": "list",
        "data": [],
        "first_id": None,
        "last_id": None,
        "has_more": False,
    }
    assert list(sdk.beta.assistants.list()) == []


def test_paging_on_while_deleting_visits_every_assistant(
    sdk: openai.AzureOpenAI, five: list[str]
) -> None:
    deleted = []
    for assistant in sdk.beta.assistants.list(limit=2):
        sdk.beta.assistants.delete(assistant.id)
        deleted.append(assistant.id)

    assert deleted == five[::-1]
    assert list(sdk.beta.assistants.list()) == []


# --- errors through the SDK -------------------------------------------------------------


@pytest.mark.fake_assistants(api_key="secret")
def test_wrong_api_key_is_authentication_error(fake_assistants: FakeAssistants) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        client(api_key="not-the-secret").beta.assistants.list()

    assert caught.value.status_code == 401
    assert caught.value.body == ACCESS_DENIED["error"]
    assert client(api_key="secret").beta.assistants.list().data == []


@pytest.mark.parametrize(
    ("api_version", "error", "body"),
    [
        (
            "2099-01-01",
            openai.BadRequestError,
            {"code": "BadRequest", "message": "API version not supported"},
        ),
        ("2024-06-01", openai.NotFoundError, {"code": "404", "message": "Resource not found"}),
        ("2024-10-21", openai.NotFoundError, {"code": "404", "message": "Resource not found"}),
    ],
)
def test_api_versions_without_assistants(
    fake_assistants: FakeAssistants, api_version: str, error: type, body: dict
) -> None:
    with pytest.raises(error) as caught:
        client(api_version=api_version).beta.assistants.create(model="gpt-4o")

    assert caught.value.body == body
    assert len(fake_assistants.resource(ENDPOINT).assistants) == 0


@pytest.mark.parametrize(
    "api_version", ["2024-05-01-preview", "2024-10-01-preview", "2025-04-01-preview"]
)
def test_v2_api_versions_serve_assistants(
    fake_assistants: FakeAssistants, api_version: str
) -> None:
    sdk = client(api_version=api_version)

    assistant = sdk.beta.assistants.create(model="gpt-4o")

    assert sdk.beta.assistants.retrieve(assistant.id).id == assistant.id


def test_unknown_body_field_is_rejected(sdk: openai.AzureOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.assistants.create(model="gpt-4o", extra_body={"foo": 1})

    assert caught.value.body == {
        "message": "Unknown parameter: 'foo'.",
        "type": "invalid_request_error",
        "param": "foo",
        "code": "unknown_parameter",
    }
    assert caught.value.code == "unknown_parameter"
    assert list(sdk.beta.assistants.list()) == []


def test_bad_update_leaves_the_assistant_unchanged(
    sdk: openai.AzureOpenAI, full: dict[str, Any]
) -> None:
    before = created(sdk, **full)

    with pytest.raises(openai.BadRequestError):
        sdk.beta.assistants.update(before["id"], name="ok", temperature=3)

    assert (
        sdk.beta.assistants.with_raw_response.retrieve(before["id"]).http_response.json() == before
    )


def entra_client(token: str) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT,
        azure_ad_token_provider=lambda: token,
        api_version="2024-05-01-preview",
        max_retries=0,
    )


@pytest.mark.fake_assistants(ad_token="token-1")
def test_entra_token_is_checked(fake_assistants: FakeAssistants) -> None:
    assert entra_client("token-1").beta.assistants.create(model="gpt-4o").object == "assistant"
    with pytest.raises(openai.AuthenticationError) as caught:
        entra_client("token-2").beta.assistants.list()

    assert caught.value.body == {
        "statusCode": 401,
        "message": (
            "Unauthorized. Access token is missing, invalid, audience is incorrect "
            "(https://cognitiveservices.azure.com), or have expired."
        ),
    }
    assert fake_assistants.calls.last.request.headers["authorization"] == "Bearer token-2"


# --- determinism and time ---------------------------------------------------------------


def ids_for(seed: object, reads: bool = False) -> list[str]:
    with mock(seed=seed):
        sdk = client()
        ids = []
        for _ in range(3):
            ids.append(sdk.beta.assistants.create(model="gpt-4o").id)
            if reads:
                sdk.beta.assistants.list()
                sdk.beta.assistants.retrieve(ids[-1])
        return ids


def test_same_seed_gives_the_same_ids_in_fresh_fakes() -> None:
    first = ids_for(seed=42)

    assert all(ASSISTANT_ID.match(i) for i in first)
    assert len(set(first)) == 3
    assert ids_for(seed=42) == first
    assert ids_for(seed=42, reads=True) == first  # reads do not shift the id sequence
    assert ids_for(seed=43) != first


def test_ids_do_not_touch_the_global_random_state() -> None:
    random.seed(1234)
    state = random.getstate()

    ids_for(seed=1, reads=True)

    assert random.getstate() == state


def test_created_at_follows_freezegun(sdk: openai.AzureOpenAI) -> None:
    with freeze_time("2024-01-02 03:04:05"):
        first = sdk.beta.assistants.create(model="gpt-4o")
    with freeze_time("2030-06-07 08:09:10"):
        second = sdk.beta.assistants.create(model="gpt-4o")

    assert first.created_at == 1704164645
    assert second.created_at == 1907050150
    assert sdk.beta.assistants.retrieve(first.id).created_at == 1704164645


@pytest.mark.parametrize(
    "now",
    [
        1_700_000_000,
        1_700_000_000.9,
        dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC),
        dt.datetime(2023, 11, 14, 22, 13, 20),  # naive: read as UTC
    ],
    ids=["int", "float", "aware-datetime", "naive-datetime"],
)
def test_created_at_follows_a_clock_option(now: object) -> None:
    with mock(clock=lambda: now):
        assistant = client().beta.assistants.create(model="gpt-4o")

    assert assistant.created_at == 1_700_000_000


def test_clock_is_read_per_request() -> None:
    ticks = iter(range(1_000, 2_000, 10))
    with mock(clock=lambda: next(ticks)):
        sdk = client()
        times = [sdk.beta.assistants.create(model="gpt-4o").created_at for _ in range(3)]

    assert times == sorted(times)
    assert len(set(times)) == 3


def test_ties_under_frozen_time_keep_creation_order(
    sdk: openai.AzureOpenAI, five: list[str]
) -> None:
    ascending = list(sdk.beta.assistants.list(order="asc"))

    assert {a.created_at for a in ascending} == {1714564800}  # all in the same second
    assert [a.id for a in ascending] == five
    assert [a.id for a in sdk.beta.assistants.list(order="desc")] == five[::-1]
