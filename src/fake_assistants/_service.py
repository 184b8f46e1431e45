"""The core: a plain request in, a plain response out. Knows nothing of transports."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

from . import _assistants
from ._context import Context
from ._errors import (
    AccessDenied,
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


class CallList(list[Call]):
    """The journal: every call in order; `.last` is the newest."""

    @property
    def last(self) -> Call:
        if not self:
            raise IndexError("no request has been served yet")
        return self[-1]


@dataclass(frozen=True)
class Options:
    api_key: str | None = None
    ad_token: str | None = None
    seed: object = 0
    clock: Clock | None = None
    api_versions: frozenset[str] | None = None
    deployments: frozenset[str] | None = None

    @staticmethod
    def build(
        *,
        api_key: str | None = None,
        ad_token: str | None = None,
        seed: object = 0,
        clock: Clock | None = None,
        api_versions: Iterable[str] | None = None,
        deployments: Iterable[str] | None = None,
    ) -> Options:
        versions = None if api_versions is None else frozenset(api_versions)
        unknown = sorted((versions or frozenset()) - set(ASSISTANTS_VERSIONS))
        if unknown:
            raise ValueError(f"api_versions: unknown assistants api-versions {unknown}")
        return Options(
            api_key=api_key,
            ad_token=ad_token,
            seed=seed,
            clock=clock,
            api_versions=versions,
            deployments=None if deployments is None else frozenset(deployments),
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
    calls: CallList = field(default_factory=CallList)
    unsupported: list[Call] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

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
            return resource, 200, self._dispatch(request, resource, parts), False
        except WireError as error:
            return resource, error.status, error.body(), isinstance(error, UnservedPath)
        except Exception as error:  # a bug of ours: say so, in an envelope
            return resource, 500, _internal(error), False

    def _dispatch(self, request: Request, resource: Resource, parts: SplitResult) -> Any:
        match = ROUTER.match(request.method.upper(), parts.path)
        if match is None:
            raise UnservedPath()
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        version = resolve(query.get("api-version"), self.options.api_versions)
        self._authenticate(request.headers)
        self.resources.setdefault(resource.host, resource)
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
