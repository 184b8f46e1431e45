"""`async with fake_assistants.mock()` around async code (pytest-asyncio runs the tests)."""

import pytest

# Imported as `fa`: in a test that takes the `fake_assistants` fixture or parameter, that
# name is the fake, not the module.
import fake_assistants as fa


@pytest.mark.asyncio
async def test_async_crud(async_client):
    async with fa.mock() as fake:
        created = await async_client.beta.assistants.create(model="gpt-4o", name="Helper")
        await async_client.beta.assistants.update(created.id, name="Renamed")
        names = [a.name async for a in async_client.beta.assistants.list()]
        deleted = await async_client.beta.assistants.delete(created.id)

    assert names == ["Renamed"]
    assert deleted.deleted is True
    assert [call.method for call in fake.calls] == ["POST", "POST", "GET", "DELETE"]


@pytest.mark.asyncio
@fa.mock(seed=3)
async def test_as_a_decorator(async_client, fake_assistants):
    # A decorated function gets the active fake through a parameter named fake_assistants.
    created = await async_client.beta.assistants.create(model="gpt-4o")

    assert created.id in fake_assistants.assistants
