"""The httpx and httpx2 adapter: Azure requests go to the fake, all others go on unchanged.

It wraps `Client._transport_for_url` (sync and async, in httpx and, when installed,
httpx2). That method is asked for a transport per request, with the URL, so a request to
an Azure host gets the fake's transport and any other keeps the client's own transport,
mounts and mocks. Wrapping there costs next to nothing per request (see benchmarks/).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from ._http import Request, Response


class Claimant(Protocol):
    def claims(self, netloc: str) -> bool: ...

    def handle(self, request: Request) -> Response: ...


_lock = threading.Lock()
_active: list[Claimant] = []
_originals: list[tuple[Any, Callable[..., Any]]] = []


def activate(fake: Claimant) -> None:
    with _lock:
        if not _active:
            _install()
        _active.append(fake)


def deactivate(fake: Claimant) -> None:
    with _lock:
        if fake in _active:
            _active.remove(fake)
        if not _active:
            _uninstall()


def claimant(netloc: str) -> Claimant | None:
    """The most recently activated fake that serves this host, if any."""
    for fake in reversed(_active):
        if fake.claims(netloc):
            return fake
    return None


def _modules() -> list[ModuleType]:
    found = []
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            continue
    return found


def _install() -> None:
    for module in _modules():
        sync_type, async_type = _transport_types(module)
        pairs: tuple[tuple[Any, type], ...] = (
            (module.Client, sync_type),
            (module.AsyncClient, async_type),
        )
        for client, transport_type in pairs:
            original = client.__dict__["_transport_for_url"]
            _originals.append((client, original))
            client._transport_for_url = _wrap(original, transport_type)


def _uninstall() -> None:
    while _originals:
        client, original = _originals.pop()
        client._transport_for_url = original


def _wrap(original: Callable[..., Any], transport_type: type) -> Callable[..., Any]:
    def _transport_for_url(self: Any, url: Any) -> Any:
        port = url.port
        fake = claimant(url.host if port is None else f"{url.host}:{port}")
        if fake is None:
            return original(self, url)
        return transport_type(fake)

    _transport_for_url.__wrapped__ = original  # type: ignore[attr-defined]
    return _transport_for_url


_types: dict[str, tuple[type, type]] = {}


def _transport_types(module: ModuleType) -> tuple[type, type]:
    """A sync and an async transport class for this httpx-like module, made once."""
    if module.__name__ not in _types:
        _types[module.__name__] = _make_transport_types(module)
    return _types[module.__name__]


def _make_transport_types(module: ModuleType) -> tuple[type, type]:
    def to_response(response: Response) -> Any:
        return module.Response(
            response.status, headers=list(response.headers), content=response.body
        )

    class FakeTransport(module.BaseTransport):  # type: ignore[name-defined,misc]
        def __init__(self, fake: Claimant) -> None:
            self.fake = fake

        def handle_request(self, request: Any) -> Any:
            return to_response(self.fake.handle(_core_request(request, request.read())))

    class AsyncFakeTransport(module.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        def __init__(self, fake: Claimant) -> None:
            self.fake = fake

        async def handle_async_request(self, request: Any) -> Any:
            body = await request.aread()
            return to_response(self.fake.handle(_core_request(request, body)))

    return FakeTransport, AsyncFakeTransport


def _core_request(request: Any, body: bytes) -> Request:
    # .items() walks the headers once; dict(headers) looks each name up again (quadratic).
    return Request(request.method, str(request.url), dict(request.headers.items()), body)
