"""Fault injection: rules that answer, delay or drop requests, or fail runs, before the
service serves them; the openai SDK's own retry loop against them."""

from __future__ import annotations

import importlib.util
import re
import time
from typing import Any

import httpx
import openai
import pytest
from helpers import ENDPOINT, async_client, client

from fake_assistants import Dropped, FakeAssistants, Request

RUNS = "/openai/threads/{thread_id}/runs"
SERVER_ERROR = (
    "The server had an error processing your request. Sorry about that! You can retry your "
    "request, or contact us through our help center at help.openai.com if the error persists."
)
MODULES = [m for m in ("httpx", "httpx2") if importlib.util.find_spec(m) is not None]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The SDK's retry sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def post(fake: FakeAssistants, path: str, body: bytes = b'{"model": "gpt-4o"}') -> Any:
    url = f"{ENDPOINT}{path}?api-version=2024-05-01-preview"
    return fake.handle(Request("POST", url, {"api-key": "k"}, body))


# --- the SDK retries, then succeeds or gives up ------------------------------------------


def test_429_is_retried_after_retry_after_ms_then_succeeds(
    fake_assistants: FakeAssistants, sleeps: list[float]
) -> None:
    rule = fake_assistants.fail(
        method="POST", path="/openai/assistants", status=429, times=2, retry_after=0.25
    )
    made = client(max_retries=2).beta.assistants.create(model="gpt-4o")
    assert sleeps == [0.25, 0.25]  # the SDK waited what retry-after-ms said
    assert [c.status for c in fake_assistants.calls] == [429, 429, 200]
    assert [c.fault for c in fake_assistants.calls] == [rule, rule, None]
    assert rule.hits == 2 and rule.remaining == 0 and fake_assistants.faults == ()
    assert [a["id"] for a in fake_assistants.assistants.list()] == [made.id]


def test_429_gives_up_after_max_retries(
    fake_assistants: FakeAssistants, sleeps: list[float]
) -> None:
    fake_assistants.fail(status=429, path="/openai/assistants", retry_after=3)
    with pytest.raises(openai.RateLimitError) as raised:
        client(max_retries=2).beta.assistants.create(model="gpt-4o")
    assert sleeps == [3.0, 3.0] and len(fake_assistants.calls) == 3
    message = raised.value.body["message"]
    assert raised.value.body == {"code": "429", "message": message}
    assert message.startswith(
        "Requests to the Assistants_Create Operation under Azure OpenAI API version "
        "2024-05-01-preview have exceeded call rate limit of your current OpenAI S0 "
        "pricing tier. Please retry after 3 seconds. Please go here: https://aka.ms/"
    )
    assert fake_assistants.assistants.list() == []  # faulted requests changed nothing


def test_500_is_retried_with_the_server_error_envelope(
    fake_assistants: FakeAssistants, sleeps: list[float]
) -> None:
    fake_assistants.fail(status=500, times=1)
    assert client(max_retries=2).beta.assistants.create(model="gpt-4o").id
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.5  # the SDK's own backoff
    first = fake_assistants.calls[0].response
    assert first.header("x-should-retry") is None  # unlike the fake's own bugs
    assert first.json() == {
        "error": {"message": SERVER_ERROR, "type": "server_error", "param": None, "code": None}
    }


def test_500_gives_up_as_internal_server_error(
    fake_assistants: FakeAssistants, sleeps: list[float]
) -> None:
    fake_assistants.fail(status=500)
    with pytest.raises(openai.InternalServerError, match="The server had an error"):
        client(max_retries=2).beta.assistants.list()
    assert len(fake_assistants.calls) == 3


@pytest.mark.parametrize("module", MODULES)
def test_a_dropped_connection_is_retried_by_the_sdk(
    module: str, sleeps: list[float], recwarn: Any
) -> None:
    fake = FakeAssistants()
    fake.drop(path="/openai/assistants", times=1)
    sdk = client(max_retries=2, http_client=fake.http_client(module))
    assert sdk.beta.assistants.create(model="gpt-4o").id
    assert [c.status for c in fake.calls] == [0, 200]  # 0: no response was sent


