"""The assistants API through the asynchronous openai SDK (`AsyncAzureOpenAI`)."""

from __future__ import annotations

import asyncio

import openai
import pytest
from helpers import (
    ASSISTANT_ID,
    REQUEST_ID,
    V2_DEFAULTS,
    async_client,
    not_found,
)

from fake_assistants import FakeAssistants, mock


@pytest.fixture
def sdk(fake_assistants: FakeAssistants) -> openai.AsyncAzureOpenAI:
    return async_client()


async def test_crud_round_trip(sdk: openai.AsyncAzureOpenAI) -> None:
    raw = await sdk.beta.assistants.with_raw_response.create(model="gpt-4o", name="Tutor")
    assert raw.status_code == 200
    assert REQUEST_ID.match(raw.headers["x-request-id"])
    assert REQUEST_ID.match(raw.headers["apim-request-id"])
    body = raw.http_response.json()
    assert body == {
        **V2_DEFAULTS,
        "id": body["id"],
        "created_at": body["created_at"],
        "model": "gpt-4o",
        "name": "Tutor",
    }
    assert ASSISTANT_ID.match(body["id"])

    retrieved = await sdk.beta.assistants.retrieve(body["id"])
    assert retrieved.model_dump(exclude={"tool_resources"}) == {
        key: value for key, value in body.items() if key != "tool_resources"
    }

    updated = await sdk.beta.assistants.update(body["id"], description="Helps")
    assert (updated.name, updated.description, updated.created_at) == (
        "Tutor",
        "Helps",
        body["created_at"],
    )

    deleted = await sdk.beta.assistants.with_raw_response.delete(body["id"])
    assert deleted.status_code == 200
    assert deleted.http_response.json() == {
        "id": body["id"],
        "object": "assistant.deleted",
        "deleted": True,
    }

    with pytest.raises(openai.NotFoundError) as caught:
        await sdk.beta.assistants.retrieve(body["id"])
    assert caught.value.body == not_found(body["id"])


@pytest.mark.parametrize("limit", [1, 2, 4, 5, 20])
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_async_auto_pagination_yields_each_once_in_order(
    fake_assistants: FakeAssistants, sdk: openai.AsyncAzureOpenAI, limit: int, order: str
) -> None:
    ids = [(await sdk.beta.assistants.create(model="gpt-4o")).id for _ in range(5)]
    before = fake_assistants.call_count

    seen = [assistant.id async for assistant in sdk.beta.assistants.list(limit=limit, order=order)]

    assert seen == (ids if order == "asc" else ids[::-1])
    assert fake_assistants.call_count - before == -(-len(ids) // limit)


async def test_async_explicit_page(sdk: openai.AsyncAzureOpenAI) -> None:
    ids = [(await sdk.beta.assistants.create(model="gpt-4o")).id for _ in range(3)]

    page = await sdk.beta.assistants.list(limit=1, after=ids[2])

    assert [a.id for a in page.data] == [ids[1]]
    assert (page.first_id, page.last_id, page.has_more) == (ids[1], ids[1], True)


async def test_async_empty_list(sdk: openai.AsyncAzureOpenAI) -> None:
    page = await sdk.beta.assistants.list()

    assert (page.data, page.first_id, page.last_id, page.has_more) == ([], None, None, False)


async def test_concurrent_creates_are_all_stored(
    fake_assistants: FakeAssistants, sdk: openai.AsyncAzureOpenAI
) -> None:
    made = await asyncio.gather(
        *(sdk.beta.assistants.create(model="gpt-4o", name=f"n{i}") for i in range(10))
    )

    assert len({a.id for a in made}) == 10
    listed = [a.id async for a in sdk.beta.assistants.list(order="asc")]
    assert sorted(listed) == sorted(a.id for a in made)
    assert fake_assistants.call_count == 11


async def test_async_errors_use_the_azure_envelope(sdk: openai.AsyncAzureOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad_version:
        await async_client(api_version="2099-01-01").beta.assistants.list()
    with pytest.raises(openai.NotFoundError) as ga_version:
        await async_client(api_version="2024-06-01").beta.assistants.list()
    with pytest.raises(openai.BadRequestError) as unknown:
        await sdk.beta.assistants.create(model="gpt-4o", extra_body={"foo": 1})

    assert bad_version.value.body == {"code": "BadRequest", "message": "API version not supported"}
    assert ga_version.value.body == {"code": "404", "message": "Resource not found"}
    assert (unknown.value.body["param"], unknown.value.body["code"]) == ("foo", "unknown_parameter")


async def test_async_with_mock_and_same_seed_gives_same_ids() -> None:
    async def ids(seed: int) -> list[str]:
        async with mock(seed=seed):
            sdk = async_client()
            return [(await sdk.beta.assistants.create(model="gpt-4o")).id for _ in range(3)]

    first = await ids(5)

    assert await ids(5) == first
    assert await ids(6) != first


@pytest.mark.fake_assistants(api_key="secret")
async def test_async_wrong_key(fake_assistants: FakeAssistants) -> None:
    with pytest.raises(openai.AuthenticationError):
        await async_client(api_key="wrong").beta.assistants.list()

    assert (await async_client(api_key="secret").beta.assistants.list()).data == []
