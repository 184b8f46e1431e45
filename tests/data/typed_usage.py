"""User code that `mypy --strict` must accept, with the types it must infer.

Checked by tests/test_typing.py; never run or collected (its name does not start with
`test`).
"""

from __future__ import annotations

import unittest
from collections.abc import AsyncIterator, Iterator
from typing import Any, assert_type

import fake_assistants as fa
from fake_assistants import FakeAssistants, NotFound, WireError, mock


@mock
def bare(x: int) -> str:
    return str(x)


@mock(seed=1)
def with_options(name: str, *, times: int = 1) -> list[str]:
    return [name] * times


@fa.mock()
async def coroutine() -> int:
    return 1


@mock
def generator() -> Iterator[int]:
    yield 1


@mock()
async def async_generator() -> AsyncIterator[int]:
    yield 1


@mock
class TestCaseStyle(unittest.TestCase):
    def test_it(self) -> None:
        pass


@mock(endpoint="https://x.openai.azure.com")
class TestPlain:
    def test_it(self) -> None:
        pass


def uses_the_context_managers() -> None:
    with fa.mock(seed=2) as fake:
        assert_type(fake, FakeAssistants)
        assert_type(fake.call_count, int)
    assert_type(mock(), FakeAssistants)
    assert_type(bare(1), str)
    assert_type(with_options("a", times=2), list[str])
    assert_type(generator(), Iterator[int])
    assert_type(async_generator(), AsyncIterator[int])
    assert_type(TestCaseStyle, type[TestCaseStyle])
    assert_type(TestPlain, type[TestPlain])
    try:
        fake.assistants.retrieve("asst_x")
    except NotFound as error:
        assert_type(error.status, int)
    except WireError as error:
        assert_type(error.body(), dict[str, Any])


def uses_faults_and_snapshots() -> None:
    fake = FakeAssistants()
    rule = fake.fail(status=429, path="/openai/threads/{thread_id}/runs", times=2)
    assert_type(rule, fa.Fault)
    assert_type(rule.remaining, int | None)
    assert_type(fake.faults, tuple[fa.Fault, ...])
    assert_type(fake.drop(), fa.Fault)
    assert_type(fake.delay(5), fa.Fault)
    assert_type(fake.fail_run({"code": "server_error", "message": "m"}), fa.Fault)
    rule.cancel()
    assert_type(fake.snapshot(), dict[str, Any])
    assert_type(FakeAssistants.load(fake.snapshot(), seed=1), FakeAssistants)
    assert_type(fake.calls.last.fault, fa.Fault | None)


async def uses_the_async_context_manager() -> None:
    async with fa.mock() as fake:
        assert_type(fake, FakeAssistants)
    assert_type(await coroutine(), int)
