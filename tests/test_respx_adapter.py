"""The fake mounted as a route of a user's own respx router."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
import respx

import fake_assistants

ENDPOINT = "https://routed.openai.azure.com"


def make_client() -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_key="k",
        api_version="2024-05-01-preview",
        max_retries=0,
        http_client=httpx.Client(),  # respx patches httpx, which openai 3.x does not use
    )


def test_a_respx_router_serves_the_fake_beside_other_routes() -> None:
    fake = fake_assistants.FakeAssistants()
    with respx.mock(assert_all_called=False) as router:
        other = router.get("https://example.com/ping").respond(204)
        fake.respx_route(router)
        client = make_client()
        created = client.beta.assistants.create(model="gpt-4o", name="via respx")
        assert httpx.get("https://example.com/ping").status_code == 204

    assert other.call_count == 1
    assert fake.resource(ENDPOINT).assistants.retrieve(created.id)["name"] == "via respx"
    assert [call.method for call in fake.calls] == ["POST"]


def test_errors_keep_their_envelope_through_respx() -> None:
    fake = fake_assistants.FakeAssistants()
    with respx.mock() as router:
        fake.respx_route(router)
        with pytest.raises(openai.NotFoundError) as caught:
            make_client().beta.assistants.retrieve("asst_missing")

    assert caught.value.body["message"] == "No assistant found with id 'asst_missing'."


def test_endpoint_hosts_are_routed_too() -> None:
    fake = fake_assistants.FakeAssistants(endpoint="http://127.0.0.1:9")
    with respx.mock() as router:
        route = fake.respx_route(router)
        answer = httpx.get("http://127.0.0.1:9/openai/assistants?api-version=2024-05-01-preview")

    assert route.call_count == 1
    assert answer.status_code == 401  # no key: Azure's answer, from the fake
    assert answer.json()["error"]["code"] == "401"


# --- httpx2 (openai 3.x), which respx does not patch ------------------------------------


def sdk_default_client() -> openai.AzureOpenAI:
    """The SDK with its own default client: httpx2 under openai 3.x, httpx under 2.x."""
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT, api_key="k", api_version="2024-05-01-preview", max_retries=0
    )


def test_the_sdks_default_client_is_served_while_the_route_is_mounted() -> None:
    fake = fake_assistants.FakeAssistants()
    with respx.mock() as router:
        fake.respx_route(router)
        client = sdk_default_client()
        made = client.beta.assistants.create(model="gpt-4o", name="routed")
        listed = [a.name for a in client.beta.assistants.list()]

    assert listed == ["routed"]
    assert fake.resource(ENDPOINT).assistants.retrieve(made.id)["name"] == "routed"
    assert not fake.active


async def test_the_async_sdk_is_served_while_the_route_is_mounted() -> None:
    fake = fake_assistants.FakeAssistants()
    with respx.mock() as router:
        fake.respx_route(router)
        client = openai.AsyncAzureOpenAI(
            azure_endpoint=ENDPOINT, api_key="k", api_version="2024-05-01-preview", max_retries=0
        )
        made = await client.beta.assistants.create(model="gpt-4o")
        with pytest.raises(openai.NotFoundError) as caught:
            await client.beta.assistants.retrieve("asst_missing")

    assert made.id in fake.resource(ENDPOINT).assistants
    assert caught.value.body["message"] == "No assistant found with id 'asst_missing'."


def recording_client(module: Any, answered: list[str]) -> Any:
    """A client of `module` whose own transport records the URL and answers 299."""

    def handler(request: Any) -> Any:
        answered.append(str(request.url))
        return module.Response(299)

    return module.Client(transport=module.MockTransport(handler))


def test_httpx2_is_served_only_while_the_route_is_mounted() -> None:
    httpx2 = pytest.importorskip("httpx2")
    fake, answered = fake_assistants.FakeAssistants(), list[str]()
    http = recording_client(httpx2, answered)
    list_url = f"{ENDPOINT}/openai/assistants?api-version=2024-05-01-preview"
    with respx.mock() as router:
        route = fake.respx_route(router)
        mounted = http.get(list_url, headers={"api-key": "k"})
        assert router.calls.call_count == 1  # the router's own count (reset on exit)
    unmounted = http.get(list_url, headers={"api-key": "k"})

    assert (mounted.status_code, mounted.json()["object"]) == (200, "list")
    assert unmounted.status_code == 299
    assert answered == [list_url]
    assert [call.request.via for call in fake.calls] == ["httpx2"]
    assert route.call_count == 1  # respx counts it, as if it had routed it
    assert route.calls.last.request.url == list_url
    assert route.calls.last.response.json()["object"] == "list"


def test_httpx2_stops_being_served_when_the_route_leaves_a_running_router() -> None:
    httpx2 = pytest.importorskip("httpx2")
    fake, answered = fake_assistants.FakeAssistants(), list[str]()
    http = recording_client(httpx2, answered)
    list_url = f"{ENDPOINT}/openai/assistants?api-version=2024-05-01-preview"
    with respx.mock(assert_all_called=False) as router:
        fake.respx_route(router)
        mounted = http.get(list_url, headers={"api-key": "k"})
        router.routes.clear()
        unmounted = http.get(list_url, headers={"api-key": "k"})

    assert (mounted.status_code, unmounted.status_code) == (200, 299)
    assert fake.call_count == 1


def test_httpx2_requests_for_an_endpoint_host_are_served_too() -> None:
    httpx2 = pytest.importorskip("httpx2")
    fake, answered = fake_assistants.FakeAssistants(endpoint="http://127.0.0.1:9"), list[str]()
    http = recording_client(httpx2, answered)
    with respx.mock() as router:
        fake.respx_route(router)
        answer = http.get("http://127.0.0.1:9/openai/assistants?api-version=2024-05-01-preview")
        other = http.get("http://127.0.0.1:8/openai/assistants?api-version=2024-05-01-preview")

    assert answer.status_code == 401  # no key: Azure's answer, from the fake
    assert answer.json()["error"]["code"] == "401"
    assert other.status_code == 299  # not the fake's endpoint: the client's transport
