"""Shared helpers for the end-to-end tests: SDK client factories, URLs and a network guard.

Test modules import the `offline` fixture (autouse) so that any attempt to open a socket
fails the test: everything these tests send must be answered by the fake or by a mock
transport, never by the network.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

import fake_assistants

ENDPOINT = "https://res.openai.azure.com"
API_VERSION = "2024-05-01-preview"
API_KEY = "test-key"
ASSISTANT_ID = re.compile(r"^asst_[A-Za-z0-9]{24}$")
REQUEST_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# What a freshly created v2 assistant shows for everything not sent (besides id/created_at).
V2_DEFAULTS: dict[str, Any] = {
    "object": "assistant",
    "name": None,
    "description": None,
    "instructions": None,
    "tools": [],
    "tool_resources": {},
    "metadata": {},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": "auto",
}


def stored_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tools as the service shows them back: a function gets `parameters` (empty object
    schema) and `strict` (false) when not sent."""
    shown = []
    for tool in tools:
        if tool["type"] == "function":
            sent = tool["function"]
            function = {key: sent[key] for key in ("name", "description") if key in sent}
            function["parameters"] = sent.get("parameters", {"type": "object", "properties": {}})
            function["strict"] = bool(sent.get("strict"))
            tool = {"type": "function", "function": function}
        shown.append(tool)
    return shown


def stored_tool_resources(resources: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """The code_interpreter tool brings an empty `code_interpreter` resource entry."""
    if any(tool["type"] == "code_interpreter" for tool in tools):
        return {"code_interpreter": {"file_ids": []}, **resources}
    return resources


GATEWAY_404 = {"error": {"code": "404", "message": "Resource not found"}}
GATEWAY_404_BYTES = b'{"error": {"code": "404", "message": "Resource not found"}}'  # as sent


def unserved(method: str, path: str) -> str:
    """How the fake's header on its 404 for a path it does not serve begins (the body is
    Azure's own, GATEWAY_404)."""
    return f"fake-assistants does not serve {method} {path}"


ACCESS_DENIED = {
    "error": {
        "code": "401",
        "message": (
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
            "provide a valid key for an active subscription and use a correct regional API "
            "endpoint for your resource."
        ),
    }
}


def not_found(assistant_id: str) -> dict[str, Any]:
    """The OpenAI-envelope payload (`e.body` in the SDK) for an unknown assistant id."""
    return {
        "message": f"No assistant found with id '{assistant_id}'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def client(
    endpoint: str = ENDPOINT,
    *,
    api_key: str = API_KEY,
    api_version: str = API_VERSION,
    **options: Any,
) -> openai.AzureOpenAI:
    options.setdefault("max_retries", 0)
    return openai.AzureOpenAI(
        azure_endpoint=endpoint, api_key=api_key, api_version=api_version, **options
    )


def async_client(
    endpoint: str = ENDPOINT,
    *,
    api_key: str = API_KEY,
    api_version: str = API_VERSION,
    **options: Any,
) -> openai.AsyncAzureOpenAI:
    options.setdefault("max_retries", 0)
    return openai.AsyncAzureOpenAI(
        azure_endpoint=endpoint, api_key=api_key, api_version=api_version, **options
    )


def url(
    path: str = "/openai/assistants",
    endpoint: str = ENDPOINT,
    api_version: str | None = API_VERSION,
    **query: str,
) -> str:
    """An absolute URL; `api-version` comes first in the query unless it is None."""
    params = {"api-version": api_version, **query} if api_version is not None else query
    encoded = str(httpx.QueryParams(params))
    return f"{endpoint}{path}" + (f"?{encoded}" if encoded else "")


class Recorder:
    """A mock-transport handler that records what reached it and answers 200 `{"mock": true}`.

    `module` is the httpx-like module whose `Response` the handler returns (httpx or httpx2).
    """

    def __init__(self, module: Any = httpx) -> None:
        self.module = module
        self.requests: list[Any] = []

    def __call__(self, request: Any) -> Any:
        self.requests.append(request)
        return self.module.Response(200, json={"mock": True})

    def client(self) -> Any:
        return self.module.Client(transport=self.module.MockTransport(self))

    def async_client(self) -> Any:
        return self.module.AsyncClient(transport=self.module.MockTransport(self))


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"a test tried to reach the network: {args!r}")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails any test that resolves a name or opens a connection."""
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    yield


@pytest.fixture
def fake() -> Iterator[fake_assistants.FakeAssistants]:
    """A fake serving `ENDPOINT` (and every Azure host) for the test."""
    with fake_assistants.mock(endpoint=ENDPOINT) as active:
        yield active


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records every sleep the SDK's poll helpers ask for, without sleeping."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def pdf_of(streams: list[str]) -> bytes:
    """A minimal valid PDF: one page per content stream, text in Helvetica (`/F1`),
    with a correct xref table."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(streams)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(streams)} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, stream in enumerate(streams):
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return bytes(out + trailer.encode())


def pdf_string(text: str) -> str:
    """`text` as a PDF string literal, backslashes and parentheses escaped."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
