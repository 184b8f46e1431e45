"""The httpx and httpx2 adapter: Azure requests go to the fake, all others go on unchanged.

It wraps `Client._send_single_request` (sync and async, in httpx and, when installed,
httpx2), the method each request passes through once per hop. A request for a host a
fake claims is sent by the client's own code with the fake as its transport; any other
request goes on untouched, through the client's transport, mounts and mocks. respx's
httpx mocker patches `_transport_for_url` (which `_send_single_request` calls), never
this method, so respx and the fake start and stop in any order without undoing each other.

Requests read the active fakes from an immutable snapshot (`_state`), replaced whole
under `_lock` and read without it: a request never sees a half-made change.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from types import ModuleType
from typing import Any, Protocol

from ._hosts import host_of, is_azure_host, normal_netloc
from ._http import Dropped, Request, Response
from ._limits import body_limit
from ._unserved import UnsupportedRequestWarning, user_stacklevel

METHOD = "_send_single_request"
MODULES = ("httpx", "httpx2")
DROPPED = "Server disconnected without sending a response."  # httpcore's words
GATEWAY_404 = b'{"error": {"code": "404", "message": "Resource not found"}}'


class Claimant(Protocol):
    endpoints: tuple[str, ...]  # normal netlocs (see _hosts.normal_netloc)

    def claims(self, netloc: str) -> bool: ...

    def handle(self, request: Request) -> Response: ...


class Mount(Claimant, Protocol):
    """A fake mounted elsewhere (a respx route): serves what that mount cannot reach."""

    def live(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class _State:
    fakes: tuple[tuple[Claimant, int], ...] = ()  # (fake, thread that started it), oldest first
    mounts: tuple[Mount, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.fakes or self.mounts)


_lock = threading.Lock()
_state = _State()


def activate(fake: Claimant) -> None:
    with _lock:
        _publish(_State((*_state.fakes, (fake, threading.get_ident())), _state.mounts))


def deactivate(fake: Claimant) -> None:
    with _lock:
        fakes = list(_state.fakes)
        for index in reversed(range(len(fakes))):
            if fakes[index][0] is fake:
                del fakes[index]
                break
        _publish(_State(tuple(fakes), _state.mounts))


def mount(mounted: Mount) -> None:
    """Serves, while `mounted.live()`, the httpx2 requests it claims (see _respx)."""
    with _lock:
        _publish(_State(_state.fakes, (*_state.mounts, mounted)))


def _publish(state: _State) -> None:
    """Installs before a fake becomes visible; uninstalls before the last one goes."""
    global _state
    if state.mounts:  # (a fresh state, not dataclasses.replace: a fake starts per test)
        state = _State(state.fakes, tuple(m for m in state.mounts if m.live()))
    if state:
        _install()
    else:
        _uninstall()
    _state = state


# --- choosing the fake ------------------------------------------------------------------


def choose(fakes: tuple[tuple[Claimant, int], ...], netloc: str) -> Claimant | None:
    """The fake that serves `netloc`: one whose own endpoint it is, else one started by
    this thread, else any that claims it; the most recently started first within each."""
    me = threading.get_ident()
    best, best_rank = None, -1
    for fake, owner in reversed(fakes):
        if netloc in fake.endpoints:
            rank = 3 if owner == me else 2
        elif fake.claims(netloc):
            rank = 1 if owner == me else 0
        else:
            continue
        if rank > best_rank:
            best, best_rank = fake, rank
            if rank == 3:
                break
    return best


@lru_cache(maxsize=4096)
def _key(netloc: bytes) -> tuple[str, bool]:
    """httpx's netloc (lower case, IDNA, no default port) -> (normal netloc, Azure?)."""
    normal = normal_netloc(netloc.decode("ascii", "replace"))
    return normal, is_azure_host(host_of(normal))


