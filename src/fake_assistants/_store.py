"""An ordered collection with cursor pagination, shared by every listable resource.

Items are ordered by (created_at, creation sequence): ties under a frozen clock keep true
creation order. Keys live in a sorted list, so a page costs O(log n + limit). Deleted ids
keep their key as a cursor, so paging on while deleting (a common clean-up loop) works.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
Key = tuple[int, int]


@dataclass(slots=True)  # not frozen: made for every page
class Page(Generic[T]):
    items: list[T]
    has_more: bool


@dataclass(frozen=True, slots=True)
class StoreState(Generic[T]):
    items: list[tuple[str, T]]  # oldest first
    keys: dict[str, Key]  # every id known, deleted ones too
    next: int


class OrderedStore(Generic[T]):
    def __init__(self) -> None:
        self._items: dict[str, T] = {}
        self._keys: list[Key] = []
        self._ids_by_key: dict[Key, str] = {}
        self._key_of: dict[str, Key] = {}  # includes deleted ids, for cursors
        self._next = 0  # the creation sequence of the next item

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, object_id: object) -> bool:
        return object_id in self._items

    def __iter__(self) -> Iterator[T]:
        """Items oldest first."""
        return (self._items[self._ids_by_key[key]] for key in self._keys)

    def get(self, object_id: str) -> T | None:
        return self._items.get(object_id)

    def newest(self) -> T | None:
        """The last item in creation order, or None when empty."""
        return self._items[self._ids_by_key[self._keys[-1]]] if self._keys else None

    def add(self, object_id: str, created_at: int, item: T) -> None:
        key = (created_at, self._next)
        self._next += 1
        self._items[object_id] = item
        self._ids_by_key[key] = object_id
        self._key_of[object_id] = key
        insort(self._keys, key)

    def replace(self, object_id: str, item: T) -> None:
        self._items[object_id] = item

    def remove(self, object_id: str) -> T:
        item = self._items.pop(object_id)
        key = self._key_of[object_id]
        del self._keys[bisect_left(self._keys, key)]
        del self._ids_by_key[key]
        return item

    def state(self) -> StoreState[T]:
        """Everything the store holds, to rebuild it with `from_state`: items oldest
        first, the keys of every id it knows (deleted ones too) and the next sequence."""
        items = [(self._ids_by_key[key], self._items[self._ids_by_key[key]]) for key in self._keys]
        return StoreState(items, dict(self._key_of), self._next)

    @staticmethod
    def from_state(state: StoreState[T]) -> OrderedStore[T]:
        return OrderedStore._holding(dict(state.items), dict(state.keys), state.next)

    def subset(self, kept: Mapping[str, T]) -> OrderedStore[T]:
        """A store of `kept` (ids of items here, with their values as they are now), in
        this store's order, which knows every id this one knows: a listing filtered by
        status takes any id of the unfiltered one as a cursor, deleted ones too."""
        # The keys are shared, read only: the subset lives for one page.
        return OrderedStore._holding(kept, self._key_of, self._next)

    @staticmethod
    def _holding(items: Mapping[str, T], keys: dict[str, Key], next_key: int) -> OrderedStore[T]:
        """A store of `items`, ordered by `keys` (which may know more ids than it holds)."""
        store: OrderedStore[T] = OrderedStore()
        store._key_of = keys
        store._next = next_key
        for object_id, item in items.items():
            key = keys[object_id]
            store._items[object_id] = item
            store._ids_by_key[key] = object_id
            store._keys.append(key)
        store._keys.sort()
        return store

    def knows(self, object_id: str) -> bool:
        """True for stored ids and for deleted ones still usable as cursors."""
        return object_id in self._key_of

    def page(
        self, limit: int, descending: bool, after: str | None = None, before: str | None = None
    ) -> Page[T]:
        """The page the service returns. Cursors must be ids for which `knows()` holds.

        `after` pages move away from the cursor in list order. A `before`-only page holds
        the `limit` items just before the cursor, in list order, and `has_more` says
        whether more lie further back.
        """
        lo, hi = self._bounds(descending, after, before)
        toward_start = before is not None and after is None
        if toward_start == descending:  # take from the low end of the ascending range
            taken = range(lo, min(hi, lo + limit))
            has_more = lo + limit < hi
        else:  # take from the high end
            taken = range(max(lo, hi - limit), hi)
            has_more = hi - limit > lo
        ids = [self._ids_by_key[self._keys[i]] for i in taken]
        if descending:
            ids.reverse()
        return Page([self._items[i] for i in ids], has_more)

    def _bounds(self, descending: bool, after: str | None, before: str | None) -> tuple[int, int]:
        """The ascending index range [lo, hi) strictly between the cursors."""
        lo, hi = 0, len(self._keys)
        low_cursor, high_cursor = (before, after) if descending else (after, before)
        if low_cursor is not None:
            lo = bisect_right(self._keys, self._key_of[low_cursor])
        if high_cursor is not None:
            hi = bisect_left(self._keys, self._key_of[high_cursor])
        return lo, max(lo, hi)
