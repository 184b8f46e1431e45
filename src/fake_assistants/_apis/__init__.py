"""Every API the fake serves; their routes, in one registry. Nothing else knows the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._context import Context
from . import assistants, files, messages, runs, threads, vector_stores

Handler = Callable[[Context], Any]
Route = tuple[str, str, Handler]

ROUTES: list[Route] = [
    *assistants.ROUTES,
    *threads.ROUTES,
    *messages.ROUTES,
    *runs.ROUTES,
    *files.ROUTES,
    *vector_stores.ROUTES,
]

# Served to the direct API only (`fake.threads.list()`, `fake.files.content()` of any
# purpose): the service has no such endpoints.
DIRECT_ROUTES: list[Route] = [
    *threads.DIRECT_ROUTES,
    *files.DIRECT_ROUTES,
]