def _serving(state: _State, client: Any, url: Any, flavor: str) -> Claimant | None:
    """Who answers this request instead of the client's transport; None: the client does."""
    if isinstance(client, _Routed) or isinstance(getattr(client, "_transport", None), Direct):
        return None  # already on its way to a fake
    netloc, azure = _key(url.netloc)
    fake = choose(state.fakes, netloc)
    if fake is not None:
        return fake
    if state.mounts:
        fake = _mounted(state.mounts, netloc, flavor)
        if fake is not None:
            return fake
    if azure and state.fakes:
        return REFUSER  # fail closed: a fake is active, so no Azure request leaves
    return None


def _mounted(mounts: tuple[Mount, ...], netloc: str, flavor: str) -> Claimant | None:
    """The mount that serves this request: respx reaches httpx itself, not the others."""
    live = [m for m in mounts if m.live()]
    if len(live) < len(mounts):
        with _lock:  # forget dead mounts; with nothing left, uninstall
            _publish(_state)
    if flavor == "httpx":
        return None
    return next((m for m in reversed(live) if m.claims(netloc)), None)


class _Refuser:
    """Answers an Azure request that no active fake claims: Azure's 404, reported."""

    endpoints: tuple[str, ...] = ()

    def claims(self, netloc: str) -> bool:
        return True

    def handle(self, request: Request) -> Response:
        warnings.warn(
            UnsupportedRequestWarning(
                "fake-assistants answered 404 'Resource not found' to a request no active "
                f"fake claims: {request.method} {request.host}{request.path} (via {request.via})"
            ),
            stacklevel=user_stacklevel(),
        )
        note = "fake-assistants: a fake is active, and none claims this host"
        headers = (("content-type", "application/json"), ("x-fake-assistants-unserved", note))
        return Response(404, headers, GATEWAY_404)


REFUSER = _Refuser()


# --- installing -------------------------------------------------------------------------


class _Layer:
    """Our wrapper over one client class's method, and what it wrapped."""

    def __init__(self, owner: type, flavor: str, transport_type: type, is_async: bool) -> None:
        self.owner = owner
        self.original: Callable[..., Any] = getattr(owner, METHOD)  # MRO: may be inherited
        self.inherited = METHOD not in owner.__dict__
        self.left_behind = False  # someone wrapped over ours: it stays, passing through
        make = _async_wrapper if is_async else _sync_wrapper
        self.wrapper = make(self, flavor, transport_type)

    def on_top(self) -> bool:
        return self.owner.__dict__.get(METHOD) is self.wrapper

    def restore(self) -> None:
        if self.inherited:
            delattr(self.owner, METHOD)  # the class had none of its own: leave it so
        else:
            setattr(self.owner, METHOD, self.original)

    def fits(self) -> bool:
        """Whether the class is as this layer found it, so its wrapper can go on again."""
        return (
            getattr(self.owner, METHOD) is self.original
            and (METHOD not in self.owner.__dict__) == self.inherited
        )


_layers: dict[type, _Layer] = {}


_spare: dict[type, _Layer] = {}  # layers restored by the last uninstall, kept for reuse


@lru_cache(maxsize=1)
def _modules() -> tuple[ModuleType, ...]:
    """The httpx-like modules installed; imported once (a fake starts for every test)."""
    found = []
    for name in MODULES:
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            continue
    return tuple(found)


def _install() -> None:
    for module in _modules():
        sync_type, async_type = transport_types(module)
        _install_on(module.Client, module.__name__, sync_type, False)
        _install_on(module.AsyncClient, module.__name__, async_type, True)


def _install_on(owner: type, flavor: str, transport_type: type, is_async: bool) -> None:
    layer = _layers.get(owner)
    if layer is not None and _reaches(getattr(owner, METHOD), layer.wrapper):
        layer.left_behind = False  # ours is in place, maybe under another's: reuse it
        return
    layer = _spare.pop(owner, None)
    if layer is None or not layer.fits():  # the class changed since: wrap what it has now
        layer = _Layer(owner, flavor, transport_type, is_async)
    layer.left_behind = False
    _layers[owner] = layer
    setattr(owner, METHOD, layer.wrapper)


