"""`client.vector_stores.search` and vector-store file `attributes` through the SDK: the
store's ranking, filters over attributes, their limits, and the api-versions that lack
them (the gateway's 404, an unknown parameter)."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from helpers import ENDPOINT, GATEWAY_404, async_client, client

import fake_assistants
from fake_assistants import FakeAssistants

API_VERSION = "2025-04-01-preview"
OLDER = "2025-02-01-preview"  # the last api-version without search
FIRST = "2025-03-01-preview"
FOODS = b"Filip's favorite food is cake. He eats it every Sunday with his sister."
CITIES = b"The capital of Norway is Oslo. Oslo lies at the head of the Oslofjord."
TRAINS = b"Trains to Bergen leave Oslo every morning. The trip takes seven hours."


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def upload(sdk: openai.AzureOpenAI, name: str, data: bytes) -> str:
    return sdk.files.create(file=(name, data), purpose="assistants").id


def invalid(message: str, param: str, code: str) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


@pytest.fixture
def library(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> dict[str, str]:
    """A store of three files with attributes: foods, cities and trains."""
    store = sdk.vector_stores.create(name="library")
    ids = {}
    for name, data, attributes in [
        ("foods.txt", FOODS, {"topic": "food", "year": 2023, "public": True}),
        ("cities.txt", CITIES, {"topic": "travel", "year": 2024, "public": False}),
        ("trains.txt", TRAINS, {"topic": "travel", "year": 2025}),
    ]:
        file_id = upload(sdk, name, data)
        sdk.vector_stores.files.create(
            vector_store_id=store.id,
            file_id=file_id,
            attributes=attributes,  # type: ignore[arg-type]
        )
        ids[name] = file_id
    ids["store"] = store.id
    return ids


def search(sdk: openai.AzureOpenAI, store_id: str, **params: Any) -> dict[str, Any]:
    """The page as the service sent it."""
    raw = sdk.vector_stores.with_raw_response.search(store_id, **params)
    return json.loads(raw.http_response.content)  # type: ignore[no-any-return]


# --- search ----------------------------------------------------------------------------------


def test_search_answers_a_page_of_ranked_passages(
    library: dict[str, str], sdk: openai.AzureOpenAI
) -> None:
    page = search(sdk, library["store"], query="What is the capital of Norway?")
    assert list(page) == ["object", "search_query", "data", "has_more", "next_page"]
    assert page["object"] == "vector_store.search_results.page"
    assert page["search_query"] == ["What is the capital of Norway?"]
    assert (page["has_more"], page["next_page"]) == (False, None)
    best = page["data"][0]
    assert list(best) == ["file_id", "filename", "score", "attributes", "content"]
    assert best["file_id"] == library["cities.txt"]
    assert best["filename"] == "cities.txt"
    assert best["attributes"] == {"topic": "travel", "year": 2024, "public": False}
    assert best["content"] == [{"type": "text", "text": CITIES.decode()}]
    scores = [item["score"] for item in page["data"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def test_the_sdk_pages_the_results(library: dict[str, str], sdk: openai.AzureOpenAI) -> None:
    results = list(sdk.vector_stores.search(library["store"], query="Oslo", max_num_results=1))
    assert len(results) == 1
    assert results[0].filename in ("cities.txt", "trains.txt")
    assert results[0].content[0].type == "text"


def test_a_list_of_queries_is_searched_together(
    library: dict[str, str], sdk: openai.AzureOpenAI
) -> None:
    page = search(sdk, library["store"], query=["favorite food", "Sunday"])
    assert page["search_query"] == ["favorite food", "Sunday"]
    assert page["data"][0]["file_id"] == library["foods.txt"]


async def test_the_async_client_searches(library: dict[str, str]) -> None:
    sdk = async_client(api_version=API_VERSION)
    found = [item async for item in sdk.vector_stores.search(library["store"], query="Bergen")]
    assert found[0].filename == "trains.txt"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"type": "eq", "key": "topic", "value": "travel"}, ["cities.txt", "trains.txt"]),
        ({"type": "ne", "key": "topic", "value": "travel"}, ["foods.txt"]),
        ({"type": "gt", "key": "year", "value": 2023}, ["cities.txt", "trains.txt"]),
        ({"type": "gte", "key": "year", "value": 2025}, ["trains.txt"]),
        ({"type": "lt", "key": "year", "value": 2024}, ["foods.txt"]),
        ({"type": "lte", "key": "year", "value": 2024}, ["cities.txt", "foods.txt"]),
        ({"type": "in", "key": "year", "value": [2023, 2025]}, ["foods.txt", "trains.txt"]),
        ({"type": "nin", "key": "topic", "value": ["food"]}, ["cities.txt", "trains.txt"]),
        ({"type": "eq", "key": "public", "value": True}, ["foods.txt"]),
        ({"type": "eq", "key": "public", "value": 1}, []),  # a number is not a boolean
        ({"type": "ne", "key": "public", "value": True}, ["cities.txt"]),  # missing: no match
        ({"type": "eq", "key": "nobody", "value": "x"}, []),
        (
            {
                "type": "and",
                "filters": [
                    {"type": "eq", "key": "topic", "value": "travel"},
                    {"type": "lt", "key": "year", "value": 2025},
                ],
            },
            ["cities.txt"],
        ),
        (
            {
                "type": "or",
                "filters": [
                    {"type": "eq", "key": "topic", "value": "food"},
                    {
                        "type": "and",
                        "filters": [{"type": "gte", "key": "year", "value": 2025}],
                    },
                ],
            },
            ["foods.txt", "trains.txt"],
        ),
    ],
)
def test_filters_keep_the_files_whose_attributes_pass(
    library: dict[str, str],
    sdk: openai.AzureOpenAI,
    filters: dict[str, Any],
    expected: list[str],
) -> None:
    # Words of every file, so that without filters every file is found.
    query = "food Oslo Bergen"
    page = search(sdk, library["store"], query=query, filters=filters)
    assert sorted(item["filename"] for item in page["data"]) == expected


def test_a_score_threshold_and_max_num_results_narrow_the_page(
    library: dict[str, str], sdk: openai.AzureOpenAI
) -> None:
    everything = search(sdk, library["store"], query="food Oslo Bergen")["data"]
    assert len(everything) == 3
    assert (
        len(search(sdk, library["store"], query="food Oslo Bergen", max_num_results=2)["data"]) == 2
    )
    cut = sorted(item["score"] for item in everything)[1]
    kept = search(
        sdk,
        library["store"],
        query="food Oslo Bergen",
        ranking_options={"ranker": "auto", "score_threshold": cut},
    )["data"]
    assert [item["score"] >= cut for item in kept] == [True] * len(kept) and len(kept) == 2


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (
            {"query": "x", "max_num_results": 51},
            invalid(
                "Invalid 'max_num_results': integer above maximum value. Expected a value "
                "<= 50, but got 51 instead.",
                "max_num_results",
                "integer_above_max_value",
            ),
        ),
        (
            {"query": "x", "filters": {"type": "like", "key": "a", "value": "b"}},
            invalid(
                "Invalid value: 'like'. Supported values are: 'eq', 'ne', 'gt', 'gte', "
                "'lt', 'lte', 'in', 'nin', 'and', and 'or'.",
                "filters.type",
                "invalid_value",
            ),
        ),
        (
            {"query": "x", "filters": {"type": "in", "key": "a", "value": "b"}},
            invalid(
                "Invalid type for 'filters.value': expected an array, but got a string instead.",
                "filters.value",
                "invalid_type",
            ),
        ),
        (
            {"query": "x", "filters": {"type": "and", "filters": [{"type": "eq", "key": "a"}]}},
            invalid(
                "Missing required parameter: 'filters.filters[0].value'.",
                "filters.filters[0].value",
                "missing_required_parameter",
            ),
        ),
        (
            {"query": "x", "ranking_options": {"ranker": "best"}},
            invalid(
                "Invalid value: 'best'. Supported values are: 'none', 'auto', and "
                "'default-2024-11-15'.",
                "ranking_options.ranker",
                "invalid_value",
            ),
        ),
    ],
)
def test_a_bad_search_is_refused(
    library: dict[str, str], sdk: openai.AzureOpenAI, params: dict[str, Any], error: Any
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.vector_stores.search(library["store"], **params)
    assert caught.value.body == error


def test_search_of_an_unknown_store_is_not_found(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.vector_stores.search("vs_missing", query="x")
    assert caught.value.body == {
        "message": "No vector store found with id 'vs_missing'.",
        "type": "invalid_request_error",
        "param": "vector_store_id",  # as recorded on 2025-04-01-preview (CanAssociateFiles)
        "code": None,
    }


def test_search_is_served_from_2025_03_01_preview(library: dict[str, str]) -> None:
    first = client(api_version=FIRST)
    found = list(first.vector_stores.search(library["store"], query="Bergen"))
    assert found[0].filename == "trains.txt"
    updated = first.vector_stores.files.update(
        library["trains.txt"], vector_store_id=library["store"], attributes={"k": 1}
    )
    assert updated.attributes == {"k": 1}


def test_an_older_api_version_has_no_search(library: dict[str, str]) -> None:
    older = client(api_version=OLDER)
    with pytest.raises(openai.NotFoundError) as caught:
        older.vector_stores.search(library["store"], query="Oslo")
    assert caught.value.response.json() == GATEWAY_404


# --- attributes ------------------------------------------------------------------------------


def test_attributes_are_shown_on_every_answer_about_the_file(
    library: dict[str, str], sdk: openai.AzureOpenAI
) -> None:
    store_id, file_id = library["store"], library["foods.txt"]
    expected = {"topic": "food", "year": 2023, "public": True}
    retrieved = sdk.vector_stores.files.with_raw_response.retrieve(
        file_id, vector_store_id=store_id
    )
    shown = json.loads(retrieved.http_response.content)
    assert shown["attributes"] == expected
    assert list(shown)[-1] == "attributes"
    listed = sdk.vector_stores.files.list(store_id)
    assert {f.id: f.attributes for f in listed}[file_id] == expected
    updated = sdk.vector_stores.files.update(
        file_id, vector_store_id=store_id, attributes={"topic": "dessert"}
    )
    assert updated.attributes == {"topic": "dessert"}
    assert sdk.vector_stores.files.retrieve(file_id, vector_store_id=store_id).attributes == {
        "topic": "dessert"
    }
    page = search(
        sdk, store_id, query="cake", filters={"type": "eq", "key": "topic", "value": "dessert"}
    )
    assert [item["file_id"] for item in page["data"]] == [file_id]


def test_a_batch_gives_its_attributes_to_each_file(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    store = sdk.vector_stores.create()
    ids = [upload(sdk, "a.txt", FOODS), upload(sdk, "b.txt", CITIES)]
    sdk.vector_stores.file_batches.create(
        vector_store_id=store.id,
        file_ids=ids,
        attributes={"team": "docs"},  # type: ignore[call-arg]
    )
    shown = [sdk.vector_stores.files.retrieve(i, vector_store_id=store.id) for i in ids]
    assert [f.attributes for f in shown] == [{"team": "docs"}, {"team": "docs"}]


def test_a_file_added_without_attributes_shows_none_as_recorded(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    store = sdk.vector_stores.create()
    file_id = upload(sdk, "a.txt", FOODS)
    raw = sdk.vector_stores.files.with_raw_response.create(
        vector_store_id=store.id, file_id=file_id
    )
    assert "attributes" not in json.loads(raw.http_response.content)


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        (
            {f"k{i}": "v" for i in range(17)},
            invalid(
                "Invalid 'attributes': too many properties. Expected an object with at most "
                "16 properties, but got an object with 17 properties instead.",
                "attributes",
                "object_above_max_properties",
            ),
        ),
        (
            {"k" * 65: "v"},
            invalid(
                f"Invalid property name in 'attributes': '{'k' * 65}' is too long. Expected "
                "a string with maximum length 64, but got a string with length 65 instead.",
                f"attributes.{'k' * 65}",
                None,  # type: ignore[arg-type]
            ),
        ),
        (
            {"k": "v" * 513},
            invalid(
                "Invalid 'attributes.k': string too long. Expected a string with maximum "
                "length 512, but got a string with length 513 instead.",
                "attributes.k",
                "string_above_max_length",
            ),
        ),
        (
            {"k": ["a"]},
            invalid(
                "Invalid type for 'attributes.k': expected one of a string or a decimal or "
                "a boolean, but got an array instead.",
                "attributes.k",
                "invalid_type",
            ),
        ),
    ],
    ids=["17-keys", "long-key", "long-value", "array-value"],
)
def test_attributes_beyond_the_limits_are_refused(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, attributes: dict[str, Any], error: Any
) -> None:
    store = sdk.vector_stores.create()
    file_id = upload(sdk, "a.txt", FOODS)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.vector_stores.files.create(
            vector_store_id=store.id, file_id=file_id, attributes=attributes
        )
    assert caught.value.body == error
    assert sdk.vector_stores.files.list(store.id).data == []  # nothing stored
    sdk.vector_stores.files.create(vector_store_id=store.id, file_id=file_id)
    with pytest.raises(openai.BadRequestError) as refused:
        sdk.vector_stores.files.update(file_id, vector_store_id=store.id, attributes=attributes)
    assert refused.value.body == error


def test_older_api_versions_have_no_attributes(fake: FakeAssistants) -> None:
    older = client(api_version=OLDER)
    store = older.vector_stores.create()
    file_id = upload(older, "a.txt", FOODS)
    with pytest.raises(openai.BadRequestError) as caught:
        older.vector_stores.files.create(
            vector_store_id=store.id, file_id=file_id, attributes={"k": "v"}
        )
    assert caught.value.body == invalid(
        "Unknown parameter: 'attributes'.", "attributes", "unknown_parameter"
    )
    with pytest.raises(openai.BadRequestError) as batch:
        older.vector_stores.file_batches.create(
            vector_store_id=store.id,
            file_ids=[file_id],
            attributes={"k": "v"},  # type: ignore[call-arg]
        )
    assert batch.value.body == invalid(
        "Unknown parameter: 'attributes'.", "attributes", "unknown_parameter"
    )
    older.vector_stores.files.create(vector_store_id=store.id, file_id=file_id)
    with pytest.raises(openai.NotFoundError) as update:
        older.vector_stores.files.update(file_id, vector_store_id=store.id, attributes={"k": "v"})
    assert update.value.response.json() == GATEWAY_404


def test_an_expired_store_is_not_searched() -> None:
    now = [1_750_000_000]
    sdk = client(api_version=API_VERSION)
    with fake_assistants.mock(endpoint=ENDPOINT, clock=lambda: now[0]):
        store = sdk.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 1})
        now[0] += 2 * 86_400
        with pytest.raises(openai.BadRequestError) as caught:
            sdk.vector_stores.search(store.id, query="x")
    assert caught.value.body == {
        "message": f"Vector store '{store.id}' has expired.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_files_without_attributes_are_found_with_none(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    store = sdk.vector_stores.create(file_ids=[upload(sdk, "foods.txt", FOODS)])
    page = search(sdk, store.id, query="favorite food", rewrite_query=True)
    assert page["search_query"] == ["favorite food"]  # nothing is rewritten
    assert [item["attributes"] for item in page["data"]] == [{}]
    only = {"type": "eq", "key": "topic", "value": "food"}
    assert search(sdk, store.id, query="favorite food", filters=only)["data"] == []
