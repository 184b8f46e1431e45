"""The core: a plain request in, a plain response out. Knows nothing of transports."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload
from urllib.parse import SplitResult, parse_qsl, urlsplit

from . import _assistants
from ._context import Context
from ._errors import (
    AccessDenied,
    BodyTooLarge,
    InternalError,
    ResourceNotFound,
    TokenRejected,
    UnservedPath,
    WireError,
)
from ._http import Request, Response
from ._resource import Resource
from ._routing import Router
from ._versions import ASSISTANTS_VERSIONS, resolve

Handler = Callable[[Context], Any]
Clock = Callable[[], Any]

# The largest request body taken (32 MiB): far above any valid JSON request of these APIs,
# small enough that a runaway stream cannot eat the machine. Transports stop reading past it.
MAX_BODY_BYTES = 32 * 1024 * 1024
JOURNAL_LIMIT = 10_000

ROUTER: Router[Handler] = Router(_assistants.ROUTES)


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake served, with the response it gave."""

    request: Request
    response: Response

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.request.path

    @property
    def status(self) -> int:
        return self.response.status


class CallList(Sequence[Call]):
    """The journal: the calls in order, the newest `limit` of them; `.last` is the newest.

    A bound keeps a long-running fake (a demo server, a soak test) from keeping every
    body it ever saw; `total` still counts every call.
    """

    def __init__(self, limit: int | None = None) -> None:
        self._calls: deque[Call] = deque(maxlen=limit)
        self.total = 0

    @property
    def limit(self) -> int | None:
        return self._calls.maxlen

    def append(self, call: Call) -> None:
        self._calls.append(call)
        self.total += 1

    def clear(self) -> None:
        self._calls.clear()
        self.total = 0

    @overload
    def __getitem__(self, index: int) -> Call: ...

    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        if isinstance(index, slice):
            return list(self._calls)[index]
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallList | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CallList({list(self._calls)!r})"

    @property
    def last(self) -> Call:
        if not self._calls:
            raise IndexError("no request has been served yet")
        return self._calls[-1]


@dataclass(frozen=True)
class Options:
    api_key: str | None = None
    ad_token: str | None = None
    seed: object = 0
    clock: Clock | None = None
    api_versions: frozenset[str] | None = None
    deployments: frozenset[str] | None = None
    journal_limit: int | None = JOURNAL_LIMIT

    @staticmethod
    def build(
        *,
        api_key: str | None = None,
        ad_token: str | None = None,
        seed: object = 0,
        clock: Clock | None = None,
        api_versions: Iterable[str] | None = None,
        deployments: Iterable[str] | None = None,
        journal_limit: int | None = JOURNAL_LIMIT,
    ) -> Options:
        versions = None if api_versions is None else frozenset(api_versions)
        unknown = sorted((versions or frozenset()) - set(ASSISTANTS_VERSIONS))
        if unknown:
            raise ValueError(f"api_versions: unknown assistants api-versions {unknown}")
        if journal_limit is not None and journal_limit < 1:
            raise ValueError("journal_limit: a positive number of calls, or None for no bound")
        return Options(
            api_key=api_key,
            ad_token=ad_token,
            seed=seed,
            clock=clock,
            api_versions=versions,
            deployments=None if deployments is None else frozenset(deployments),
            journal_limit=journal_limit,
        )


