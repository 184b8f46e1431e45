"""Which requests the fake answers, which it leaves alone, and when it stops answering.

Pass-through is observed with clients whose transport is an `httpx.MockTransport` (or
respx), so a request the fake does not take never reaches the network either.
"""

from __future__ import annotations

import warnings

import httpx
import pytest
import respx
from helpers import (
    API_KEY,
    ENDPOINT,
    GATEWAY_404,
    Recorder,
    client,
    unserved,
    url,
)

from fake_assistants import FakeAssistants, UnsupportedRequestWarning, mock

AUTH = {"api-key": API_KEY}

AZURE_HOSTS = [
    "https://contoso.openai.azure.com",
    "https://contoso.cognitiveservices.azure.com",
    "https://contoso.services.ai.azure.com",
    "https://contoso.openai.azure.us",
    "https://contoso.openai.azure.cn",
]

OTHER_HOSTS = [
    "https://example.com",
    "https://api.openai.com",  # OpenAI itself is not Azure
    "https://openai.azure.com.example.com",  # a look-alike suffix
    "https://contosoopenai.azure.com",  # no dot before the suffix
    "http://localhost:8765",  # served only when configured as an endpoint
]


@pytest.fixture
def httpx2():
    return pytest.importorskip(
        "httpx2", reason="httpx2 is installed with openai 3.x only; httpx is tested everywhere"
    )


# --- hosts ------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", AZURE_HOSTS)
def test_azure_hosts_are_served(fake_assistants: FakeAssistants, endpoint: str) -> None:
    recorder = Recorder()
    with recorder.client() as http:
        response = http.post(url(endpoint=endpoint), json={"model": "gpt-4o"}, headers=AUTH)

    assert response.status_code == 200
    assert response.json()["object"] == "assistant"
    assert recorder.requests == []
    assert response.json()["id"] in fake_assistants.resource(endpoint).assistants
    assert client(endpoint).beta.assistants.retrieve(response.json()["id"]).model == "gpt-4o"


@pytest.mark.parametrize("endpoint", OTHER_HOSTS)
def test_other_hosts_are_left_alone(fake_assistants: FakeAssistants, endpoint: str) -> None:
    recorder = Recorder()
    with recorder.client() as http:
        response = http.post(url(endpoint=endpoint), json={"model": "gpt-4o"}, headers=AUTH)

    assert response.json() == {"mock": True}
    assert [str(r.url) for r in recorder.requests] == [url(endpoint=endpoint)]
    assert fake_assistants.call_count == 0


def test_each_host_has_its_own_state(fake_assistants: FakeAssistants) -> None:
    first, second = AZURE_HOSTS[0], "https://other.openai.azure.com"
    made = client(first).beta.assistants.create(model="gpt-4o")

    assert [a.id for a in client(second).beta.assistants.list()] == []
    assert [a.id for a in client(first).beta.assistants.list()] == [made.id]
    assert len(fake_assistants.resource(second).assistants) == 0
    assert made.id in fake_assistants.resource(first).assistants


def test_host_match_ignores_case(fake_assistants: FakeAssistants) -> None:
    made = client("https://Contoso.OpenAI.Azure.com").beta.assistants.create(model="gpt-4o")

    assert made.id in fake_assistants.resource("https://contoso.openai.azure.com").assistants


@pytest.mark.fake_assistants(endpoint="http://localhost:8765")
def test_a_custom_endpoint_is_served(fake_assistants: FakeAssistants) -> None:
    sdk = client("http://localhost:8765")
    made = sdk.beta.assistants.create(model="gpt-4o")

    assert [a.id for a in sdk.beta.assistants.list()] == [made.id]
    assert made.id in fake_assistants.assistants  # the endpoint is the default resource
    recorder = Recorder()
    with recorder.client() as http:
        assert http.get(url(endpoint="http://localhost:8766"), headers=AUTH).json() == {
            "mock": True
        }
        assert http.get(url(endpoint="http://localhost:8765"), headers=AUTH).status_code == 200
    assert len(recorder.requests) == 1


def test_respx_routes_for_other_hosts_keep_working(fake_assistants: FakeAssistants) -> None:
    with respx.mock(assert_all_called=False) as router:
        example = router.get("https://example.com/data").respond(200, json={"from": "respx"})
        azure = router.route(host="res.openai.azure.com").respond(500)

        from_respx = httpx.get("https://example.com/data")
        from_fake = httpx.get(url(), headers=AUTH)

    assert from_respx.json() == {"from": "respx"}
    assert example.call_count == 1
    assert from_fake.status_code == 200
    assert from_fake.json()["object"] == "list"
    assert azure.call_count == 0
    assert fake_assistants.calls.last.request.path == "/openai/assistants"


# --- unserved paths ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/openai/nope/x"),
        ("POST", "/openai/nope"),
        ("GET", "/openai/deployments/gpt-4o/assistants"),
        ("GET", "/openai/assistants/asst_abc/files"),
        ("GET", "/v1/assistants"),
    ],
)
def test_unserved_azure_path_is_404_and_reported(method: str, path: str) -> None:
    recorder = Recorder()
    with pytest.warns(UnsupportedRequestWarning, match=f"{method} {path}"):  # noqa: SIM117
        with mock() as fake, recorder.client() as http:
            response = http.request(method, url(path), headers=AUTH)

    assert (response.status_code, response.json()) == (404, GATEWAY_404)
    assert response.headers["x-fake-assistants-unserved"].startswith(unserved(method, path))
    assert recorder.requests == []
    assert [(c.method, c.path) for c in fake.unsupported] == [(method, path)]


