"""Every API the fake serves; their routes, in one registry. Nothing else knows the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._context import Context
from . import assistants

Handler = Callable[[Context], Any]

ROUTES: list[tuple[str, str, Handler]] = [
    *assistants.ROUTES,
]
