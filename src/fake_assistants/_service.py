"""The core: a plain request in, a plain response out. Knows nothing of transports."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, overload
from urllib.parse import SplitResult, parse_qsl, quote, urlsplit

from ._apis import DIRECT_ROUTES, ROUTES, Handler
from ._apis.vector_stores.ingest import prepare
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
from ._faults import Fault, Faults
from ._hosts import resource_key
from ._http import Dropped, Request, Response
from ._limits import JOURNAL_BYTES, body_limit
from ._options import JOURNAL_LIMIT, Clock, Options
from ._replies import Replies, Reply
from ._resource import Resource
from ._routing import Match, Router
from ._versions import LATEST, ApiVersion, resolve

__all__ = [
    "JOURNAL_LIMIT",
    "UNSERVED_HEADER",
    "Call",
    "CallList",
    "Clock",
    "Options",
    "Service",
    "seconds",
]


ROUTER: Router[Handler] = Router(ROUTES)
DIRECT_ROUTER: Router[Handler] = Router(DIRECT_ROUTES)


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake served, with the response it gave; `fault` is the fault rule
    that answered, delayed or dropped it, or made its run fail (None for most calls)."""

    request: Request
    response: Response
    fault: Fault | None = None

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
    body it ever saw: at most `limit` calls, and with a limit, calls whose request and
    response bodies fit in `budget` bytes (the newest is always kept: 4,000 uploads of
    256 KiB would be 1 GB). `total` still counts every call.
    """

    def __init__(self, limit: int | None = None, budget: int = JOURNAL_BYTES) -> None:
        self._calls: deque[Call] = deque(maxlen=limit)
        self._budget = None if limit is None else budget
        self._bytes = 0  # the bodies of the calls kept
        self.total = 0

    @property
    def limit(self) -> int | None:
        return self._calls.maxlen

    def append(self, call: Call) -> None:
        if len(self._calls) == self._calls.maxlen:  # the deque lets the oldest go
            self._bytes -= _body_bytes(self._calls[0])
        self._calls.append(call)
        self._bytes += _body_bytes(call)
        self.total += 1
        while self._budget is not None and self._bytes > self._budget and len(self._calls) > 1:
            self._bytes -= _body_bytes(self._calls.popleft())

    def clear(self) -> None:
        self._calls.clear()
        self._bytes = 0
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


def _body_bytes(call: Call) -> int:
    return len(call.request.body) + len(call.response.body)


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
    replies: Replies = field(init=False)
    faults: Faults = field(init=False)
    lock: threading.RLock = field(default_factory=threading.RLock)
    # The host whose ids follow the seed alone (see Resource); None: the first one seen.
    default_host: str | None = None

    def __post_init__(self) -> None:
        self.calls = CallList(self.options.journal_limit)
        self.unsupported = CallList(self.options.journal_limit)
        self.replies = Replies(seed=self.options.seed)
        self.faults = Faults(self.options.seed)

    def now(self) -> int:
        clock = self.options.clock
        return int(time.time()) if clock is None else seconds(clock())

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
            default = host == self.default_host or (self.default_host is None and not self._seen)
            found = self._seen[host] = Resource(host, self.options.seed, by_host=not default)
        return found

    def reset(self) -> None:
        with self.lock:
            self.resources.clear()
            self._seen.clear()
            self.calls.clear()
            self.unsupported.clear()
            self.replies.clear()
            self.faults.clear()

    def release(self, run_id: str | None = None) -> int:
        """Releases held runs (see `Reply.hold`); how many were held."""
        from ._apis.runs import release_held  # the core knows runs only through here

        with self.lock:
            return sum(release_held(resource, run_id) for resource in self.resources.values())

    def handle(self, request: Request) -> Response:
        """Answers any request with a response; no exception leaves this method.

        A fault rule is picked first: a delay sleeps outside the lock (a real sleep),
        then the request is served; a status or drop rule answers in place of the
        service, which never sees the request."""
        prepare(request.method, request.url, request.headers, request.body)  # see there
        with self.lock:
            if not self.faults:  # the common case: served in one pass under the lock
                return self._answer(request, None)
            fault = self._fault_for(request)
        if fault is not None and fault.action == "delay":
            time.sleep(fault.delay_ms / 1000)
            self.faults.spend(fault)
        with self.lock:
            if fault is not None and fault.action in ("status", "drop"):
                self.faults.spend(fault)
                return self._journal(request, self._faulted(request, fault), fault, False)
            return self._answer(request, fault)

    def _answer(self, request: Request, fault: Fault | None) -> Response:
        resource, status, payload, unserved = self._serve(request, fault)
        response = self._respond(resource, status, payload)
        if unserved:  # the body is Azure's, exactly; what the fake adds goes in a header
            note = unserved_note(request.method.upper(), urlsplit(request.url).path)
            response = Response(status, (*response.headers, (UNSERVED_HEADER, note)), response.body)
        if status != 200 and fault is not None and fault.action == "run_error":
            self.faults.unclaim(fault)
            fault = None  # no run was made: the rule did not act
        return self._journal(request, response, fault, unserved)

    def _journal(
        self, request: Request, response: Response, fault: Fault | None, unserved: bool
    ) -> Response:
        call = Call(request, response, fault)
        self.calls.append(call)
        if unserved:
            self.unsupported.append(call)
        return response

    def _fault_for(self, request: Request) -> Fault | None:
        """The fault rule that acts on this request; costs nothing while there are none."""
        if not self.faults:
            return None
        try:
            path = urlsplit(request.url).path
        except ValueError:
            path = ""
        match = ROUTER.match(request.method.upper(), path)
        template = None if match is None else match.template
        return self.faults.pick(request.method.upper(), path, template)

    def _faulted(self, request: Request, fault: Fault) -> Response:
        """A status rule's answer (with the service's request-id headers), or a drop."""
        if fault.action == "drop":
            return Dropped()
        try:
            parts = _split(request.url)
        except ResourceNotFound:
            parts = urlsplit("")
        match = ROUTER.match(request.method.upper(), parts.path)
        version = dict(_query(parts.query)).get("api-version") or LATEST
        status, payload, headers = fault.answer(operation_name(match), version)
        response = self._respond(self._seen_resource(resource_key(parts)), status, payload)
        kept = tuple(h for h in response.headers if h[0] != "x-should-retry")
        return Response(status, kept + headers, response.body)

    def _serve(
        self, request: Request, fault: Fault | None = None
    ) -> tuple[Resource, int, Any, bool]:
        resource = None  # until the URL is read
        run_error = None if fault is None else fault.run_reply()
        try:
            parts = _split(request.url)
            resource = self._seen_resource(resource_key(parts))
            payload = self._dispatch(request, resource, parts, run_error)
            if run_error is not None and fault is not None:
                self.faults.spend(fault)  # counted once a run was made to fail
            self.resources.setdefault(resource.host, resource)  # served: a resource in use
            return resource, 200, payload, False
        except WireError as error:
            unserved = isinstance(error, UnservedPath)
            return resource or self._seen_resource(""), error.status, error.body(), unserved
        except Exception as error:  # a bug of ours: say so, in an envelope
            return resource or self._seen_resource(""), 500, _internal(error), False

    def _dispatch(
        self, request: Request, resource: Resource, parts: SplitResult, run_error: Reply | None
    ) -> Any:
        match = ROUTER.match(request.method.upper(), parts.path)
        if match is None:
            raise UnservedPath(request.method.upper(), parts.path)
        query = dict(_query(parts.query))
        version = resolve(query.get("api-version"), self.options.api_versions)
        self._authenticate(request.headers)
        limit = body_limit(request.headers)
        if len(request.body) > limit:
            raise BodyTooLarge(limit)
        ctx = Context(  # positional: half the cost of keywords, and every request pays it
            resource,
            version,
            self.options,
            self.now,
            match.params,
            query,
            request.headers,
            request.body,
            self.replies,
            run_error,
        )
        return match.handler(ctx)

    def direct(
        self,
        host: str,
        method: str,
        path: str,
        version: ApiVersion,
        body: bytes = b"",
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """What a handler answers, called without HTTP: no credentials, no journal.

        The direct API (`fake.assistants.create(...)`) goes through here, so it runs the
        very checks a request runs. Wire errors are raised, not answered.
        """
        prepare(method, path, headers or {}, body)  # outside the lock: see there
        with self.lock:
            match = direct_match(method, path)
            if match is None:
                raise LookupError(f"no route for {method} {path}")
            ctx = Context(
                resource=self.resource(host),
                version=version,
                options=self.options,
                now=self.now,
                params=match.params,
                query=query or {},
                headers=headers or {},
                body=body,
                replies=self.replies,
            )
            payload = match.handler(ctx)
            if isinstance(payload, Response):
                return payload.json() if payload.is_json else payload.body
            # A JSON copy: later changes by the caller cannot reach the store, and
            # deepcopy would recurse in Python where deep JSON was accepted.
            return json.loads(_dump(payload))

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        """Any non-empty key or token passes, until a credential option is set: then
        only the credentials set (`api_key`, `ad_token`) pass. A non-empty `api-key`
        header decides alone: openai 1.x sends its key as a bearer token too."""
        api_key, ad_token = self.options.api_key, self.options.ad_token
        open_door = api_key is None and ad_token is None
        key = headers.get("api-key", "")
        if key:
            if open_door or key == api_key:
                return
            raise AccessDenied()
        authorization = headers.get("authorization", "")
        if authorization[:7].lower() == "bearer ":
            token = authorization[7:].strip()
            if token and (open_door or token == ad_token):
                return
            raise TokenRejected()
        raise AccessDenied()

    def _respond(self, resource: Resource, status: int, payload: Any) -> Response:
        """The response: a handler's own (a stream, bytes) or its payload as JSON, with
        the service's request-id headers."""
        request_id, apim_request_id = resource.ids.request_ids()
        ids = (("x-request-id", request_id), ("apim-request-id", apim_request_id))
        if isinstance(payload, Response):
            return Response(payload.status, payload.headers + ids, payload.body)
        try:
            body = _dump(payload)
        except (ValueError, TypeError, RecursionError) as error:
            status, body = 500, json.dumps(_internal(error)).encode()
        headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"), *ids)
        if status >= 500:
            headers += (("x-should-retry", "false"),)
        return Response(status, headers, body)