def test_unserved_paths_are_not_reported_when_asked_not_to() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsupportedRequestWarning)
        with mock(report_unsupported=False) as fake:
            response = httpx.get(url("/openai/nope/x"), headers=AUTH)

    assert response.status_code == 404
    assert len(fake.unsupported) == 1


def test_unsupported_warning_points_at_the_users_code() -> None:
    with pytest.warns(UnsupportedRequestWarning) as record:  # noqa: SIM117
        with mock():
            httpx.get(url("/openai/nope/x"), headers=AUTH)

    assert record[0].filename == __file__


def test_each_unserved_request_is_reported_once() -> None:
    fake = FakeAssistants()
    with pytest.warns(UnsupportedRequestWarning, match="1 request"), fake:
        httpx.get(url("/openai/nope/x"), headers=AUTH)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsupportedRequestWarning)
        with fake:
            httpx.get(url(), headers=AUTH)

    assert len(fake.unsupported) == 1


def test_served_paths_are_not_reported() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsupportedRequestWarning)
        with mock():
            assert httpx.get(url(api_version=None), headers=AUTH).status_code == 404
            assert httpx.get(url("/openai/assistants/asst_x"), headers=AUTH).status_code == 404


# --- activation -------------------------------------------------------------------------


def test_stops_intercepting_after_the_with_block() -> None:
    recorder = Recorder()
    with recorder.client() as http:
        with mock() as fake:
            inside = http.get(url(), headers=AUTH)
        after = http.get(url(), headers=AUTH)

    assert inside.json()["object"] == "list"
    assert after.json() == {"mock": True}
    assert [r.url.host for r in recorder.requests] == ["res.openai.azure.com"]
    assert fake.call_count == 1
    assert not fake.active


def test_stops_intercepting_when_the_block_raises() -> None:
    recorder = Recorder()
    with pytest.raises(RuntimeError), mock():
        raise RuntimeError("boom")

    with recorder.client() as http:
        assert http.get(url(), headers=AUTH).json() == {"mock": True}


def test_not_intercepting_before_start() -> None:
    fake = FakeAssistants()
    recorder = Recorder()
    with recorder.client() as http:
        before = http.get(url(), headers=AUTH)
        fake.start()
        try:
            during = http.get(url(), headers=AUTH)
        finally:
            fake.stop()

    assert before.json() == {"mock": True}
    assert during.json()["object"] == "list"
    assert len(recorder.requests) == 1


def test_nested_fakes_the_innermost_answers() -> None:
    with mock(seed="outer") as outer:
        with mock(seed="inner") as inner:
            client().beta.assistants.create(model="gpt-4o")
        client().beta.assistants.create(model="gpt-4o")

    assert (inner.call_count, outer.call_count) == (1, 1)


def test_restart_keeps_state() -> None:
    fake = FakeAssistants(endpoint=ENDPOINT)
    with fake:
        made = client().beta.assistants.create(model="gpt-4o")
    with fake:
        assert client().beta.assistants.retrieve(made.id).id == made.id


async def test_async_httpx_is_served_and_passes_other_hosts_through(
    fake_assistants: FakeAssistants,
) -> None:
    recorder = Recorder()
    async with recorder.async_client() as http:
        served = await http.post(url(), json={"model": "gpt-4o"}, headers=AUTH)
        passed = await http.get("https://example.com/")

    assert served.status_code == 200
    assert served.json()["id"] in fake_assistants.resource(ENDPOINT).assistants
    assert passed.json() == {"mock": True}
    assert [r.url.host for r in recorder.requests] == ["example.com"]


# --- httpx2 (openai 3.x's HTTP library) -------------------------------------------------


def test_httpx2_sync_is_served_and_passes_other_hosts_through(httpx2) -> None:
    recorder = Recorder(httpx2)
    with mock() as fake, recorder.client() as http:
        served = http.post(url(), json={"model": "gpt-4o"}, headers=AUTH)
        passed = http.get("https://example.com/")
    with recorder.client() as http:
        after = http.get(url(), headers=AUTH)

    assert served.status_code == 200
    assert served.json()["id"] in fake.resource(ENDPOINT).assistants
    assert passed.json() == after.json() == {"mock": True}
    assert [r.url.host for r in recorder.requests] == ["example.com", "res.openai.azure.com"]


async def test_httpx2_async_is_served_and_passes_other_hosts_through(httpx2) -> None:
    recorder = Recorder(httpx2)
    async with mock(report_unsupported=False) as fake, recorder.async_client() as http:
        served = await http.post(url(), json={"model": "gpt-4o"}, headers=AUTH)
        passed = await http.get("https://example.com/")
        refused = await http.get(url("/openai/nope/x"), headers=AUTH)

    assert served.status_code == 200
    assert served.json()["id"] in fake.resource(ENDPOINT).assistants
    assert passed.json() == {"mock": True}
    assert (refused.status_code, refused.json()) == (404, GATEWAY_404)
    assert refused.headers["x-fake-assistants-unserved"].startswith(
        unserved("GET", "/openai/nope/x")
    )
    assert [r.url.host for r in recorder.requests] == ["example.com"]


def test_httpx_and_httpx2_share_one_state(httpx2) -> None:
    with mock() as fake:
        made = httpx.post(url(), json={"model": "gpt-4o"}, headers=AUTH).json()
        seen = httpx2.get(url(f"/openai/assistants/{made['id']}"), headers=AUTH).json()

    assert seen == made
    assert fake.call_count == 2
