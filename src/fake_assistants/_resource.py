"""The state of one Azure OpenAI resource (one host): its stores and its id source."""

from __future__ import annotations

from typing import Any

from ._ids import IdFactory
from ._store import OrderedStore

Record = dict[str, Any]


class Resource:
    def __init__(self, host: str, seed: object) -> None:
        self.host = host
        self.ids = IdFactory(f"{seed}/{host}")
        self.assistants: OrderedStore[Record] = OrderedStore()
        # Vector stores made by the `tool_resources.file_search.vector_stores` helper.
        # The vector store endpoints themselves are not served yet.
        self.vector_stores: dict[str, Record] = {}