@lru_cache(maxsize=4096)
def _query(text: str) -> tuple[tuple[str, str], ...]:
    """The query's pairs (the last of a repeated key wins in the dict made of them);
    clients repeat the same few queries, so they are parsed once."""
    return tuple(parse_qsl(text, keep_blank_values=True))


def operation_name(match: Match[Handler] | None) -> str:
    """`Runs_Create`, `Assistants_List`: the API and the handler a request reached, as
    the 429 text names the operation (the service's own names are not known)."""
    if match is None:
        return "Unknown"
    api = match.handler.__module__.split("._apis.")[-1].split(".")[0]
    name = match.handler.__name__.strip("_")
    return "_".join("".join(w.title() for w in part.split("_")) for part in (api, name))


UNSERVED_HEADER = "x-fake-assistants-unserved"
_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))  # all a header value may carry, unescaped


def unserved_note(method: str, path: str) -> str:
    """What the fake adds to Azure's 404 for a path it does not serve: that it does not,
    and the paths it serves nearby. One line of printable ASCII, so it fits a header."""
    shown = quote(path[:500], safe=_PRINTABLE, errors="backslashreplace")
    note = f"fake-assistants does not serve {method} {shown}"
    near = served_nearby(path)
    return f"{note}; served nearby: {near}" if near else note


