"""Pagination as properties: the store against a reference model, then the real openai SDK.

The store's pages are compared with a plain sorted list for random histories (ties under
a frozen clock, a clock going backwards, deletions, deleted ids as cursors). Then the SDK's
auto-pagination, driven against the fake, must yield every assistant exactly once, in
order, for any `limit` from 1 to 100 and both orders.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fake_assistants
from fake_assistants._store import OrderedStore

ENDPOINT = "https://pages.openai.azure.com"
API_VERSION = "2024-05-01-preview"


@pytest.fixture(autouse=True)
def _quiet_deprecations() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def reference_order(created: list[int], descending: bool) -> list[int]:
    """Indexes into `created` sorted by (created_at, creation index)."""
    ordered = sorted(range(len(created)), key=lambda i: (created[i], i))
    return ordered[::-1] if descending else ordered


def reference_page(
    ordered: list[int],
    deleted: set[int],
    limit: int,
    after: int | None,
    before: int | None,
) -> tuple[list[int], bool]:
    start = ordered.index(after) + 1 if after is not None else 0
    stop = ordered.index(before) if before is not None else len(ordered)
    between = [i for i in ordered[start:stop] if i not in deleted]
    if before is not None and after is None:
        return between[-limit:], len(between) > limit
    return between[:limit], len(between) > limit


# created_at values drawn from a tiny range: many ties, and the clock goes back and forth
TIMESTAMPS = st.lists(st.integers(0, 4), min_size=0, max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data(), created=TIMESTAMPS, descending=st.booleans())
def test_store_page_matches_reference(
    data: st.DataObject, created: list[int], descending: bool
) -> None:
    store: OrderedStore[int] = OrderedStore()
    for index, created_at in enumerate(created):
        store.add(f"id{index}", created_at, index)
    indexes = range(len(created))
    deleted = data.draw(st.sets(st.sampled_from(indexes)) if created else st.just(set()))
    for index in deleted:
        store.remove(f"id{index}")
    cursor = (st.none() | st.sampled_from(indexes)) if created else st.none()
    limit = data.draw(st.integers(1, len(created) + 2), label="limit")
    after = data.draw(cursor, label="after")
    before = data.draw(cursor, label="before")
    page = store.page(
        limit,
        descending,
        None if after is None else f"id{after}",
        None if before is None else f"id{before}",
    )
    ordered = reference_order(created, descending)
    assert (page.items, page.has_more) == reference_page(ordered, deleted, limit, after, before)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(created=TIMESTAMPS, limit=st.integers(1, 12), descending=st.booleans())
def test_walking_after_and_before_cursors_covers_the_list(
    created: list[int], limit: int, descending: bool
) -> None:
    """Forward with `after=last` and backward with `before=first`: each item exactly once."""
    store: OrderedStore[int] = OrderedStore()
    for index, created_at in enumerate(created):
        store.add(f"id{index}", created_at, index)
    ordered = reference_order(created, descending)

    forward: list[int] = []
    after: str | None = None
    while True:
        page = store.page(limit, descending, after=after)
        assert len(page.items) <= limit
        forward += page.items
        if not page.has_more:
            break
        after = f"id{page.items[-1]}"
    assert forward == ordered

    if ordered:  # backward from the last item: everything before it, each once
        backward: list[int] = []
        before = f"id{ordered[-1]}"
        while True:
            page = store.page(limit, descending, before=before)
            assert len(page.items) <= limit
            backward = page.items + backward
            if not page.has_more:
                break
            before = f"id{page.items[0]}"
        assert backward == ordered[:-1]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(created=TIMESTAMPS, limit=st.integers(1, 7), descending=st.booleans())
def test_deleting_each_page_while_paging_forward(
    created: list[int], limit: int, descending: bool
) -> None:
    store: OrderedStore[int] = OrderedStore()
    for index, created_at in enumerate(created):
        store.add(f"id{index}", created_at, index)
    seen: list[int] = []
    after: str | None = None
    while True:
        page = store.page(limit, descending, after=after)
        for index in page.items:
            store.remove(f"id{index}")
        seen += page.items
        if not page.has_more:
            break
        after = f"id{page.items[-1]}"
    assert seen == reference_order(created, descending)
    assert len(store) == 0


# --- through the openai SDK ----------------------------------------------------------------


class Clock:
    """Hands out the drawn timestamps one create at a time; stands still otherwise."""

    def __init__(self, times: list[int]) -> None:
        self.times = times
        self.reads = 0
        self.frozen = True

    def __call__(self) -> int:
        if self.frozen or not self.times:
            return 1_700_000_000
        value = self.times[min(self.reads, len(self.times) - 1)]
        self.reads += 1
        return 1_700_000_000 + value


@functools.cache
def client() -> openai.AzureOpenAI:
    """One client for every example: building one costs more than many requests.

    The fake intercepts per request, so a client made once serves every `mock()` block.
    """
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT, api_key="key", api_version=API_VERSION, max_retries=0
    )


def seed(
    fake: fake_assistants.FakeAssistants, clock: Clock, created: list[int], via_sdk: int
) -> list[str]:
    """One assistant per timestamp: the first `via_sdk` over HTTP, the rest directly."""
    sdk = client()
    ids: list[str] = []
    clock.frozen = False
    for index in range(len(created)):
        if index < via_sdk:
            ids.append(sdk.beta.assistants.create(model="gpt-4o", name=f"a{index}").id)
        else:
            ids.append(fake.assistants.create(model="gpt-4o", name=f"a{index}")["id"])
    clock.frozen = True
    assert clock.reads == len(created)  # one clock read per create: the drawn history
    return ids


def expected_ids(ids: list[str], created: list[int], order: str) -> list[str]:
    return [ids[i] for i in reference_order(created, order == "desc")]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    created=st.lists(st.integers(0, 3), max_size=130),
    limit=st.integers(1, 100),
    order=st.sampled_from(["asc", "desc"]),
    via_sdk=st.integers(0, 3),
)
def test_sdk_auto_pagination_yields_each_assistant_once_in_order(
    created: list[int], limit: int, order: str, via_sdk: int
) -> None:
    clock = Clock(created)
    with fake_assistants.mock(endpoint=ENDPOINT, clock=clock, api_version=API_VERSION) as fake:
        ids = seed(fake, clock, created, via_sdk)
        fake.calls.clear()
        pager = client().beta.assistants.list(limit=limit, order=order)  # type: ignore[arg-type]
        listed = [assistant.id for assistant in pager]
        assert listed == expected_ids(ids, created, order)
        assert len(set(listed)) == len(ids)
        # one request per page (has_more is exact: no trailing empty page is fetched)
        assert len(fake.calls) == max(1, -(-len(ids) // limit))
        for call in fake.calls:
            query = dict(call.request.query)
            assert query["limit"] == str(limit)
            assert query["order"] == order
            assert call.status == 200


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    limit=st.sampled_from([1, 2, 7, 20, 99, 100]),
    multiple=st.integers(0, 3),
    delta=st.sampled_from([-1, 0, 1]),
    order=st.sampled_from(["asc", "desc"]),
)
def test_sdk_auto_pagination_at_page_boundaries(
    limit: int, multiple: int, delta: int, order: str
) -> None:
    """Counts that are exact multiples of `limit`, and one either side, under a frozen clock."""
    count = max(0, multiple * limit + delta)
    created = [0] * count
    clock = Clock(created)
    with fake_assistants.mock(endpoint=ENDPOINT, clock=clock, api_version=API_VERSION) as fake:
        ids = seed(fake, clock, created, via_sdk=0)
        fake.calls.clear()
        listed = [a.id for a in client().beta.assistants.list(limit=limit, order=order)]  # type: ignore[arg-type]
        assert listed == (ids if order == "asc" else ids[::-1])
        assert len(fake.calls) == max(1, -(-count // limit))
        assert fake.calls.last.response.json()["has_more"] is False


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    created=st.lists(st.integers(0, 2), max_size=60),
    limit=st.integers(1, 100),
    order=st.sampled_from(["asc", "desc"]),
)
def test_sdk_delete_everything_while_auto_paginating(
    created: list[int], limit: int, order: str
) -> None:
    """`for a in list(): delete(a.id)` removes every assistant: deleted cursors keep working."""
    clock = Clock(created)
    with fake_assistants.mock(endpoint=ENDPOINT, clock=clock, api_version=API_VERSION) as fake:
        ids = seed(fake, clock, created, via_sdk=0)
        sdk = client()
        visited: list[str] = []
        for assistant in sdk.beta.assistants.list(limit=limit, order=order):  # type: ignore[arg-type]
            visited.append(assistant.id)
            assert sdk.beta.assistants.delete(assistant.id).deleted is True
        assert visited == expected_ids(ids, created, order)
        assert len(fake.assistants) == 0
        assert sdk.beta.assistants.list(limit=limit).data == []


def test_sdk_before_cursor_returns_the_page_closest_to_it() -> None:
    """A hand-driven `before` page: the items just before the cursor, in list order."""
    with fake_assistants.mock(endpoint=ENDPOINT, clock=lambda: 1_700_000_000) as fake:
        ids = [fake.assistants.create(model="gpt-4o")["id"] for _ in range(7)]
        sdk = client()
        page: Any = sdk.beta.assistants.list(limit=2, order="asc", before=ids[5])
        assert [a.id for a in page.data] == ids[3:5]
        assert page.has_more is True
        assert (page.first_id, page.last_id) == (ids[3], ids[4])
        page = sdk.beta.assistants.list(limit=2, order="desc", before=ids[1])
        assert [a.id for a in page.data] == [ids[3], ids[2]]
        assert page.has_more is True
        page = sdk.beta.assistants.list(limit=5, order="desc", before=ids[4])
        assert [a.id for a in page.data] == [ids[6], ids[5]]
        assert page.has_more is False
