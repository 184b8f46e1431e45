"""The pytest plugin: the `fake_assistants` fixture and the `fake_assistants` marker, and
the `fake_assistants_server` fixture (the fake over real HTTP on loopback).

Registered through the `pytest11` entry point, so installing the package is enough. It
must cost nothing to tests that never use the fake: it imports nothing heavy at load
(the fixture imports the fake when first used) and has no autouse fixture (marked tests
get the fixture added to their fixture names at collection instead).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._fake import FakeAssistants
    from ._server import Server

MARKER = "fake_assistants"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test with the fake Azure OpenAI assistants service "
        "active, built with these options (endpoint, api_key, seed, clock, ...). "
        "Applies at function, class or module level; the closest level wins per option.",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A marked test gets the fake even when it does not ask for the fixture.

    The fixture goes first, so the fake is active while the test's other function
    fixtures are set up, as an autouse fixture would be.
    """
    for item in items:
        names = getattr(item, "fixturenames", None)
        if isinstance(names, list) and MARKER not in names and item.get_closest_marker(MARKER):
            names.insert(0, MARKER)


def marker_options(node: pytest.Item) -> dict[str, Any]:
    """Options from every `fake_assistants` marker on the test, the closest winning."""
    options: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only")
        options.update(marker.kwargs)
    return options


@functools.cache
def known_options() -> list[str]:
    """FakeAssistants' keyword options, read from its signature once."""
    import inspect

    from ._fake import FakeAssistants

    return list(inspect.signature(FakeAssistants).parameters)


def check_options(options: dict[str, Any], known: list[str]) -> None:
    """A misspelt option is named, with the likeliest one meant, before the fake is made."""
    import difflib

    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER}: unknown option {name!r}{hint} "
                f"(options: {', '.join(known)})"
            )


@pytest.fixture
def fake_assistants(request: pytest.FixtureRequest) -> Iterator[FakeAssistants]:
    """A fresh fake, active for the whole test; options come from the marker.

    Teardown stops it however many times the test started it again.
    """
    from ._fake import FakeAssistants

    options = marker_options(request.node)
    if options:  # most tests pass none: reading the signature costs more than the fake
        check_options(options, known_options())
    with FakeAssistants(**options) as fake:
        yield fake


@pytest.fixture
def fake_assistants_server() -> Iterator[Server]:
    """A fresh fake served over HTTP on a free 127.0.0.1 port for the test: `.url` for
    clients (`AzureOpenAI(azure_endpoint=server.url, ...)`), `.fake` to script and
    inspect it. Needs the 'server' extra (uvicorn). The fake is not activated in
    process: only HTTP reaches it. It takes no marker options (the marker starts the
    in-process fake); for options, use `with fake_assistants.serve(**options)`.
    """
    from ._server import serve

    with serve() as server:
        yield server
