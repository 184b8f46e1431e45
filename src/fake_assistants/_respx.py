"""The respx adapter: mount the fake as a route of a respx router you already use.

respx patches httpx only. An httpx2 client (openai 3.x) sending to a host the route
serves would go past respx to the network, so while the route is in its router (and
that router is started, when it is a mock router) the interception serves such a
request from the fake itself, as the route would have, and records it in the route's
and the router's `calls` (as httpx objects), so `route.called` and respx's
`assert_all_called` count it; the fake's journal shows it `via` "httpx2".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx

from . import _intercept
from ._hosts import AZURE_DOMAINS, AZURE_SUFFIXES, host_of
from ._http import Dropped, Request, Response

if TYPE_CHECKING:
    from ._fake import FakeAssistants


def host_pattern(fake: FakeAssistants) -> str:
    """A regex for the hosts the fake serves (endpoint ports are not part of a host)."""
    names = [*AZURE_DOMAINS, *(host_of(netloc) for netloc in fake.endpoints)]
    suffixes = "|".join(re.escape(suffix) for suffix in AZURE_SUFFIXES)
    hosts = "|".join(re.escape(name) for name in names)
    # respx matches httpx's host: lower case, IDNA, but with a trailing dot if one was sent
    return rf"^(.+({suffixes})|{hosts})\.?$"


def respx_route(fake: FakeAssistants, router: Any = None) -> Any:
    """Adds to `router` (default: respx's global router) a route served by `fake`."""
    import respx

    target = respx.mock if router is None else router

    def side_effect(request: httpx.Request) -> httpx.Response:
        body = request.read()
        answer = fake.handle(_intercept.core_request(request, body, "respx"))
        if isinstance(answer, Dropped):  # a fault rule dropped the connection
            raise httpx.RemoteProtocolError(_intercept.DROPPED, request=request)
        return httpx.Response(answer.status, headers=list(answer.headers), content=answer.body)

    route = target.route(host__regex=host_pattern(fake)).mock(side_effect=side_effect)
    _intercept.mount(RespxMount(fake, target, route))
    return route


class RespxMount:
    """A fake mounted in a respx router, as the interception sees it: it serves the
    httpx2 requests the route would have served, while the route is mounted."""

    def __init__(self, fake: FakeAssistants, router: Any, route: Any) -> None:
        self.fake = fake
        self.router = router
        self.route = route
        self.endpoints = fake.endpoints

    def live(self) -> bool:
        if not any(route is self.route for route in self.router.routes):
            return False  # the router rolled back or dropped the route
        mocker = getattr(self.router, "Mocker", None)  # set once a mock router started
        return mocker is None or self.router in mocker.routers

    def claims(self, netloc: str) -> bool:
        return self.fake.claims(netloc)

    def handle(self, request: Request) -> Response:
        response = self.fake.handle(request)
        self._record(request, response)
        return response

    def _record(self, request: Request, response: Response) -> None:
        """The call, in respx's calls, as if respx had routed it."""
        sent = httpx.Request(request.method, request.url, headers=list(request.headers.items()))
        sent._content = request.body  # as sent: no re-encoding, no content-length added
        answer = None
        if not isinstance(response, Dropped):
            answer = httpx.Response(
                response.status, headers=list(response.headers), content=response.body
            )
            answer.request = sent
        self.route.calls.record(sent, answer)
        self.router.calls.record(sent, answer)
