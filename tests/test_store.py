"""OrderedStore: the ordered collection behind every list endpoint.

Examples pin the documented semantics; a hypothesis state machine then checks every page
against a reference model (a plain list ordered by (created_at, insertion order)) while
items are added under a clock that stands still or goes backwards, and deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from fake_assistants._store import OrderedStore, Page

# --- the reference model -------------------------------------------------------------------


@dataclass
class Model:
    """Every id ever added, ordered by (created_at, insertion order); deleted ones flagged."""

    rows: list[tuple[int, int, str]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)

    def add(self, object_id: str, created_at: int) -> None:
        self.rows.append((created_at, len(self.rows), object_id))

    def remove(self, object_id: str) -> None:
        self.deleted.add(object_id)

    def order(self, descending: bool) -> list[str]:
        """All ids (deleted too) in list order: cursors keep their place after deletion."""
        ids = [object_id for _, _, object_id in sorted(self.rows)]
        return ids[::-1] if descending else ids

    def live(self, descending: bool) -> list[str]:
        return [i for i in self.order(descending) if i not in self.deleted]

    def page(
        self, limit: int, descending: bool, after: str | None, before: str | None
    ) -> tuple[list[str], bool]:
        ids = self.order(descending)
        start = ids.index(after) + 1 if after is not None else 0
        stop = ids.index(before) if before is not None else len(ids)
        between = [i for i in ids[start:stop] if i not in self.deleted]
        if before is not None and after is None:
            return between[-limit:], len(between) > limit
        return between[:limit], len(between) > limit


def store_page(
    store: OrderedStore[str],
    limit: int,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
) -> tuple[list[str], bool]:
    page = store.page(limit, descending, after, before)
    assert isinstance(page, Page)
    return page.items, page.has_more


def build(created: list[tuple[str, int]]) -> OrderedStore[str]:
    store: OrderedStore[str] = OrderedStore()
    for object_id, created_at in created:
        store.add(object_id, created_at, object_id)
    return store


# --- basic container behaviour --------------------------------------------------------------


def test_empty_store() -> None:
    store: OrderedStore[str] = OrderedStore()
    assert len(store) == 0
    assert list(store) == []
    assert store.get("a") is None
    assert "a" not in store
    assert not store.knows("a")
    for descending in (False, True):
        assert store_page(store, 20, descending) == ([], False)


def test_add_get_replace_remove() -> None:
    store = build([("a", 10), ("b", 5)])
    assert len(store) == 2
    assert "a" in store and "b" in store
    assert store.get("a") == "a"
    store.replace("a", "A")
    assert store.get("a") == "A"
    assert list(store) == ["b", "A"]  # oldest first, replace keeps the position
    assert store.remove("b") == "b"
    assert "b" not in store
    assert store.get("b") is None
    assert store.knows("b")  # a deleted id stays usable as a cursor
    assert len(store) == 1
    assert list(store) == ["A"]


def test_remove_unknown_raises_key_error() -> None:
    store = build([("a", 1)])
    with pytest.raises(KeyError):
        store.remove("zzz")


def test_iteration_is_oldest_first_by_created_at_then_creation() -> None:
    store = build([("a", 5), ("b", 3), ("c", 5), ("d", 3), ("e", 9)])
    assert list(store) == ["b", "d", "a", "c", "e"]


# --- pagination examples -------------------------------------------------------------------

FROZEN = [(f"i{n}", 100) for n in range(6)]  # one clock tick: creation order decides


@pytest.mark.parametrize(
    ("limit", "descending", "after", "before", "expected"),
    [
        (20, False, None, None, (["i0", "i1", "i2", "i3", "i4", "i5"], False)),
        (20, True, None, None, (["i5", "i4", "i3", "i2", "i1", "i0"], False)),
        (2, False, None, None, (["i0", "i1"], True)),
        (6, False, None, None, (["i0", "i1", "i2", "i3", "i4", "i5"], False)),
        (5, True, None, None, (["i5", "i4", "i3", "i2", "i1"], True)),
        # after: the items following the cursor in list order
        (2, False, "i1", None, (["i2", "i3"], True)),
        (20, False, "i1", None, (["i2", "i3", "i4", "i5"], False)),
        (2, True, "i4", None, (["i3", "i2"], True)),
        (20, False, "i5", None, ([], False)),
        (20, True, "i0", None, ([], False)),
        # before alone: the `limit` items just before the cursor (closest to it)
        (2, False, None, "i4", (["i2", "i3"], True)),
        (4, False, None, "i4", (["i0", "i1", "i2", "i3"], False)),
        (2, True, None, "i1", (["i3", "i2"], True)),
        (4, True, None, "i1", (["i5", "i4", "i3", "i2"], False)),
        (20, False, None, "i0", ([], False)),
        # both: strictly between, taken from the `after` side
        (2, False, "i0", "i5", (["i1", "i2"], True)),
        (4, False, "i0", "i5", (["i1", "i2", "i3", "i4"], False)),
        (2, True, "i5", "i0", (["i4", "i3"], True)),
        (20, False, "i2", "i3", ([], False)),
        (20, False, "i3", "i3", ([], False)),
        (20, False, "i4", "i1", ([], False)),  # crossed cursors: nothing between
    ],
)
def test_page_examples_under_a_frozen_clock(
    limit: int,
    descending: bool,
    after: str | None,
    before: str | None,
    expected: tuple[list[str], bool],
) -> None:
    store = build(FROZEN)
    assert store_page(store, limit, descending, after, before) == expected


def test_clock_going_backwards_orders_by_created_at_not_by_insertion() -> None:
    store = build([("late", 300), ("early", 100), ("mid", 200), ("early2", 100)])
    assert store_page(store, 20, False) == (["early", "early2", "mid", "late"], False)
    assert store_page(store, 20, True) == (["late", "mid", "early2", "early"], False)
    assert store_page(store, 1, False, after="early2") == (["mid"], True)
    assert store_page(store, 1, False, before="mid") == (["early2"], True)


def test_deleted_cursor_keeps_its_place() -> None:
    store = build(FROZEN)
    store.remove("i2")
    store.remove("i3")
    assert store_page(store, 20, False, after="i2") == (["i4", "i5"], False)
    assert store_page(store, 20, False, before="i3") == (["i0", "i1"], False)
    assert store_page(store, 20, True, after="i3") == (["i1", "i0"], False)
    assert store_page(store, 1, True, before="i2") == (["i4"], True)
    assert store_page(store, 20, False, after="i2", before="i3") == ([], False)


def test_deleting_while_paging_forward_visits_everything_once() -> None:
    """The common clean-up loop: list a page, delete it, continue after the last id."""
    store = build([(f"i{n}", n // 3) for n in range(10)])
    seen: list[str] = []
    after = None
    while True:
        items, has_more = store_page(store, 3, False, after)
        for item in items:
            store.remove(item)
        seen += items
        if not has_more:
            break
        after = items[-1]
    assert seen == [f"i{n}" for n in range(10)]
    assert len(store) == 0


def test_page_does_not_mutate_the_store() -> None:
    store = build(FROZEN)
    before = list(store)
    store_page(store, 3, True, "i4")
    store_page(store, 3, False, None, "i4")
    assert list(store) == before


# --- the state machine ---------------------------------------------------------------------


class StoreMachine(RuleBasedStateMachine):
    """Adds (clock still, forward or backward), deletes and pages, against the model."""

    live_ids = Bundle("live_ids")

    def __init__(self) -> None:
        super().__init__()
        self.store: OrderedStore[str] = OrderedStore()
        self.model = Model()
        self.clock = 1000
        self.counter = 0

    @rule(target=live_ids, step=st.sampled_from([0, 0, 0, 1, 2, -1, -3]))
    def add(self, step: int) -> str:
        self.clock += step
        object_id = f"obj{self.counter}"
        self.counter += 1
        self.store.add(object_id, self.clock, object_id)
        self.model.add(object_id, self.clock)
        return object_id

    @rule(object_id=consumes(live_ids))
    def remove(self, object_id: str) -> None:
        assert self.store.remove(object_id) == object_id
        self.model.remove(object_id)

    @precondition(lambda self: self.counter > 0)
    @rule(data=st.data())
    def page(self, data: st.DataObject) -> None:
        known = [f"obj{n}" for n in range(self.counter)]
        cursor = st.none() | st.sampled_from(known)
        limit = data.draw(st.integers(1, self.counter + 2), label="limit")
        descending = data.draw(st.booleans(), label="descending")
        after = data.draw(cursor, label="after")
        before = data.draw(cursor, label="before")
        expected = self.model.page(limit, descending, after, before)
        assert store_page(self.store, limit, descending, after, before) == expected

    @invariant()
    def contents_match(self) -> None:
        assert list(self.store) == self.model.live(descending=False)
        assert len(self.store) == len(self.model.live(descending=False))
        for object_id in self.model.deleted:
            assert object_id not in self.store
            assert self.store.knows(object_id)


StoreMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, derandomize=True
)
TestStoreMachine = StoreMachine.TestCase
