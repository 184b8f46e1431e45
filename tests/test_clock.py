"""created_at follows whatever controls time: time-machine, freezegun, a clock option."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from helpers import client

import fake_assistants

MOMENT = dt.datetime(2030, 6, 1, 12, 0, 30, tzinfo=dt.UTC)


def test_time_machine_travel_sets_created_at() -> None:
    with fake_assistants.mock(), time_machine.travel(MOMENT, tick=False):
        created = client().beta.assistants.create(model="gpt-4o")
    assert created.created_at == int(MOMENT.timestamp())


def test_time_machine_shift_is_seen_per_request() -> None:
    with fake_assistants.mock(), time_machine.travel(MOMENT, tick=False) as traveller:
        first = client().beta.assistants.create(model="gpt-4o")
        traveller.shift(dt.timedelta(hours=1))
        second = client().beta.assistants.create(model="gpt-4o")
    assert second.created_at - first.created_at == 3600


def test_a_clock_option_going_backwards_still_lists_by_created_at() -> None:
    ticks = iter([300, 100, 200])
    with fake_assistants.mock(clock=lambda: next(ticks)) as fake:
        for name in ("a", "b", "c"):
            client().beta.assistants.create(model="gpt-4o", name=name)
        names = [a.name for a in client().beta.assistants.list(order="asc")]
    assert names == ["b", "c", "a"]
    assert fake.journal is fake.calls


def test_a_clock_that_is_no_function_is_refused_when_the_fake_is_made() -> None:
    with pytest.raises(TypeError, match="clock: a function that returns the time"):
        fake_assistants.FakeAssistants(clock=MOMENT)  # type: ignore[arg-type]
    assert fake_assistants.FakeAssistants(clock=lambda: MOMENT).service.now() == int(
        MOMENT.timestamp()
    )


def test_get_is_none_for_an_unknown_id() -> None:
    with fake_assistants.mock(endpoint="https://get.openai.azure.com") as fake:
        made = fake.assistants.create(model="gpt-4o")
        assert fake.assistants.get(made["id"]) == made
        assert fake.assistants.get("asst_missing") is None
