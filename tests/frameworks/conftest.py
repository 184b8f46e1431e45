"""Agent frameworks driving whole assistant turns through the fake.

Each module here needs its framework (`pip install ".[test,frameworks]"`) and skips, at
collection, with the reason when it is absent, so the default test run needs none of
them. With `FAKE_ASSISTANTS_FRAMEWORKS=1` (set by the CI job that installs them) such a
skip is a failure instead: that job must never pass by running nothing.

The frameworks' own telemetry is turned off: with LangSmith tracing on, a LangChain run
posts to LangSmith's host from a background thread. The `offline` guard refuses that, but
the framework swallows the error there, so `no_network_attempts` also fails the test for
any attempt the guard refused, in whatever thread.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Generator, Iterator
from typing import Any

import pytest
from helpers import offline  # noqa: F401  (autouse: no test may touch the network)

REQUIRED = os.environ.get("FAKE_ASSISTANTS_FRAMEWORKS") == "1"

# Every name LangSmith reads for "trace this run" (it takes LANGSMITH_* before LANGCHAIN_*).
TELEMETRY_OFF = {
    "LANGSMITH_TRACING": "false",
    "LANGSMITH_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "OTEL_SDK_DISABLED": "true",
    "AUTOGEN_DISABLE_RUNTIME_TRACING": "true",
}


@pytest.fixture(autouse=True)
def telemetry_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in TELEMETRY_OFF.items():
        monkeypatch.setenv(name, value)
    # No key for a framework's default, non-Azure client either: making one must fail.
    for name in ("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(autouse=True)
def no_network_attempts(offline: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # noqa: F811
    """Records every connection the `offline` guard (set up first) refuses."""
    attempts: list[str] = []

    def recording(name: str, refuse: Any) -> Any:
        def attempt(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            return refuse(*args, **kwargs)

        return attempt

    for owner, name in [
        (socket, "getaddrinfo"),
        (socket, "create_connection"),
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
    ]:
        monkeypatch.setattr(owner, name, recording(name, getattr(owner, name)))
    yield
    assert attempts == [], "a framework tried to reach the network"


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    """Under FAKE_ASSISTANTS_FRAMEWORKS=1 a module skipped for a missing framework fails."""
    report = yield
    if REQUIRED and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"{collector.nodeid} was skipped ({report.longrepr[-1]}), but "
            "FAKE_ASSISTANTS_FRAMEWORKS=1 requires every framework test to run"
        )
    return report
