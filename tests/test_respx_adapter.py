"""The fake mounted as a route of a user's own respx router."""

from __future__ import annotations

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
