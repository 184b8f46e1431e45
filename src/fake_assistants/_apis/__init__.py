"""Every API the fake serves; their routes, in one registry. Nothing else knows the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._context import Context
from . import assistants, messages, runs, threads

Handler = Callable[[Context], Any]
Route = tuple[str, str, Handler]

ROUTES: list[Route] = [
    *assistants.ROUTES,
    *threads.ROUTES,
    *messages.ROUTES,
    *runs.ROUTES,
]

# Served to the direct API only (`fake.threads.list()`): the service has no such endpoint.
DIRECT_ROUTES: list[Route] = [
    *threads.DIRECT_ROUTES,
]
