"""Many clients on one fake: threads and tasks lose no update and see no half-made object."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import openai

import fake_assistants

ENDPOINT = "https://busy.openai.azure.com"
FIELDS = {
    "id", "object", "created_at", "name", "description", "model", "instructions",
    "tools", "tool_resources", "metadata", "top_p", "temperature", "response_format",
}  # fmt: skip


def client() -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT, api_key="k", api_version="2024-05-01-preview", max_retries=0
    )


def test_threads_lose_no_create_and_no_update() -> None:
    with fake_assistants.mock() as fake:
        shared = client()
        target = shared.beta.assistants.create(model="gpt-4o")

        def work(worker: int) -> list[str]:
            made = []
            for step in range(20):
                made.append(shared.beta.assistants.create(model="m", name=f"{worker}-{step}").id)
                shared.beta.assistants.update(target.id, metadata={f"w{worker}": str(step)})
                page = shared.beta.assistants.list(limit=100).data
                assert all(set(a.model_dump(exclude_unset=True)) == FIELDS for a in page)
            return made

        with ThreadPoolExecutor(max_workers=8) as pool:
            made = [i for ids in pool.map(work, range(8)) for i in ids]

        assert len(set(made)) == 160
        assert len(fake.assistants) == 161
        assert {a["name"] for a in fake.assistants.list()} >= {f"{w}-19" for w in range(8)}
        # Every update replaced the whole map: the last one written is what is stored.
        last_update = fake.calls[-1]
        assert fake.assistants.retrieve(target.id)["metadata"] == _last_metadata(fake, target.id)
        assert last_update.status == 200


def _last_metadata(fake: fake_assistants.FakeAssistants, assistant_id: str) -> dict[str, str]:
    updates = [c for c in fake.calls if c.method == "POST" and c.path.endswith(assistant_id)]
    return updates[-1].response.json()["metadata"]


def test_asyncio_tasks_share_one_fake() -> None:
    async def main() -> set[str]:
        async with fake_assistants.mock():
            aclient = openai.AsyncAzureOpenAI(
                azure_endpoint=ENDPOINT, api_key="k", api_version="2024-05-01-preview"
            )

            async def make(index: int) -> str:
                created = await aclient.beta.assistants.create(model="m", name=str(index))
                await aclient.beta.assistants.update(created.id, metadata={"i": str(index)})
                return created.id

            ids = set(await asyncio.gather(*(make(i) for i in range(100))))
            listed = {a.id async for a in aclient.beta.assistants.list(limit=7)}
            assert listed == ids
            for assistant_id in ids:
                got = await aclient.beta.assistants.retrieve(assistant_id)
                assert got.metadata == {"i": got.name}
            return ids

    assert len(asyncio.run(main())) == 100


def test_rejected_requests_from_threads_change_nothing() -> None:
    with fake_assistants.mock() as fake:
        shared = client()
        keep = shared.beta.assistants.create(model="gpt-4o", name="keep", metadata={"a": "1"})
        before = fake.assistants.list()

        def bad(worker: int) -> int:
            failures = 0
            for _ in range(25):
                try:
                    shared.beta.assistants.update(keep.id, name="x" * 300, metadata={"b": "2"})
                except openai.BadRequestError:
                    failures += 1
            return failures

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert sum(pool.map(bad, range(4))) == 100
        assert fake.assistants.list() == before