@pytest.mark.parametrize("module", MODULES)
def test_a_dropped_connection_gives_up_as_a_connection_error(
    module: str, sleeps: list[float], recwarn: Any
) -> None:
    fake = FakeAssistants()
    rule = fake.drop()
    sdk = client(max_retries=2, http_client=fake.http_client(module))
    with pytest.raises(openai.APIConnectionError) as raised:
        sdk.beta.assistants.list()
    assert type(raised.value.__cause__).__name__ == "RemoteProtocolError"
    assert rule.hits == 3 and len(sleeps) == 2


def test_a_drop_reaches_a_plain_client_as_remote_protocol_error(
    fake_assistants: FakeAssistants,
) -> None:
    fake_assistants.drop(method="GET")
    with httpx.Client() as http, pytest.raises(httpx.RemoteProtocolError):
        http.get(f"{ENDPOINT}/openai/assistants?api-version=2024-05-01-preview")


def test_a_drop_through_a_respx_route_raises_remote_protocol_error() -> None:
    import respx

    fake = FakeAssistants()
    fake.drop(times=1)
    with respx.mock() as router, httpx.Client() as http:
        fake.respx_route(router)
        url = f"{ENDPOINT}/openai/assistants?api-version=2024-05-01-preview"
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(url, headers={"api-key": "k"})
        assert http.get(url, headers={"api-key": "k"}).status_code == 200


async def test_the_async_sdk_retries_a_429(fake_assistants: FakeAssistants) -> None:
    fake_assistants.fail(status=429, times=1, retry_after=0.001)
    made = await async_client(max_retries=1).beta.assistants.create(model="gpt-4o")
    assert made.id and [c.status for c in fake_assistants.calls] == [429, 200]


# --- what a rule matches ------------------------------------------------------------------


def test_a_template_matches_its_route_and_a_glob_matches_paths() -> None:
    fake = FakeAssistants()
    thread = post(fake, "/openai/threads", b"{}").json()["id"]
    on_runs = fake.fail(status=503, method="GET", path=RUNS)
    assert post(fake, f"/openai/threads/{thread}/runs", b"{}").status == 400  # POST: served
    url = f"{ENDPOINT}/openai/threads/{thread}/runs?api-version=2024-05-01-preview"
    answer = fake.handle(Request("GET", url, {"api-key": "k"}))
    assert answer.status == 503 and fake.calls.last.fault is on_runs
    assert answer.json() == {
        "error": {
            "code": "ServiceUnavailable",
            "message": "The service is temporarily unable to process your request. "
            "Please try again later.",
        }
    }
    on_runs.cancel()
    on_threads = fake.fail(status=408, path="/openai/threads/*")
    assert post(fake, "/openai/assistants").status == 200  # the glob does not match it
    assert post(fake, f"/openai/threads/{thread}/messages", b"{}").status == 408
    assert fake.calls.last.response.json()["error"]["code"] == "Timeout"
    assert fake.faults == (on_threads,) and not on_runs.active


def test_a_rule_acts_before_credentials_and_takes_several_paths() -> None:
    fake = FakeAssistants(api_key="right")
    fake.fail(status=429, path=["/openai/threads", "/openai/assistants"], retry_after=2)
    answer = post(fake, "/openai/assistants")  # the key "k" is wrong: never checked
    assert answer.status == 429
    assert (answer.header("retry-after"), answer.header("retry-after-ms")) == ("2", "2000")
    assert post(fake, "/openai/threads", b"{}").status == 429
    assert post(fake, "/openai/vector_stores", b"{}").status == 401


def test_times_bounds_a_rule_and_later_rules_act_when_it_is_spent() -> None:
    fake = FakeAssistants()
    first = fake.fail(status=500, times=1)
    then = fake.fail(status=429, times=1, body={"error": {"code": "mine", "message": "m"}})
    statuses = [post(fake, "/openai/assistants").status for _ in range(3)]
    assert statuses == [500, 429, 200]
    assert fake.calls[1].response.json() == {"error": {"code": "mine", "message": "m"}}
    assert fake.calls[1].response.header("retry-after") is None
    assert first.hits == then.hits == 1 and fake.faults == ()


