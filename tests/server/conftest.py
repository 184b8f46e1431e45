"""Tests of the fake served over real HTTP. They need loopback sockets, so here the
`offline` guard (tests/helpers.py) is narrowed, not lifted: `loopback_only` lets names
and connections through for 127.0.0.1, ::1 and localhost and refuses every other one.

The server tests need uvicorn (the 'server' extra); without it they skip at collection.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the server tests need the 'server' extra (uvicorn)")

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection
REAL_CONNECT = socket.socket.connect
REAL_CONNECT_EX = socket.socket.connect_ex


def is_loopback(address: Any) -> bool:
    return isinstance(address, tuple) and bool(address) and address[0] in LOOPBACK


def refuse(what: str, target: Any) -> AssertionError:
    return AssertionError(f"a server test tried to reach a non-loopback address: {what} {target!r}")


def guarded(real: Callable[..., Any], what: str, *, method: bool) -> Callable[..., Any]:
    """`real`, for loopback targets only: the host is the first argument, or the first
    item of the address argument (after `self` for socket methods)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        target = args[1] if method else args[0]
        host_only = what == "getaddrinfo"
        if not (target in LOOPBACK if host_only else is_loopback(target)):
            raise refuse(what, target)
        return real(*args, **kwargs)

    return call


@pytest.fixture(autouse=True)
def loopback_only(offline: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Runs after `offline` and replaces its refusals with loopback-only ones."""
    monkeypatch.setattr(
        socket, "getaddrinfo", guarded(REAL_GETADDRINFO, "getaddrinfo", method=False)
    )
    monkeypatch.setattr(
        socket, "create_connection", guarded(REAL_CREATE_CONNECTION, "connect", method=False)
    )
    monkeypatch.setattr(socket.socket, "connect", guarded(REAL_CONNECT, "connect", method=True))
    monkeypatch.setattr(
        socket.socket, "connect_ex", guarded(REAL_CONNECT_EX, "connect", method=True)
    )
    yield
