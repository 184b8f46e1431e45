"""The state of one Azure OpenAI resource (one host): its stores and its id source."""

from __future__ import annotations

from typing import Any

from ._ids import IdFactory
from ._store import OrderedStore

Record = dict[str, Any]
StoreKey = tuple[str, ...]


class Resource:
    """Stores are named by where they sit in the API: `("assistants",)`,
    `("threads", thread_id, "messages")`. Nothing here knows an API."""

    def __init__(self, host: str, seed: object, by_host: bool = True) -> None:
        self.host = host
        # The default resource's ids follow the seed alone, so the same program gets the
        # same ids in process and over HTTP, whatever host it reaches the fake by.
        self.ids = IdFactory(f"{seed}/{host}" if by_host else str(seed))
        self._stores: dict[StoreKey, OrderedStore[Record]] = {}
        # Derived state rebuilt from the stores when missing (search indexes).
        self.cache: dict[object, object] = {}

    def store(self, *key: str) -> OrderedStore[Record]:
        """The store at `key`, made empty on first use."""
        found = self._stores.get(key)
        if found is None:
            found = self._stores[key] = OrderedStore()
        return found

    def existing(self, *key: str) -> OrderedStore[Record] | None:
        """The store at `key` if one was made: reads that name anything (a `run_id`
        filter) must not make a store per name they are sent."""
        return self._stores.get(key)

    def stores(self) -> dict[StoreKey, OrderedStore[Record]]:
        """Every store made so far, by key (a copy of the mapping, not of the stores)."""
        return dict(self._stores)

    def put(self, key: StoreKey, store: OrderedStore[Record]) -> None:
        """Installs a store rebuilt elsewhere (a snapshot being loaded)."""
        self._stores[key] = store

    def drop(self, *prefix: str) -> None:
        """Forgets every store under `prefix` (a deleted thread's messages and runs)."""
        size = len(prefix)
        for key in [key for key in self._stores if key[:size] == prefix]:
            del self._stores[key]
