"""The object tests hold: activates the fake, seeds and inspects state, reads the journal."""

from __future__ import annotations

import functools
import inspect
import json
import os
import threading
import unittest
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, ParamSpec, TypeVar, cast, overload

import httpx

from . import _intercept, _respx
from ._faults import RUN_CREATES, Fault, Spec
from ._hosts import host_of, is_azure_host, netloc_of, normal_netloc
from ._http import Request, Response
from ._options import JOURNAL_LIMIT, Clock, Options
from ._replies import Reply, ReplyFunction
from ._service import UNSERVED_HEADER, Call, CallList, Service, served_nearby
from ._snapshot import (
    FORMAT,
    VERSION,
    SnapshotError,
    check,
    dump,
    load,
    settings,
    write_atomically,
)
from ._unserved import UnsupportedRequestWarning, user_stacklevel
from ._versions import ASSISTANTS_VERSIONS, LATEST
from ._views import UNNAMED, Collection, Files, ResourceView

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
INJECTED = "fake_assistants"
_MAKING = threading.Lock()  # makes each fake's service once, whichever thread asks first
SERVICE_OPTIONS = frozenset(Options.__dataclass_fields__)


class FakeAssistants:
    """An in-memory Azure OpenAI assistants service.

    Use it as a context manager (`with` / `async with`), a decorator, or through the
    pytest fixture. While active, requests from httpx and httpx2 clients (so the openai
    SDK 1.x, 2.x and 3.x) to Azure OpenAI hosts are answered by it.
    """

    def __init__(
        self,
        *,
        endpoint: str | Iterable[str] | None = None,
        api_key: str | None = None,
        ad_token: str | None = None,
        seed: object = 0,
        clock: Clock | None = None,
        api_version: str = LATEST,
        api_versions: Iterable[str] | None = None,
        deployments: Iterable[str] | None = None,
        report_unsupported: bool = True,
        journal_limit: int | None = JOURNAL_LIMIT,
        run_polls: int = 0,
        ingestion_polls: int = 0,
    ) -> None:
        # Iterables become tuples once, so copy() can build the same fake again.
        endpoint = endpoint if endpoint is None or isinstance(endpoint, str) else tuple(endpoint)
        api_versions = None if api_versions is None else tuple(api_versions)
        deployments = None if deployments is None else tuple(deployments)
        self._settings: dict[str, Any] = dict(
            endpoint=endpoint,
            api_key=api_key,
            ad_token=ad_token,
            seed=seed,
            clock=clock,
            api_version=api_version,
            api_versions=api_versions,
            deployments=deployments,
            report_unsupported=report_unsupported,
            journal_limit=journal_limit,
            run_polls=run_polls,
            ingestion_polls=ingestion_polls,
        )
        if api_version not in ASSISTANTS_VERSIONS:
            raise ValueError(f"api_version: unknown assistants api-version {api_version!r}")
        service_options = {k: v for k, v in self._settings.items() if k in SERVICE_OPTIONS}
        self._options = Options.build(**service_options)  # checked now, used when served
        self._service: Service | None = None
        endpoints = [endpoint] if isinstance(endpoint, str) else list(endpoint or [])
        self.endpoints: tuple[str, ...] = tuple(netloc_of(e) for e in endpoints)
        self.api_version = ASSISTANTS_VERSIONS[api_version]
        self.report_unsupported = report_unsupported
        self._claims: dict[str, bool] = {}
        self._depth = 0
        self._reported = 0

    # --- serving ---------------------------------------------------------------------

    @property
    def service(self) -> Service:
        """The service behind this fake, made on first use: a fresh fake per test costs
        less when the test sends no request and looks at nothing."""
        service = self._service
        if service is None:
            with _MAKING:
                service = self._service
                if service is None:
                    service = Service(self._options)
                    service.default_host = self.endpoints[0] if self.endpoints else None
                    self._service = service
        return service

    @service.setter
    def service(self, service: Service) -> None:
        self._service = service

    def claims(self, netloc: str) -> bool:
        """True for the hosts this fake answers: Azure OpenAI hosts and its endpoints,
        in any form DNS treats as the same (case, a trailing dot, IDNA, `[...]`)."""
        known = self._claims.get(netloc)
        if known is None:
            normal = normal_netloc(netloc)
            known = normal in self.endpoints or is_azure_host(host_of(normal))
            self._claims[netloc] = known
        return known

    def handle(self, request: Request) -> Response:
        """Serves one plain request, as every transport adapter does."""
        return self.service.handle(request)

    # --- activation --------------------------------------------------------------------

    def start(self) -> FakeAssistants:
        """Activates the fake; calls nest, each needs its `stop()` (a `with` exit ends all)."""
        if self._depth == 0:
            _intercept.activate(self)
            self._reported = 0 if self._service is None else self._service.unsupported.total
        self._depth += 1
        return self

    def stop(self) -> None:
        """Undoes one `start()`; the fake stops serving when none is left."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            _intercept.deactivate(self)
            self._report()

    @property
    def active(self) -> bool:
        return self._depth > 0

    # Open `with` blocks on this fake. A class default, so a fake counts from 0.
    _blocks = 0

    def __enter__(self) -> FakeAssistants:
        self._blocks += 1
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._leave()

    async def __aenter__(self) -> FakeAssistants:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._leave()

    def _leave(self) -> None:
        """An inner block's exit undoes its own start; the outermost one stops the fake
        whatever `start()` calls were left unmatched, so no test leaks an active fake."""
        self._blocks = max(self._blocks - 1, 0)  # an exit without its enter counts as none
        if self._blocks > 0:
            self.stop()
        elif self._depth > 0:
            self._depth = 1
            self.stop()

    def copy(self) -> FakeAssistants:
        """A new fake with the same options and empty state."""
        return FakeAssistants(**self._settings)

    @overload
    def __call__(self, func: type[T]) -> type[T]: ...

    @overload
    def __call__(self, func: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Decorates a function, generator or class: each call (each test method of a
        class) runs with a fresh copy of this fake active.

        A function that has a parameter named `fake_assistants` gets the fake there; the
        parameter leaves the runtime signature, not the static one.
        """
        return decorate(func, self.copy)

    # --- serving without interception --------------------------------------------------

    def respx_route(self, router: Any = None) -> Any:
        """Mounts this fake in a respx router (default: respx's global one) as a route.

        For tests that already drive httpx through respx; the fake need not be active
        then, the router serves it. Returns the respx route. respx patches httpx only:
        while the route is mounted, an httpx2 request (openai 3.x) for a host it serves
        is served by this fake too (the route's `calls` do not show it; `fake.calls` do).
        """
        return _respx.respx_route(self, router)

    @overload
    def http_client(self, module: Literal["httpx"] = "httpx", **options: Any) -> httpx.Client: ...

    @overload
    def http_client(self, module: Literal["httpx2"], **options: Any) -> Any: ...

    def http_client(self, module: str = "httpx", **options: Any) -> Any:
        """An httpx (or httpx2) client whose transport is this fake, for the SDK's
        `http_client=`. Nothing is patched: it works whether or not the fake is started.
        `options` go to the client (`base_url`, `timeout`, ...), except `transport`."""
        return _intercept.client(self, module, False, **options)

    @overload
    def async_http_client(
        self, module: Literal["httpx"] = "httpx", **options: Any
    ) -> httpx.AsyncClient: ...

    @overload
    def async_http_client(self, module: Literal["httpx2"], **options: Any) -> Any: ...

    def async_http_client(self, module: str = "httpx", **options: Any) -> Any:
        """The async counterpart of `http_client`, for `AsyncAzureOpenAI(http_client=)`."""
        return _intercept.client(self, module, True, **options)

    # --- reporting ---------------------------------------------------------------------

    def _report(self) -> None:
        if self._service is None:  # never served: nothing to report
            return
        unsupported = self._service.unsupported
        count = unsupported.total - self._reported
        if not (self.report_unsupported and count):
            return
        new = unsupported[max(0, len(unsupported) - count) :]
        if not new:
            return
        warnings.warn(
            UnsupportedRequestWarning(
                f"fake-assistants answered 404 'Resource not found' to {count} "
                f"request(s) for paths it does not serve:\n{report_lines(new, count - len(new))}\n"
                f"{nearby_lines(new)}(each answer says so in its {UNSERVED_HEADER} header)\n"
                "If the real service serves them, fake-assistants does not implement them "
                "yet; otherwise check the path. Pass report_unsupported=False to silence this."
            ),
            stacklevel=user_stacklevel(),
        )

    # --- journal -----------------------------------------------------------------------

    @property
    def calls(self) -> CallList:
        """Every request served, in order, with its response."""
        return self.service.calls

    @property
    def journal(self) -> CallList:
        """Another name for `calls`."""
        return self.service.calls

    @property
    def call_count(self) -> int:
        """Every request served, including those the journal's bound let go."""
        return self.service.calls.total

    @property
    def unsupported(self) -> CallList:
        """Calls answered 404 because the fake does not serve their path."""
        return self.service.unsupported

    # --- what the model says ------------------------------------------------------------

    def add_reply(
        self,
        reply: str | Reply | ReplyFunction | None = None,
        /,
        *,
        text: str | None = None,
        tool_calls: Sequence[Mapping[str, Any]] = (),
        error: Mapping[str, str] | None = None,
        assistant_id: str | None = None,
        thread_id: str | None = None,
    ) -> None:
        """Scripts the model's next turn in a run: a text, a `Reply`, a function of the
        `ReplyContext` that returns either, or the `text=`/`tool_calls=`/`error=` a
        `Reply` takes. Replies are taken in order; `assistant_id=`/`thread_id=` keep one
        for runs of that assistant or thread. With none left, the default responder
        answers."""
        if reply is None:
            reply = Reply(text=text, tool_calls=tool_calls, error=error)
        elif text is not None or tool_calls or error is not None:
            raise TypeError("add_reply takes a reply or text=/tool_calls=/error=, not both")
        if not (isinstance(reply, str | Reply) or callable(reply)):
            raise TypeError(f"a reply is a str, a Reply or a function, not {reply!r}")
        self.service.replies.add(reply, assistant_id=assistant_id, thread_id=thread_id)

    @property
    def replies_left(self) -> int:
        """Scripted replies not taken yet."""
        return len(self.service.replies)

    def release(self, run_id: str | None = None) -> int:
        """Lets runs held by a `Reply(hold=True)` go on (all of them, or one by id) at
        their next observation. Returns how many were released."""
        return self.service.release(run_id)

    # --- faults ------------------------------------------------------------------------

    def fail(
        self,
        *,
        status: int = 500,
        method: str = "*",
        path: str | Sequence[str] = "*",
        retry_after: float | None = None,
        body: Mapping[str, Any] | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """Answers matching requests with `status` instead of serving them (nothing
        changes): 429 with Azure's rate-limit body and `retry-after` / `retry-after-ms`
        (1 second unless `retry_after=`), 500 with the OpenAI `server_error` envelope,
        408 and 503 with Azure's gateway bodies, `body=` for your own JSON.

        `path` is a route template (`/openai/threads/{thread_id}/runs`) or a glob on
        the path (`/openai/assistants*`), or several; `method` is one method or "*".
        `times` bounds how many requests it answers; `probability` makes it act on a
        share of them, drawn from the fake's seed."""
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status: an error status 400..599, not {status!r}")
        if retry_after is not None and not 0 <= retry_after <= 86_400:
            raise ValueError("retry_after: seconds, 0 to 86400")
        spec = Spec(method, path, times, probability)
        return self.service.faults.add(
            spec, action="status", status=status, retry_after=retry_after, body=body
        )

    def delay(
        self,
        ms: float,
        *,
        method: str = "*",
        path: str | Sequence[str] = "*",
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """Sleeps `ms` milliseconds before serving matching requests: a real
        `time.sleep`, in the thread that sends (in async code it blocks the loop)."""
        if not 0 <= ms <= 600_000:
            raise ValueError("ms: milliseconds, 0 to 600000")
        spec = Spec(method, path, times, probability)
        return self.service.faults.add(spec, action="delay", delay_ms=float(ms))

    def drop(
        self,
        *,
        method: str = "*",
        path: str | Sequence[str] = "*",
        times: int | None = None,
        probability: float | None = None,
    ) -> Fault:
        """Drops the connection of matching requests: the client gets its library's
        `RemoteProtocolError` (the SDK's `APIConnectionError`, which it retries)."""
        spec = Spec(method, path, times, probability)
        return self.service.faults.add(spec, action="drop")

    def fail_run(
        self,
        error: Mapping[str, str] | None = None,
        *,
        method: str = "POST",
        path: str | Sequence[str] = RUN_CREATES,
        times: int | None = 1,
        probability: float | None = None,
    ) -> Fault:
        """The next run created (by default: run create and create-thread-and-run) fails
        at its first turn with `last_error` = `error` (`{"code", "message"}`; by default
        `server_error`), whatever reply was scripted. Only runs made count."""
        run_error = None if error is None else Reply(error=error).error  # checks the shape
        spec = Spec(method, path, times, probability)
        return self.service.faults.add(spec, action="run_error", run_error=run_error)

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The fault rules in force, oldest first (spent and cancelled ones leave)."""
        return self.service.faults.rules()

    def clear_faults(self) -> None:
        """Cancels every fault rule."""
        self.service.faults.clear()

    # --- state -------------------------------------------------------------------------

    def reset(self) -> None:
        """Forgets every resource's state, the journal, the scripted replies and the
        fault rules."""
        self.service.reset()

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON values: `{"format": "fake-assistants-snapshot",
        "version": 1, "options": ..., "state": ...}`. Refuses (SnapshotError) while a
        scripted reply is a function: functions cannot be saved."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "options": settings(self._settings),
            "state": dump(self.service),
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes `snapshot()` to `path` as UTF-8 JSON, atomically: a failed save leaves
        the file that was there as it was."""
        text = json.dumps(self.snapshot(), ensure_ascii=False, allow_nan=False)
        write_atomically(Path(path), text.encode("utf-8"))

    @classmethod
    def load(
        cls, source: str | os.PathLike[str] | Mapping[str, Any], **options: Any
    ) -> FakeAssistants:
        """A new fake in the state of a snapshot (a dict, or a file `save()` wrote),
        with the snapshot's options overridden by `options` (`clock`, `api_key` and
        `ad_token` are never saved: pass them here)."""
        data = _read(source)
        check(data)
        saved = data.get("options")
        if not isinstance(saved, Mapping):
            raise SnapshotError(f"a damaged snapshot: its options are {saved!r:.100}")
        try:
            fake = cls(**{**saved, **options})
        except (TypeError, ValueError) as error:
            raise SnapshotError(f"a snapshot's options: {error}") from None
        load(fake.service, data)
        return fake

    def restore(self, source: str | os.PathLike[str] | Mapping[str, Any]) -> None:
        """Replaces this fake's state (not its options) with a snapshot's; the journal,
        scripted replies and fault rules are cleared first."""
        load(self.service, _read(source))

    def resource(self, endpoint: str | None = None) -> ResourceView:
        """The state of one Azure resource, by endpoint URL or host.

        Without one: the first `endpoint` option, else `AZURE_OPENAI_ENDPOINT`, else the
        only resource used so far. While none is known, reads find nothing and writes
        raise LookupError.
        """
        host = netloc_of(endpoint) if endpoint else self._default_netloc()
        return ResourceView(self.service, self.api_version, host, "/openai")

    @property
    def assistants(self) -> Collection:
        """The assistants of the default resource (see `resource()`)."""
        return self.resource().assistants

    @property
    def threads(self) -> Collection:
        """The threads of the default resource: `fake.threads[thread_id].messages`."""
        return self.resource().threads

    @property
    def files(self) -> Files:
        """The files of the default resource: `fake.files.upload(data, filename)`."""
        return self.resource().files

    @property
    def vector_stores(self) -> Collection:
        """The vector stores of the default resource."""
        return self.resource().vector_stores

    def _default_netloc(self) -> str | None:
        """The resource meant when none is named; None while no resource is known yet."""
        if self.endpoints:
            return self.endpoints[0]
        env = os.environ.get("AZURE_OPENAI_ENDPOINT")
        if env:
            return netloc_of(env)
        used = list(self.service.resources)
        if len(used) > 1:
            raise LookupError(f"{UNNAMED} Resources used so far: {', '.join(used)}.")
        return used[0] if used else None


def _read(source: str | os.PathLike[str] | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SnapshotError(f"{source}: not a JSON snapshot ({error})") from None
    if not isinstance(data, dict):
        raise SnapshotError(f"{source}: not a fake-assistants snapshot")
    return data


REPORT_LINES = 20  # distinct requests named in the exit report; the rest are counted


def report_lines(calls: Sequence[Call], dropped: int = 0) -> str:
    """One line per distinct method, path and client, first seen first, with how many
    times it came when more than once: a loop of refused calls is one line, not 1,000.
    `dropped`: earlier ones the bounded journal no longer holds."""
    seen = Counter(
        f"{call.method} {call.path} (via {call.request.via or 'Service.handle'})" for call in calls
    )
    lines = [f"  {line}" if n == 1 else f"  {line}, {n} times" for line, n in seen.items()]
    if len(lines) > REPORT_LINES:
        rest = sum(list(seen.values())[REPORT_LINES:])
        lines[REPORT_LINES:] = [f"  ... and {rest} more request(s) to other paths"]
    if dropped:
        lines.insert(0, f"  ({dropped} earlier request(s) no longer in the journal)")
    return "\n".join(lines)


def nearby_lines(calls: Sequence[Call]) -> str:
    """What the fake serves near each path reported (as far as REPORT_LINES paths)."""
    paths = list(dict.fromkeys(call.path for call in calls))[:REPORT_LINES]
    near = [(path, served_nearby(path)) for path in paths]
    lines = [f"  {path}: {routes}" for path, routes in near if routes]
    return "Served near them:\n" + "\n".join(lines) + "\n" if lines else ""


def decorate(func: Callable[..., Any], make: Callable[[], FakeAssistants]) -> Callable[..., Any]:
    """Wraps a function, generator or class so that it runs with a fresh active fake."""
    if inspect.isclass(func):
        return _decorate_class(func, make)
    if not callable(func):
        raise TypeError(f"fake_assistants.mock decorates functions and classes, not {func!r}")
    signature = inspect.signature(func)
    wants = INJECTED in signature.parameters
    wrapper = functools.wraps(func)(_wrapper_for(func)(func, make, wants))
    if wants:  # hide the parameter, so pytest does not look for a fixture of that name
        params = [p for name, p in signature.parameters.items() if name != INJECTED]
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


Wrap = Callable[[Callable[..., Any], Callable[[], FakeAssistants], bool], Callable[..., Any]]


def _wrapper_for(func: Callable[..., Any]) -> Wrap:
    if inspect.isasyncgenfunction(func):
        return _async_generator_wrapper
    if inspect.iscoroutinefunction(func):
        return _async_wrapper
    if inspect.isgeneratorfunction(func):
        return _generator_wrapper
    return _sync_wrapper


def _sync_wrapper(func: Callable[..., Any], make: Callable[[], FakeAssistants], wants: bool) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with make() as fake:
            if wants:
                kwargs[INJECTED] = fake
            return func(*args, **kwargs)

    return wrapper


def _async_wrapper(
    func: Callable[..., Any], make: Callable[[], FakeAssistants], wants: bool
) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        async with make() as fake:
            if wants:
                kwargs[INJECTED] = fake
            return await func(*args, **kwargs)

    return wrapper


def _generator_wrapper(
    func: Callable[..., Any], make: Callable[[], FakeAssistants], wants: bool
) -> Any:
    """Active from the first `next()` until the generator returns, raises or is closed."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with make() as fake:
            if wants:
                kwargs[INJECTED] = fake
            return (yield from func(*args, **kwargs))

    return wrapper


def _async_generator_wrapper(
    func: Callable[..., Any], make: Callable[[], FakeAssistants], wants: bool
) -> Any:
    """As `_generator_wrapper`; async generators have no `yield from`, so it passes
    `asend` and `athrow` on by hand."""

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        async with make() as fake:
            if wants:
                kwargs[INJECTED] = fake
            inner = func(*args, **kwargs)
            try:
                step = inner.asend(None)
                while True:
                    try:
                        value = await step
                    except StopAsyncIteration:
                        return
                    try:
                        step = inner.asend((yield value))
                    except GeneratorExit:
                        raise
                    except BaseException as error:  # thrown in by the caller: pass it on
                        step = inner.athrow(error)
            finally:
                await inner.aclose()

    return wrapper


def _test_methods(cls: type) -> list[tuple[str, Any]]:
    """Methods (inherited too) whose names start with `test`, as moto picks them: plain
    functions and static or class methods."""
    found = ((name, inspect.getattr_static(cls, name)) for name in dir(cls))
    kinds = (staticmethod, classmethod)
    return [
        (name, method)
        for name, method in found
        if name.startswith("test") and (inspect.isfunction(method) or isinstance(method, kinds))
    ]


def _decorate_class(cls: type[T], make: Callable[[], FakeAssistants]) -> type[T]:
    """Each test method gets its own fresh fake; the class is changed in place.

    In a unittest.TestCase the fake also covers setUp and tearDown: it starts before
    setUp, stops after tearDown and the cleanups, and reaches the test methods that take
    a `fake_assistants` parameter.
    """
    if issubclass(cls, unittest.TestCase):
        return _decorate_test_case(cls, make)
    for name, method in _test_methods(cls):
        if isinstance(method, staticmethod | classmethod):
            setattr(cls, name, type(method)(decorate(method.__func__, make)))
        else:
            setattr(cls, name, decorate(method, make))
    return cls


def _decorate_test_case(cls: type[T], make: Callable[[], FakeAssistants]) -> type[T]:
    set_up = cast(Callable[[unittest.TestCase], None], cls.setUp)  # type: ignore[attr-defined]

    @functools.wraps(set_up)
    def wrapped_set_up(case: unittest.TestCase) -> None:
        fake = make()
        case.addCleanup(fake.__exit__, None, None, None)  # cleanups run after tearDown
        case.__dict__[TEST_CASE_FAKE] = fake.__enter__()
        set_up(case)

    cls.setUp = wrapped_set_up  # type: ignore[attr-defined]
    for name, method in _test_methods(cls):
        if inspect.isfunction(method) and INJECTED in inspect.signature(method).parameters:
            setattr(cls, name, _given_the_case_fake(method))
    return cls


TEST_CASE_FAKE = "_fake_assistants_fake"


def _given_the_case_fake(method: Callable[..., Any]) -> Callable[..., Any]:
    """A TestCase method that receives the fake its setUp started."""
    signature = inspect.signature(method)

    def call(case: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
        return method(case, *args, **{INJECTED: case.__dict__[TEST_CASE_FAKE], **kwargs})

    async def call_async(case: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
        return await call(case, *args, **kwargs)

    wrapper = functools.wraps(method)(call_async if inspect.iscoroutinefunction(method) else call)
    params = [p for name, p in signature.parameters.items() if name != INJECTED]
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


@overload
def mock(func: type[T], /) -> type[T]: ...


@overload
def mock(func: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def mock(func: None = None, /, **options: Any) -> FakeAssistants: ...


def mock(func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
    """`with mock(...) as fake:`, `async with mock(...)`, `@mock(...)` or bare `@mock`."""
    if func is not None:
        if not callable(func) or options:
            raise TypeError("use @mock or @mock(**options); options go in keywords only")
        return FakeAssistants()(func)
    return FakeAssistants(**options)