def seconds(value: Any) -> int:
    """Integer unix seconds from what a clock returns: a number or a datetime."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return int(value.timestamp())
    return int(value)


@dataclass
class Service:
    options: Options = field(default_factory=Options)
    resources: dict[str, Resource] = field(default_factory=dict)  # those with state
    _seen: dict[str, Resource] = field(default_factory=dict)  # also hosts only refused
    calls: CallList = field(init=False)
    unsupported: CallList = field(init=False)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.calls = CallList(self.options.journal_limit)
        self.unsupported = CallList(self.options.journal_limit)

    def now(self) -> int:
        clock = self.options.clock
        return seconds(time.time() if clock is None else clock())

    def resource(self, host: str) -> Resource:
        """The resource of a host, made on first use (a mistyped host refused by every
        request is not one: see `_seen`)."""
        found = self._seen_resource(host)
        self.resources.setdefault(found.host, found)
        return found

    def _seen_resource(self, host: str) -> Resource:
        host = host.lower()
        found = self._seen.get(host)
        if found is None:
            found = self._seen[host] = Resource(host, self.options.seed)
        return found

    def reset(self) -> None:
        with self.lock:
            self.resources.clear()
            self._seen.clear()
            self.calls.clear()
            self.unsupported.clear()

    def handle(self, request: Request) -> Response:
        """Answers any request with a response; no exception leaves this method."""
        with self.lock:
            resource, status, payload, unserved = self._serve(request)
            response = self._respond(resource, status, payload)
            call = Call(request, response)
            self.calls.append(call)
            if unserved:
                self.unsupported.append(call)
            return response

    def _serve(self, request: Request) -> tuple[Resource, int, Any, bool]:
        resource = self._seen_resource("")  # until the URL is read
        try:
            parts = _split(request.url)
            resource = self._seen_resource(parts.netloc.rpartition("@")[2])
            payload = self._dispatch(request, resource, parts)
            self.resources.setdefault(resource.host, resource)  # served: a resource in use
            return resource, 200, payload, False
        except WireError as error:
            return resource, error.status, error.body(), isinstance(error, UnservedPath)
        except Exception as error:  # a bug of ours: say so, in an envelope
            return resource, 500, _internal(error), False

    def _dispatch(self, request: Request, resource: Resource, parts: SplitResult) -> Any:
        match = ROUTER.match(request.method.upper(), parts.path)
        if match is None:
            raise UnservedPath(request.method.upper(), parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        version = resolve(query.get("api-version"), self.options.api_versions)
        self._authenticate(request.headers)
        if len(request.body) > MAX_BODY_BYTES:
            raise BodyTooLarge(len(request.body), MAX_BODY_BYTES)
        ctx = Context(
            resource=resource,
            version=version,
            params=match.params,
            query=query,
            body=request.body,
            clock=self.now,
            deployments=self.options.deployments,
        )
        return match.handler(ctx)

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        """Any non-empty key or token passes, until a credential option is set: then
        only the credentials set (`api_key`, `ad_token`) pass."""
        api_key, ad_token = self.options.api_key, self.options.ad_token
        open_door = api_key is None and ad_token is None
        authorization = headers.get("authorization", "")
        if authorization[:7].lower() == "bearer ":
            token = authorization[7:].strip()
            if token and (open_door or token == ad_token):
                return
            raise TokenRejected()
        key = headers.get("api-key", "")
        if key and (open_door or key == api_key):
            return
        raise AccessDenied()

    def _respond(self, resource: Resource, status: int, payload: Any) -> Response:
        headers: tuple[tuple[str, str], ...] = (
            ("content-type", "application/json"),
            ("x-request-id", resource.ids.request_id()),
            ("apim-request-id", resource.ids.request_id()),
        )
        try:
            body = _dump(payload)
        except (ValueError, TypeError, RecursionError) as error:
            status, body = 500, json.dumps(_internal(error)).encode()
        if status >= 500:
            headers += (("x-should-retry", "false"),)
        return Response(status, headers, body)


def _dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()


def _split(url: str) -> SplitResult:
    try:
        url.encode()  # a lone surrogate: no HTTP request can carry it
        return urlsplit(url)
    except ValueError:  # that, or a broken IPv6 host: nothing the service could route
        raise ResourceNotFound() from None


def _internal(error: BaseException) -> dict[str, Any]:
    detail = "".join(traceback.format_exception_only(error)).strip()
    return InternalError(detail).body()