def _uninstall() -> None:
    """Restores only what is still ours; a wrapper someone put over ours stays theirs."""
    for owner, layer in list(_layers.items()):
        if layer.on_top():
            layer.restore()
            del _layers[owner]
            _spare[owner] = layer
        else:
            layer.left_behind = True


def _heal(layer: _Layer) -> None:
    """A left-behind wrapper that is on top again (the other one restored it) goes."""
    with _lock:
        if not _state and layer.on_top() and _layers.get(layer.owner) is layer:
            layer.restore()
            del _layers[layer.owner]


def _reaches(func: Any, target: Any) -> bool:
    """Whether `func` is `target` or calls it, as far as wrappers show (`__wrapped__`,
    closures). A miss only costs a second wrapper, which passes routed requests on."""
    stack, looked = [func], 0
    while stack and looked < 64:
        item = stack.pop()
        looked += 1
        if item is target:
            return True
        if callable(item):
            wrapped = getattr(item, "__wrapped__", None)
            if wrapped is not None:
                stack.append(wrapped)
            for cell in getattr(item, "__closure__", None) or ():
                try:
                    stack.append(cell.cell_contents)
                except ValueError:  # an empty cell
                    continue
    return False


def _sync_wrapper(layer: _Layer, flavor: str, transport_type: type) -> Callable[..., Any]:
    original = layer.original

    def _send_single_request(self: Any, request: Any) -> Any:
        state = _state
        if state:
            fake = _serving(state, self, request.url, flavor)
            if fake is not None:
                return original(_Routed(self, transport_type(fake)), request)
        elif layer.left_behind and layer.on_top():
            _heal(layer)
        return original(self, request)

    _send_single_request.__wrapped__ = original  # type: ignore[attr-defined]
    return _send_single_request


def _async_wrapper(layer: _Layer, flavor: str, transport_type: type) -> Callable[..., Any]:
    original = layer.original

    async def _send_single_request(self: Any, request: Any) -> Any:
        state = _state
        if state:
            fake = _serving(state, self, request.url, flavor)
            if fake is not None:
                return await original(_Routed(self, transport_type(fake)), request)
        elif layer.left_behind and layer.on_top():
            _heal(layer)
        return await original(self, request)

    _send_single_request.__wrapped__ = original  # type: ignore[attr-defined]
    return _send_single_request


class _Routed:
    """The client as its own `_send_single_request` sees it, with the fake as transport.

    Everything else (cookies, encoding, whatever a later release reads) is the client's.
    """

    __slots__ = ("_client", "_fake_transport")

    def __init__(self, client: Any, transport: Any) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_fake_transport", transport)

    def _transport_for_url(self, url: Any) -> Any:
        return self._fake_transport

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._client, name, value)


# --- transports -------------------------------------------------------------------------


class Direct:
    """Marks the fake's transports: a client that has one is not intercepted again."""

    fake: Claimant


_types: dict[str, tuple[type, type]] = {}


def transport_types(module: ModuleType) -> tuple[type, type]:
    """A sync and an async transport class for this httpx-like module, made once."""
    if module.__name__ not in _types:
        _types[module.__name__] = _make_transport_types(module)
    return _types[module.__name__]


def _make_transport_types(module: ModuleType) -> tuple[type, type]:
    via = module.__name__

    def to_response(response: Response, request: Any) -> Any:
        if isinstance(response, Dropped):  # the one exception the fake raises on purpose
            raise module.RemoteProtocolError(DROPPED, request=request)
        return module.Response(
            response.status, headers=list(response.headers), content=response.body
        )

    class FakeTransport(module.BaseTransport, Direct):  # type: ignore[name-defined,misc]
        def __init__(self, fake: Claimant) -> None:
            self.fake = fake

        def handle_request(self, request: Any) -> Any:
            body = read_body(request)
            return to_response(self.fake.handle(core_request(request, body, via)), request)

    class AsyncFakeTransport(module.AsyncBaseTransport, Direct):  # type: ignore[name-defined,misc]
        def __init__(self, fake: Claimant) -> None:
            self.fake = fake

        async def handle_async_request(self, request: Any) -> Any:
            body = await aread_body(request)
            return to_response(self.fake.handle(core_request(request, body, via)), request)

    return FakeTransport, AsyncFakeTransport


