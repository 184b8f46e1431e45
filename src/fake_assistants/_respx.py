"""The respx adapter: mount the fake as a route of a respx router you already use.

respx patches httpx only. An httpx2 client (openai 3.x) sending to a host the route
serves would go past respx to the network, so while the route is in its router (and
that router is started, when it is a mock router) such a request is refused with a
501 that says why, instead; with httpx2 use `fake.start()` or `fake.http_client()`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import httpx

from . import _intercept
from ._hosts import AZURE_DOMAINS, AZURE_SUFFIXES, host_of
from ._http import Dropped, Request, Response

if TYPE_CHECKING:
    from ._fake import FakeAssistants

HTTPX2_REFUSED = (
    "fake-assistants: fake.respx_route() serves httpx clients only, and this request came "
    "from httpx2 (openai 3.x), which respx does not patch. Use fake.start() (or `with "
    "fake:`), or pass http_client=fake.http_client(module='httpx2') to the SDK."
)


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
    """A fake mounted in a respx router, as the interception sees it: it refuses the
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
        body = {"error": {"code": "FakeAssistantsClientNotMocked", "message": HTTPX2_REFUSED}}
        headers = (("content-type", "application/json"), ("x-should-retry", "false"))
        return Response(501, headers, json.dumps(body).encode())
