"""The object tests hold: activates the fake, seeds and inspects state, reads the journal."""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Literal, TypeVar, cast, overload

import httpx

from . import _intercept, _respx
from ._hosts import host_of, is_azure_host, netloc_of, normal_netloc
from ._http import Request, Response
from ._options import JOURNAL_LIMIT, Clock, Options
from ._service import CallList, Service
from ._versions import ASSISTANTS_VERSIONS, LATEST
from ._views import UNNAMED, Collection, ResourceView

F = TypeVar("F", bound=Callable[..., Any])
INJECTED = "fake_assistants"
SERVICE_OPTIONS = frozenset(Options.__dataclass_fields__)


class UnsupportedRequestWarning(UserWarning):
    """Requests to an Azure host that the fake answered with 404 because it does not serve them."""


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
        )
        if api_version not in ASSISTANTS_VERSIONS:
            raise ValueError(f"api_version: unknown assistants api-version {api_version!r}")
        service_options = {k: v for k, v in self._settings.items() if k in SERVICE_OPTIONS}
        self.service = Service(Options.build(**service_options))
        endpoints = [endpoint] if isinstance(endpoint, str) else list(endpoint or [])
        self.endpoints: tuple[str, ...] = tuple(netloc_of(e) for e in endpoints)
        self.api_version = ASSISTANTS_VERSIONS[api_version]
        self.report_unsupported = report_unsupported
        self._claims: dict[str, bool] = {}
        self._depth = 0
        self._reported = 0

    # --- serving ---------------------------------------------------------------------

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
        if self._depth == 0:
            _intercept.activate(self)
            self._reported = self.service.unsupported.total
        self._depth += 1
        return self

    def stop(self) -> None:
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            _intercept.deactivate(self)
            self._report()

    @property
    def active(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> FakeAssistants:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeAssistants:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def copy(self) -> FakeAssistants:
        """A new fake with the same options and empty state."""
        return FakeAssistants(**self._settings)

    def __call__(self, func: F) -> F:
        """Decorates a test: each call runs with a fresh copy of this fake active.

        A function that has a parameter named `fake_assistants` gets the fake there.
        """
        return cast(F, decorate(func, self.copy))

    # --- serving without interception --------------------------------------------------

    def respx_route(self, router: Any = None) -> Any:
        """Mounts this fake in a respx router (default: respx's global one) as a route.

        For tests that already drive httpx through respx; the fake need not be active
        then, the router serves it. Returns the respx route. respx patches httpx only:
        while the route is mounted, an httpx2 request (openai 3.x) for a host it serves
        is refused with a 501 that says so, never sent on; use `start()` or
        `http_client(module="httpx2")` there.
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
        unsupported = self.service.unsupported
        new = unsupported[max(0, len(unsupported) - (unsupported.total - self._reported)) :]
        if not (self.report_unsupported and new):
            return
        lines = "\n".join(
            f"  {call.method} {call.path} (via {call.request.via or 'Service.handle'})"
            for call in new
        )
        warnings.warn(
            UnsupportedRequestWarning(
                f"fake-assistants answered 404 'Resource not found' to {len(new)} "
                f"request(s) for paths it does not serve:\n{lines}\n"
                "If the real service serves them, fake-assistants does not implement them "
                "yet; otherwise check the path. Pass report_unsupported=False to silence this."
            ),
            stacklevel=_user_stacklevel(),
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

    # --- state -------------------------------------------------------------------------

    def reset(self) -> None:
        """Forgets every resource's state and the journal."""
        self.service.reset()

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


def _user_stacklevel() -> int:
    """The stacklevel of the first frame outside this package: the user's `with` or test."""
    package = os.path.dirname(__file__)
    frame, level = sys._getframe(1), 1  # level 1 is the frame that calls warn()
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def decorate(func: Callable[..., Any], make: Callable[[], FakeAssistants]) -> Callable[..., Any]:
    """Wraps a sync or async function so it runs with a fresh active fake."""
    signature = inspect.signature(func)
    wants = INJECTED in signature.parameters

    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            async with make() as fake:
                if wants:
                    kwargs[INJECTED] = fake
                return await func(*args, **kwargs)

        wrapper: Callable[..., Any] = async_wrapper
    else:

        @functools.wraps(func)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            with make() as fake:
                if wants:
                    kwargs[INJECTED] = fake
                return func(*args, **kwargs)

        wrapper = sync_wrapper
    if wants:  # hide the parameter, so pytest does not look for a fixture of that name
        params = [p for name, p in signature.parameters.items() if name != INJECTED]
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


def mock(func: F | None = None, /, **options: Any) -> Any:
    """`with mock(...) as fake:`, `async with mock(...)`, `@mock(...)` or bare `@mock`."""
    if func is not None:
        if not callable(func) or options:
            raise TypeError("use @mock or @mock(**options); options go in keywords only")
        return FakeAssistants()(func)
    return FakeAssistants(**options)