def read_body(request: Any) -> bytes:
    """The body, but never more than one byte past the service's limit: an endless
    streamed body is cut there (and answered 413), not buffered until memory runs out."""
    if hasattr(request, "_content"):  # already in memory
        return bytes(request.read())
    limit = body_limit(request.headers)
    chunks: list[bytes] = []
    size = 0
    for chunk in request.stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


async def aread_body(request: Any) -> bytes:
    if hasattr(request, "_content"):
        return bytes(await request.aread())
    limit = body_limit(request.headers)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


def core_request(request: Any, body: bytes, via: str) -> Request:
    headers = WireHeaders(_entries(request.headers), request.headers.encoding)
    return Request(request.method, str(request.url), headers, body, via)


def _entries(headers: Any) -> list[tuple[bytes, bytes, bytes]]:
    """(name, lower-case name, value) of each header, as bytes. httpx and httpx2 keep
    exactly these in `Headers._list`; read there (every request pays for this), made
    from the public `raw` pairs by any other release."""
    entries = getattr(headers, "_list", None)
    if isinstance(entries, list) and (not entries or len(entries[0]) == 3):
        return entries
    return [(name, name.lower(), value) for name, value in headers.raw]


class WireHeaders(Mapping[str, str]):
    """A request's headers as the core reads them: lower-case names, a repeated name's
    values joined with ", " (as `Headers.items()` joins them).

    Decoding every header costs more than the rest of the adapter, and the service
    reads two or three of them: a name is looked up in the raw entries, and the whole
    mapping is decoded only when something asks for all of it (the journal's reader).
    """

    __slots__ = ("_encoding", "_entries", "_index", "_plain")

    def __init__(self, entries: list[tuple[bytes, bytes, bytes]], encoding: str) -> None:
        self._entries = tuple(entries)  # a copy: later changes to the client's stay out
        self._encoding = encoding
        self._index: dict[bytes, int] | None = None  # lower-case name -> its entry
        self._plain: dict[str, str] | None = None

    def get(self, name: str, default: Any = None) -> Any:
        if self._plain is not None:
            return self._plain.get(name, default)
        index = self._index
        if index is None:
            names = map(itemgetter(1), self._entries)
            index = dict(zip(names, range(len(self._entries)), strict=True))
            # A repeated name (rare): empty, to read them all.
            self._index = index = index if len(index) == len(self._entries) else {}
        if not index or not name.isascii():
            return self._all().get(name, default)
        found = index.get(name.encode())  # names are lower case: "X-A" is not one
        return default if found is None else self._entries[found][2].decode(self._encoding)

    def __getitem__(self, name: str) -> str:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value  # type: ignore[no-any-return]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def _all(self) -> dict[str, str]:
        if self._plain is None:
            plain: dict[str, str] = {}
            for _, lower_name, raw_value in self._entries:
                name = lower_name.decode(self._encoding)
                value = raw_value.decode(self._encoding)
                plain[name] = f"{plain[name]}, {value}" if name in plain else value
            self._plain = plain
        return self._plain


_MISSING = object()


def client(fake: Claimant, module_name: str, is_async: bool, **options: Any) -> Any:
    """An httpx or httpx2 client whose transport is `fake`: nothing is patched for it."""
    if module_name not in MODULES:
        raise ValueError(f"module: one of {', '.join(MODULES)}, not {module_name!r}")
    if "transport" in options:
        raise TypeError("the fake is this client's transport; pass no transport=")
    module = importlib.import_module(module_name)
    sync_type, async_type = transport_types(module)
    if is_async:
        return module.AsyncClient(transport=async_type(fake), **options)
    return module.Client(transport=sync_type(fake), **options)
