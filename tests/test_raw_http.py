"""Raw HTTP with httpx: the requests the SDK cannot send, and the wire shapes themselves."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers import (
    ACCESS_DENIED,
    API_KEY,
    ASSISTANT_ID,
    ENDPOINT,
    GATEWAY_404,
    GATEWAY_404_BYTES,
    V2_DEFAULTS,
    unserved,
    url,
)

from fake_assistants import FakeAssistants

AUTH = {"api-key": API_KEY}


@pytest.fixture
def http(fake_assistants: FakeAssistants) -> httpx.Client:
    """A plain httpx client (no transport of its own), with the fake active."""
    with httpx.Client(headers=AUTH) as client:
        yield client


def api_error(message: str, param: str | None = None, code: str | None = None) -> dict:
    return {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": param,
            "code": code,
        }
    }


def test_create_over_raw_http(http: httpx.Client) -> None:
    response = http.post(url(), json={"model": "gpt-4o"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert ASSISTANT_ID.match(body["id"])
    assert body == {
        **V2_DEFAULTS,
        "id": body["id"],
        "created_at": body["created_at"],
        "model": "gpt-4o",
    }
    assert http.get(url(f"/openai/assistants/{body['id']}")).json() == body


@pytest.mark.fake_assistants(report_unsupported=False)
def test_modify_is_post_not_patch(http: httpx.Client) -> None:
    assistant_id = http.post(url(), json={"model": "gpt-4o"}).json()["id"]

    patched = http.patch(url(f"/openai/assistants/{assistant_id}"), json={"name": "x"})
    posted = http.post(url(f"/openai/assistants/{assistant_id}"), json={"name": "x"})

    assert (patched.status_code, patched.content) == (404, GATEWAY_404_BYTES)
    assert patched.headers["x-fake-assistants-unserved"].startswith(
        unserved("PATCH", f"/openai/assistants/{assistant_id}")
    )
    assert (posted.status_code, posted.json()["name"]) == (200, "x")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/openai/assistants"),
        ("POST", "/openai/assistants"),
        ("GET", "/openai/assistants/asst_abc123"),
        ("POST", "/openai/assistants/asst_abc123"),
        ("DELETE", "/openai/assistants/asst_abc123"),
    ],
)
def test_missing_api_version_is_gateway_404(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(
        method, url(path, api_version=None), json={"model": "gpt-4o"} if method == "POST" else None
    )

    assert response.status_code == 404
    assert response.json() == GATEWAY_404
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("api_version", "status", "body"),
    [
        (
            "2099-01-01",
            400,
            {"error": {"code": "BadRequest", "message": "API version not supported"}},
        ),
        (
            "not-a-version",
            400,
            {"error": {"code": "BadRequest", "message": "API version not supported"}},
        ),
        ("2024-06-01", 404, GATEWAY_404),
        ("2024-02-01", 404, GATEWAY_404),
        ("2023-05-15", 404, GATEWAY_404),
    ],
)
def test_api_version_without_assistants(
    http: httpx.Client, api_version: str, status: int, body: dict
) -> None:
    response = http.post(url(api_version=api_version), json={"model": "gpt-4o"})

    assert (response.status_code, response.json()) == (status, body)


def test_missing_credentials_is_401(fake_assistants: FakeAssistants) -> None:
    with httpx.Client() as anonymous:
        response = anonymous.post(url(), json={"model": "gpt-4o"})

    assert response.status_code == 401
    assert response.json() == ACCESS_DENIED
    assert len(fake_assistants.resource(ENDPOINT).assistants) == 0


@pytest.mark.fake_assistants(api_key="secret")
@pytest.mark.parametrize(("key", "status"), [("secret", 200), ("wrong", 401), ("", 401)])
def test_configured_api_key_is_checked(key: str, status: int) -> None:
    response = httpx.get(url(), headers={"api-key": key})

    assert response.status_code == status
    if status == 401:
        assert response.json() == ACCESS_DENIED


def test_any_key_is_accepted_without_a_configured_one(http: httpx.Client) -> None:
    assert http.get(url(), headers={"api-key": "anything"}).status_code == 200


def test_invalid_json_body_is_400(http: httpx.Client) -> None:
    response = http.post(url(), content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.json() == api_error(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
        "sent was not valid JSON. If you have trouble figuring out how to fix this, please "
        "contact us through our help center at help.openai.com.)"
    )


@pytest.mark.parametrize("body", [b"[]", b'[{"model": "gpt-4o"}]', b'"gpt-4o"', b"42", b"null"])
def test_json_that_is_not_an_object_is_400(
    fake_assistants: FakeAssistants, http: httpx.Client, body: bytes
) -> None:
    response = http.post(url(), content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert len(fake_assistants.resource(ENDPOINT).assistants) == 0


@pytest.mark.parametrize("body", [b"NaN", b'{"model": "gpt-4o", "temperature": NaN}'])
def test_non_standard_json_constants_are_rejected(http: httpx.Client, body: bytes) -> None:
    response = http.post(url(), content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"model": "gpt-4o", "foo": 1},
            api_error("Unknown parameter: 'foo'.", "foo", "unknown_parameter"),
        ),
        (
            {"model": "gpt-4o", "file_ids": []},
            api_error("Unknown parameter: 'file_ids'.", "file_ids", "unknown_parameter"),
        ),
        (
            {},
            api_error(
                "Missing required parameter: 'model'.", "model", "missing_required_parameter"
            ),
        ),
    ],
    ids=["unknown", "v1-field-on-v2", "no-model"],
)
def test_create_body_errors(http: httpx.Client, body: dict, expected: dict) -> None:
    response = http.post(url(), json=body)

    assert (response.status_code, response.json()) == (400, expected)


def test_unknown_id_over_raw_http(http: httpx.Client) -> None:
    response = http.get(url("/openai/assistants/asst_abc123"))

    assert response.status_code == 404
    assert response.json() == api_error("No assistant found with id 'asst_abc123'.")


@pytest.mark.parametrize(
    ("query", "param", "code", "status"),
    [
        ({"limit": "0"}, "limit", "integer_below_min_value", 400),
        ({"limit": "101"}, "limit", "integer_above_max_value", 400),
        ({"limit": "ten"}, "limit", "invalid_type", 400),
        ({"order": "up"}, "order", "invalid_value", 400),
        ({"after": "thread_abc"}, "after", "invalid_value", 400),
        ({"before": "asst_" + "z" * 24}, None, None, 404),
    ],
)
def test_list_query_errors(
    http: httpx.Client, query: dict, param: str | None, code: str | None, status: int
) -> None:
    response = http.get(url(**query))

    assert response.status_code == status
    error = response.json()["error"]
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)


@pytest.mark.parametrize("limit", ["1", "100"])
def test_list_limit_bounds_are_accepted(http: httpx.Client, limit: str) -> None:
    assert http.get(url(limit=limit)).status_code == 200


def test_errors_carry_request_id_headers(http: httpx.Client) -> None:
    response = http.get(url(api_version=None))

    assert response.status_code == 404
    assert response.headers["x-request-id"]
    assert response.headers["apim-request-id"]


def test_v1_api_version_shows_the_v1_shape(http: httpx.Client) -> None:
    v1 = "2024-02-15-preview"
    created = http.post(
        url(api_version=v1),
        json={"model": "gpt-4", "tools": [{"type": "retrieval"}], "file_ids": ["assistant-abc"]},
    )

    assert created.status_code == 200
    body = created.json()
    assert body["tools"] == [{"type": "retrieval"}]
    assert body["file_ids"] == ["assistant-abc"]
    assert "tool_resources" not in body
    seen_as_v2 = http.get(url(f"/openai/assistants/{body['id']}")).json()
    assert seen_as_v2["tools"] == [{"type": "file_search"}]
    assert seen_as_v2["tool_resources"] == {"code_interpreter": {"file_ids": ["assistant-abc"]}}


def test_journal_holds_the_raw_request(fake_assistants: FakeAssistants, http: httpx.Client) -> None:
    http.post(url(), json={"model": "gpt-4o", "name": "n"})

    call = fake_assistants.calls.last
    assert call.request.method == "POST"
    assert call.request.path == "/openai/assistants"
    assert ("api-version", "2024-05-01-preview") in call.request.query
    assert call.request.headers["api-key"] == API_KEY
    assert json.loads(call.request.body) == {"model": "gpt-4o", "name": "n"}
    assert call.response.status == 200
    assert call.response.json()["name"] == "n"