def test_a_status_without_a_reason_phrase_still_answers() -> None:
    fake = FakeAssistants()
    fake.fail(status=499)
    answer = post(fake, "/openai/assistants")
    assert answer.status == 499
    assert answer.json() == {"error": {"code": "499", "message": "Error 499"}}


def test_a_faulted_request_draws_no_id() -> None:
    faulted, plain = FakeAssistants(), FakeAssistants()
    faulted.fail(status=500, times=1)
    faulted.drop(times=1)
    assert post(faulted, "/openai/assistants").status == 500
    assert post(faulted, "/openai/assistants") == Dropped()
    assert post(faulted, "/openai/assistants").json() == post(plain, "/openai/assistants").json()


@pytest.mark.parametrize(
    "arguments",
    [
        {"status": 200},
        {"status": 429, "times": 0},
        {"status": 500, "probability": 0},
        {"status": 500, "path": "openai/assistants"},
        {"status": 429, "retry_after": -1},
    ],
)
def test_a_rule_that_cannot_act_is_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FakeAssistants().fail(**arguments)


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("*", "/openai/threads/{thread}/runs", "did you mean '/openai/threads/{thread_id}/runs'"),
        ("GET", "/openai/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", "for GET"),
        ("FETCH", "*", "an HTTP method"),
    ],
)
def test_a_rule_that_could_never_match_is_refused(method: str, path: str, message: str) -> None:
    fake = FakeAssistants()
    with pytest.raises(ValueError, match=re.escape(message)):
        fake.fail(method=method, path=path)
    with pytest.raises(ValueError, match=re.escape(message)):
        fake.drop(method=method, path=[path])
    assert fake.faults == ()
    fake.fail(method="post", path="/openai/threads/{thread_id}/runs")  # any case, any glob
    fake.delay(1, path="/openai/threads/*")
    assert len(fake.faults) == 2


def test_a_probability_rule_is_deterministic_per_seed() -> None:
    def pattern(seed: int) -> list[int]:
        fake = FakeAssistants(seed=seed)
        fake.fail(status=500, probability=0.5)
        return [post(fake, "/openai/assistants").status for _ in range(40)]

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)
    assert 5 < pattern(1).count(500) < 35


def test_a_delay_sleeps_then_serves() -> None:
    fake = FakeAssistants()
    rule = fake.delay(60, times=1)
    started = time.perf_counter()
    assert post(fake, "/openai/assistants").status == 200
    assert time.perf_counter() - started >= 0.06
    assert fake.calls.last.fault is rule and len(fake.assistants.list()) == 1


# --- runs that fail -------------------------------------------------------------------------


def test_fail_run_fails_the_next_run_only(fake_assistants: FakeAssistants) -> None:
    sdk = client()
    assistant = sdk.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = sdk.beta.threads.create()
    error = {"code": "rate_limit_exceeded", "message": "Rate limit reached."}
    rule = fake_assistants.fail_run(error)
    with pytest.raises(openai.NotFoundError):  # no run made: the rule is not spent
        sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id="asst_" + "x" * 24)
    assert rule.hits == 0 and fake_assistants.calls.last.fault is None
    failed = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert failed.status == "failed" and failed.last_error is not None
    assert failed.last_error.model_dump() == error
    assert [c.fault for c in fake_assistants.calls if c.fault] == [rule]
    fake_assistants.add_reply("fine")
    after = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert after.status == "completed" and fake_assistants.faults == ()


def test_fail_run_reaches_a_streamed_thread_and_run(fake_assistants: FakeAssistants) -> None:
    sdk = client()
    assistant = sdk.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    fake_assistants.fail_run()
    events = list(sdk.beta.threads.create_and_run(assistant_id=assistant.id, stream=True))
    assert events[-1].event == "thread.run.failed"
    assert events[-1].data.last_error.code == "server_error"


def test_reset_cancels_the_rules() -> None:
    fake = FakeAssistants()
    fake.fail(status=500)
    fake.reset()
    assert fake.faults == () and post(fake, "/openai/assistants").status == 200
