"""The respx adapter: mount the fake as a route of a respx router you already use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx

from ._hosts import AZURE_SUFFIXES
from ._http import Request

if TYPE_CHECKING:
    from ._fake import FakeAssistants


def host_pattern(fake: FakeAssistants) -> str:
    """A regex for the hosts the fake serves (endpoint ports are not part of a host)."""
    suffixes = "|".join(re.escape(suffix) for suffix in AZURE_SUFFIXES)
    hosts = [re.escape(netloc.rsplit(":", 1)[0]) for netloc in fake.endpoints]
    return rf"^(.+({suffixes})|{'|'.join(hosts) or '(?!)'})$"


def respx_route(fake: FakeAssistants, router: Any = None) -> Any:
    """Adds to `router` (default: respx's global router) a route served by `fake`."""
    import respx

    target = respx.mock if router is None else router

    def side_effect(request: httpx.Request) -> httpx.Response:
        body = request.read()
        headers = dict(request.headers.items())
        answer = fake.handle(Request(request.method, str(request.url), headers, body))
        return httpx.Response(answer.status, headers=list(answer.headers), content=answer.body)

    return target.route(host__regex=host_pattern(fake)).mock(side_effect=side_effect)
