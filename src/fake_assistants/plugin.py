"""The pytest plugin: the `fake_assistants` fixture and the `fake_assistants` marker.

Registered through the `pytest11` entry point, so installing the package is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._fake import FakeAssistants

MARKER = "fake_assistants"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test with the fake Azure OpenAI assistants service "
        "active, built with these options (endpoint, api_key, seed, clock, ...). "
        "Applies at function, class or module level; the closest level wins per option.",
    )


def marker_options(node: pytest.Item) -> dict[str, Any]:
    """Options from every `fake_assistants` marker on the test, the closest winning."""
    options: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def fake_assistants(request: pytest.FixtureRequest) -> Iterator[FakeAssistants]:
    """A fresh fake, active for the whole test; options come from the marker."""
    with FakeAssistants(**marker_options(request.node)) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fake_assistants_marker(request: pytest.FixtureRequest) -> None:
    """A marked test gets the fake active even when it does not ask for the fixture."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue(MARKER)
