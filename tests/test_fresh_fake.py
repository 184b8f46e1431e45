"""A fresh fake per test costs little: its service is made on first use, the interception
reuses its wrappers from one fake to the next, and the fixture reads no signature when
the marker passes no option. None of it may change what a test sees."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from helpers import API_KEY, ENDPOINT, client, url

from fake_assistants import FakeAssistants, UnsupportedRequestWarning

AUTH = {"api-key": API_KEY}


def test_a_fake_that_serves_nothing_makes_no_service() -> None:
    fake = FakeAssistants(seed=3)
    with fake:
        pass

    assert fake._service is None
    assert fake.calls == []  # looking makes it, empty
    assert fake._service is not None


def test_a_lazily_made_service_keeps_the_options_and_the_seed() -> None:
    first, second = FakeAssistants(seed=7), FakeAssistants(seed=7)
    with first:
        made = client().beta.assistants.create(model="gpt-4o")
    second.resource(ENDPOINT).assistants.create(model="gpt-4o")

    assert made.id in second.resource(ENDPOINT).assistants
    with pytest.raises(ValueError, match="journal_limit"):
        FakeAssistants(journal_limit=0)  # still refused when made, not when first served


def test_threads_that_send_first_share_one_service() -> None:
    fake, barrier = FakeAssistants(), threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        client().beta.assistants.create(model="gpt-4o")

    with fake:
        workers = [threading.Thread(target=create) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        listed = client().beta.assistants.list(limit=100)

    assert len(listed.data) == 6 and fake.call_count == 7


def test_an_unserved_request_is_still_reported_by_a_lazily_made_service() -> None:
    with pytest.warns(UnsupportedRequestWarning, match="GET /openai/nope"):  # noqa: SIM117
        with FakeAssistants():
            httpx.get(url("/openai/nope"), headers=AUTH)


def test_a_patch_made_between_two_fakes_is_wrapped_not_lost() -> None:
    with FakeAssistants():  # the first fake leaves its wrapper aside for the next
        pass
    seen: list[str] = []
    original = httpx.Client.__dict__["_send_single_request"]

    def theirs(self: Any, request: Any) -> Any:
        seen.append(request.url.host)
        return original(self, request)

    httpx.Client._send_single_request = theirs  # type: ignore[method-assign]
    try:
        with FakeAssistants() as fake:
            answered = httpx.post(url(), json={"model": "gpt-4o"}, headers=AUTH).json()
        assert httpx.Client.__dict__["_send_single_request"] is theirs  # theirs again
    finally:
        httpx.Client._send_single_request = original  # type: ignore[method-assign]

    assert answered["id"] in fake.resource(ENDPOINT).assistants
    assert seen == ["res.openai.azure.com"]  # their wrapper saw it, under ours


def test_the_fixture_reads_no_signature_without_marker_options(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import inspect
        import pytest

        from fake_assistants import FakeAssistants

        @pytest.fixture
        def no_signatures(monkeypatch):
            original = inspect.signature

            def watched(target, *args, **kwargs):
                if target is FakeAssistants:
                    raise AssertionError("FakeAssistants' signature was read")
                return original(target, *args, **kwargs)

            monkeypatch.setattr(inspect, "signature", watched)

        @pytest.mark.usefixtures("no_signatures")
        def test_plain(fake_assistants):
            assert fake_assistants.active

        @pytest.mark.fake_assistants(seed=2)
        def test_with_options(fake_assistants):
            assert fake_assistants.active
        """
    )

    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)