def served_nearby(path: str) -> str:
    """`GET, POST /openai/assistants; ...`: the routes closest to a path not served."""
    return "; ".join(f"{', '.join(methods)} {t}" for t, methods in ROUTER.nearby(path))


def direct_match(method: str, path: str) -> Match[Handler] | None:
    """The handler the direct API reaches: a service route, or one of its own."""
    return DIRECT_ROUTER.match(method, path) or ROUTER.match(method, path)


# No controls or spaces anywhere (urlsplit strips or drops some), no IPv6 brackets.
_PLAIN_URL = re.compile(
    r"(https?)://([^\x00-\x20\x7f/?#\[\]]*)(/[^\x00-\x20\x7f?#]*)?(?:\?([^\x00-\x20\x7f#]*))?"
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
# JSONEncoder.encode makes its C encoder anew on each call; every answer is encoded, so
# one is made here, with the same settings (no circular check: a cycle recurses, and
# `_respond` answers a RecursionError with a 500).
_C_ENCODER = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None, _ENCODER.default, encode_basestring, None, ": ", ", ", False, False, False
    )
)


def _dump(payload: Any) -> bytes:
    if _C_ENCODER is None or isinstance(payload, str):
        return _ENCODER.encode(payload).encode()
    return "".join(_C_ENCODER(payload, 0)).encode()


def _split(url: str) -> SplitResult:
    fast = _plain_split(url)
    if fast is not None:
        return fast
    try:
        url.encode()  # a lone surrogate: no HTTP request can carry it
        return urlsplit(url)
    except ValueError:  # that, or a broken IPv6 host: nothing the service could route
        raise ResourceNotFound() from None


def _plain_split(url: str) -> SplitResult | None:
    """urlsplit's answer for the URLs clients send (printable ASCII, http or https, no
    fragment, no IPv6 literal), in a third of its time; None for any other URL.

    Each request has a URL of its own (new ids), so urlsplit's cache never hits."""
    if not url.isascii():  # O(1): the string knows
        return None
    found = _PLAIN_URL.fullmatch(url)
    if found is None:
        return None
    scheme, netloc, path, query = found.groups("")
    return SplitResult(scheme, netloc, path, query, "")


def _internal(error: BaseException) -> dict[str, Any]:
    detail = "".join(traceback.format_exception_only(error)).strip()
    return InternalError(detail).body()
