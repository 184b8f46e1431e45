"""`Service.handle` called directly with `fake_assistants.Request` values: no HTTP at all.

Auth, api-version and routing rules, the journal, body parsing, clocks, deployments, and
the promise that no exception leaves `handle` (a bug of the fake becomes a 500 the SDK
will not retry).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
import warnings
from typing import Any

import openai
import pytest
from helpers import unserved
from hypothesis import given, settings
from hypothesis import strategies as st

import fake_assistants
from fake_assistants import Call, CallList, Request, Response, Service, _service
from fake_assistants._apis import assistants as _assistants
from fake_assistants._routing import Router
from fake_assistants._service import Options, seconds
from fake_assistants._versions import ASSISTANTS_VERSIONS, VERSIONS_WITHOUT_ASSISTANTS

HOST = "core.openai.azure.com"
V2 = "2024-05-01-preview"
V1 = "2024-02-15-preview"
KEY = {"api-key": "k"}
NOW = 1_700_000_000

GATEWAY_404 = {"error": {"code": "404", "message": "Resource not found"}}
VERSION_400 = {"error": {"code": "BadRequest", "message": "API version not supported"}}
ACCESS_DENIED = {
    "error": {
        "code": "401",
        "message": "Access denied due to invalid subscription key or wrong API endpoint. Make "
        "sure to provide a valid key for an active subscription and use a correct regional "
        "API endpoint for your resource.",
    }
}
TOKEN_REJECTED = {
    "statusCode": 401,
    "message": "Unauthorized. Access token is missing, invalid, audience is incorrect "
    "(https://cognitiveservices.azure.com), or have expired.",
}


def request(
    method: str = "GET",
    path: str = "/openai/assistants",
    query: str | None = f"api-version={V2}",
    headers: dict[str, str] | None = None,
    body: bytes | dict[str, Any] = b"",
    host: str = HOST,
) -> Request:
    url = f"https://{host}{path}" + (f"?{query}" if query is not None else "")
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    return Request(method, url, KEY if headers is None else headers, data)


def create(service: Service, body: dict[str, Any] | None = None, **kw: Any) -> Response:
    return service.handle(request("POST", body=body or {"model": "gpt-4o"}, **kw))


def strict_json(data: bytes) -> Any:
    """Parses like a strict JSON reader: NaN and Infinity are not JSON."""

    def reject(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data.decode("utf-8"), parse_constant=reject)


# --- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["k", "anything at all", "0"])
def test_any_non_empty_api_key_when_none_is_configured(key: str) -> None:
    response = Service().handle(request(headers={"api-key": key}))
    assert response.status == 200
    assert response.json()["object"] == "list"


@pytest.mark.parametrize(
    "headers",
    [{}, {"api-key": ""}, {"authorization": "Basic abc"}, {"x-api-key": "k"}],
    ids=["missing", "empty", "basic-auth", "other-header"],
)
def test_missing_credentials_get_the_azure_401(headers: dict[str, str]) -> None:
    response = Service().handle(request(headers=headers))
    assert response.status == 401
    assert response.json() == ACCESS_DENIED
    assert response.header("content-type") == "application/json"


@pytest.mark.parametrize(
    ("key", "status"),
    [("secret", 200), ("Secret", 401), ("secret ", 401), ("other", 401), ("", 401)],
)
def test_configured_api_key_must_match_exactly(key: str, status: int) -> None:
    service = Service(Options.build(api_key="secret"))
    response = service.handle(request(headers={"api-key": key}))
    assert response.status == status
    if status == 401:
        assert response.json() == ACCESS_DENIED


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_any_bearer_token_when_no_credential_is_configured(scheme: str) -> None:
    service = Service(Options.build())
    response = service.handle(request(headers={"authorization": f"{scheme} some-token"}))
    assert response.status == 200


def test_a_configured_key_refuses_tokens() -> None:
    service = Service(Options.build(api_key="secret"))  # "only that key"
    response = service.handle(request(headers={"authorization": "Bearer some-token"}))
    assert response.status == 401
    assert response.json()["statusCode"] == 401


def test_a_configured_token_refuses_keys() -> None:
    service = Service(Options.build(ad_token="tok"))
    response = service.handle(request(headers={"api-key": "any"}))
    assert response.json() == ACCESS_DENIED


def test_both_credentials_configured_accept_either() -> None:
    service = Service(Options.build(api_key="k", ad_token="t"))
    assert service.handle(request(headers={"api-key": "k"})).status == 200
    assert service.handle(request(headers={"authorization": "Bearer t"})).status == 200


@pytest.mark.parametrize(
    ("authorization", "status"),
    [("Bearer tok", 200), ("Bearer other", 401), ("Bearer ", 401), ("Bearer tok2", 401)],
)
def test_configured_token_must_match(authorization: str, status: int) -> None:
    service = Service(Options.build(ad_token="tok"))
    response = service.handle(request(headers={"authorization": authorization}))
    assert response.status == status
    if status == 401:
        assert response.json() == TOKEN_REJECTED  # flat, without the `error` wrapper


def test_empty_bearer_token_is_rejected_even_without_configuration() -> None:
    response = Service().handle(request(headers={"authorization": "Bearer   "}))
    assert (response.status, response.json()) == (401, TOKEN_REJECTED)


def test_rejected_request_changes_nothing() -> None:
    service = Service(Options.build(api_key="secret"))
    response = create(service, headers={"api-key": "wrong"})
    assert response.status == 401
    assert len(service.resource(HOST).store("assistants")) == 0


# --- api-version -----------------------------------------------------------------------------


def test_missing_api_version_is_the_gateway_404() -> None:
    response = Service().handle(request(query=None))
    assert (response.status, response.json()) == (404, GATEWAY_404)


@pytest.mark.parametrize("version", sorted(ASSISTANTS_VERSIONS))
def test_every_assistants_version_is_served(version: str) -> None:
    service = Service()
    created = create(service, query=f"api-version={version}")
    assert created.status == 200
    shown = created.json()
    if ASSISTANTS_VERSIONS[version].generation == 1:
        assert "file_ids" in shown and "tool_resources" not in shown
    else:
        assert shown["tool_resources"] == {} and "file_ids" not in shown


@pytest.mark.parametrize("version", sorted(VERSIONS_WITHOUT_ASSISTANTS))
def test_versions_without_assistants_are_404(version: str) -> None:
    response = Service().handle(request(query=f"api-version={version}"))
    assert (response.status, response.json()) == (404, GATEWAY_404)


@pytest.mark.parametrize("version", ["2099-01-01-preview", "latest", "", "2024-05-01-PREVIEW"])
def test_unknown_versions_are_not_supported(version: str) -> None:
    response = Service().handle(request(query=f"api-version={version}"))
    assert (response.status, response.json()) == (400, VERSION_400)


def test_api_versions_option_restricts_what_is_served() -> None:
    service = Service(Options.build(api_versions=[V2]))
    assert service.handle(request(query=f"api-version={V2}")).status == 200
    for version in ("2025-04-01-preview", V1):
        response = service.handle(request(query=f"api-version={version}"))
        assert (response.status, response.json()) == (400, VERSION_400)


def test_api_versions_option_refuses_unknown_versions() -> None:
    with pytest.raises(ValueError, match="unknown assistants api-versions"):
        Options.build(api_versions=[V2, "2024-06-01"])


def test_api_version_is_read_from_anywhere_in_the_query() -> None:
    response = Service().handle(request(query=f"limit=1&api-version={V2}&order=asc"))
    assert response.status == 200


# --- routing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/openai/nope"),
        ("PATCH", "/openai/assistants/asst_1"),
        ("GET", "/openai/deployments/gpt-4o/assistants"),
        ("GET", "/openai/assistants/"),
        ("GET", "/openai/assistants/asst_1/files"),
    ],
)
def test_unserved_paths_are_404_and_reported(method: str, path: str) -> None:
    service = Service()
    response = service.handle(request(method, path))
    assert (response.status, response.json()) == (404, GATEWAY_404)
    assert dict(response.headers)["x-fake-assistants-unserved"].startswith(unserved(method, path))
    assert [call.path for call in service.unsupported] == [path]


def test_served_paths_are_not_reported_even_when_they_fail() -> None:
    service = Service()
    service.handle(request(path="/openai/assistants/xyz"))
    service.handle(request(headers={}))
    service.handle(request(query=None))
    assert service.unsupported == []


def test_method_case_does_not_matter() -> None:
    assert Service().handle(request("get")).status == 200


def test_full_crud_through_handle() -> None:
    service = Service(Options.build(clock=lambda: NOW))
    created = create(service, {"model": "gpt-4o", "name": "n"}).json()
    assert created["created_at"] == NOW
    path = f"/openai/assistants/{created['id']}"
    assert service.handle(request(path=path)).json() == created
    modified = service.handle(request("POST", path, body={"name": "m"})).json()
    assert modified == {**created, "name": "m"}
    listing = service.handle(request()).json()
    assert listing == {
        "object": "list",
        "data": [modified],
        "first_id": created["id"],
        "last_id": created["id"],
        "has_more": False,
    }
    deleted = service.handle(request("DELETE", path)).json()
    assert deleted == {"id": created["id"], "object": "assistant.deleted", "deleted": True}
    assert service.handle(request(path=path)).status == 404


# --- resources per host --------------------------------------------------------------------


def test_each_host_is_its_own_resource() -> None:
    service = Service()
    create(service, host="a.openai.azure.com")
    assert service.handle(request(host="b.openai.azure.com")).json()["data"] == []
    assert len(service.handle(request(host="a.openai.azure.com")).json()["data"]) == 1


def test_host_case_and_userinfo_do_not_split_a_resource() -> None:
    service = Service()
    create(service, host="A.OpenAI.Azure.com")
    create(service, host="user:pw@a.openai.azure.com")
    assert set(service.resources) == {"a.openai.azure.com"}
    assert len(service.handle(request(host="a.openai.azure.com")).json()["data"]) == 2


# --- the journal ---------------------------------------------------------------------------


def test_journal_records_every_call_in_order() -> None:
    service = Service()
    sent = [
        request(),
        request("POST", body={"model": "m"}),
        request(headers={}),
        request(query=None),
    ]
    responses = [service.handle(r) for r in sent]
    assert isinstance(service.calls, CallList)
    assert [call.request for call in service.calls] == sent
    assert all(call.request is r for call, r in zip(service.calls, sent, strict=True))
    assert [call.response for call in service.calls] == responses
    assert [call.status for call in service.calls] == [200, 200, 401, 404]
    assert [call.method for call in service.calls] == ["GET", "POST", "GET", "GET"]
    assert {call.path for call in service.calls} == {"/openai/assistants"}
    assert service.calls.last == Call(sent[-1], responses[-1])


def test_empty_journal_has_no_last_call() -> None:
    with pytest.raises(IndexError, match="no request has been served yet"):
        _ = Service().calls.last


def test_reset_forgets_state_and_journal() -> None:
    service = Service()
    create(service)
    service.handle(request(path="/openai/nothing"))
    service.reset()
    assert (service.resources, list(service.calls), service.unsupported) == ({}, [], [])
    assert service.handle(request()).json()["data"] == []


# --- response headers ------------------------------------------------------------------------


def test_response_headers() -> None:
    response = create(Service())
    assert response.header("Content-Type") == "application/json"
    assert response.header("x-request-id") and response.header("apim-request-id")
    assert response.header("x-should-retry") is None  # only server errors carry it


# --- internal errors -----------------------------------------------------------------------


def _boom(ctx: Any) -> Any:
    raise RuntimeError("boom")


@pytest.fixture
def broken_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's routes, with the list handler raising as a bug in it would."""
    routes = [
        (method, template, _boom if (method, template) == ("GET", "/openai/assistants") else h)
        for method, template, h in _assistants.ROUTES
    ]
    monkeypatch.setattr(_service, "ROUTER", Router(routes))


@pytest.mark.usefixtures("broken_list")
def test_an_internal_error_is_a_500_that_must_not_be_retried() -> None:
    service = Service()
    response = service.handle(request())
    assert response.status == 500
    assert response.header("x-should-retry") == "false"
    assert response.json() == {
        "error": {
            "message": "fake-assistants internal error (please report it): RuntimeError: boom",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
    assert service.calls.last.response is response
    # the lock was released and the service still works
    acquired: list[bool] = []

    def try_lock() -> None:
        got = service.lock.acquire(timeout=1)
        acquired.append(got)
        if got:
            service.lock.release()

    thread = threading.Thread(target=try_lock)
    thread.start()
    thread.join()
    assert acquired == [True]
    assert create(service).status == 200


@pytest.mark.usefixtures("broken_list")
def test_the_sdk_does_not_retry_an_internal_error() -> None:
    endpoint = "https://core-sdk.openai.azure.com"
    client = openai.AzureOpenAI(azure_endpoint=endpoint, api_key="k", api_version=V2, max_retries=2)
    with fake_assistants.mock(endpoint=endpoint) as fake, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(openai.InternalServerError) as info:
            client.beta.assistants.list()
        assert info.value.body == {
            "message": "fake-assistants internal error (please report it): RuntimeError: boom",
            "type": "server_error",
            "param": None,
            "code": None,
        }
        assert fake.call_count == 1


def test_a_failing_clock_is_an_internal_error_too() -> None:
    def clock() -> int:
        raise OSError("clock broke")

    service = Service(Options.build(clock=clock))
    assert service.handle(request()).status == 200  # a list stamps no time
    response = service.handle(request("POST", body={"model": "m"}))
    assert response.status == 500
    assert "OSError: clock broke" in response.json()["error"]["message"]


# --- bodies --------------------------------------------------------------------------------

INVALID_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please "
    "contact us through our help center at help.openai.com.)"
)


@pytest.mark.parametrize(
    "body",
    [b"{", b"{'model': 'm'}", b'{"model": NaN}', b'{"temperature": Infinity}', b"\xff\xfe"],
)
def test_invalid_json(body: bytes) -> None:
    service = Service()
    response = service.handle(request("POST", body=body))
    assert response.status == 400
    assert response.json() == {
        "error": {
            "message": INVALID_JSON,
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    assert len(service.resource(HOST).store("assistants")) == 0


@pytest.mark.parametrize(
    ("body", "got"), [(b"[]", "an array"), (b'"x"', "a string"), (b"1", "an integer")]
)
def test_body_must_be_an_object(body: bytes, got: str) -> None:
    response = Service().handle(request("POST", body=body))
    assert response.status == 400
    assert response.json()["error"] == {
        "message": f"Invalid type for 'body': expected an object, but got {got} instead.",
        "type": "invalid_request_error",
        "param": "body",
        "code": "invalid_type",
    }


@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_empty_body_reads_as_an_empty_object(body: bytes) -> None:
    response = Service().handle(request("POST", body=body))
    assert response.json()["error"]["message"] == "Missing required parameter: 'model'."


# --- clocks and deployments --------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW, NOW),
        (NOW + 0.9, NOW),
        (dt.datetime.fromtimestamp(NOW, dt.UTC), NOW),
        (dt.datetime.fromtimestamp(NOW, dt.UTC).replace(tzinfo=None), NOW),  # naive = UTC
        (dt.datetime.fromtimestamp(NOW, dt.timezone(dt.timedelta(hours=5))), NOW),
    ],
)
def test_clock_values(now: Any, expected: int) -> None:
    assert seconds(now) == expected
    response = create(Service(Options.build(clock=lambda: now)))
    assert response.json()["created_at"] == expected


def test_deployments_restrict_the_model() -> None:
    service = Service(Options.build(deployments=["gpt-4o"]))
    assert create(service, {"model": "gpt-4o"}).status == 200
    response = create(service, {"model": "gpt-5"})
    assert (response.status, response.json()["error"]) == (
        400,
        {
            "message": "The provided model deployment 'gpt-5' does not exist in the AOAI resource.",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        },
    )
    assistant_id = service.handle(request()).json()["data"][0]["id"]
    modify = request("POST", f"/openai/assistants/{assistant_id}", body={"model": "gpt-5"})
    assert service.handle(modify).json()["error"]["code"] == "model_not_found"
    assert len(service.resource(HOST).store("assistants")) == 1


# --- nothing escapes `handle` --------------------------------------------------------------


def test_a_malformed_url_gets_an_answer_not_an_exception() -> None:
    service = Service()
    response = service.handle(
        Request("GET", f"https://[::1/openai/assistants?api-version={V2}", KEY)
    )
    assert 400 <= response.status < 500
    strict_json(response.body)
    assert service.calls.last.response is response


@pytest.mark.parametrize(
    "body",
    [b'{"model": "m", "name": "\\ud800"}', b'{"model": "m", "metadata": {"\\udfff": "v"}}'],
    ids=["name", "metadata-key"],
)
def test_a_lone_surrogate_gets_an_answer_and_a_consistent_store(body: bytes) -> None:
    service = Service()
    response = service.handle(request("POST", body=body))  # must not raise
    shown = strict_json(response.body)
    stored = len(service.resource(HOST).store("assistants"))
    assert service.calls.last.response is response
    if response.status == 200:
        assert stored == 1
        assert shown == service.handle(request()).json()["data"][0]
    else:
        assert response.status == 400
        assert stored == 0  # a rejected create leaves nothing behind


def test_responses_are_strict_json_even_for_huge_numbers() -> None:
    """1e400 parses as infinity; echoing it would write `Infinity`, which is not JSON."""
    body = (
        b'{"model": "m", "tools": [{"type": "function", "function": '
        b'{"name": "f", "parameters": {"maximum": 1e400}}}]}'
    )
    service = Service()
    response = service.handle(request("POST", body=body))
    shown = strict_json(response.body)  # raises on Infinity
    if response.status == 200:
        assert strict_json(service.handle(request()).body)["data"] == [shown]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "model",
        "name",
        "description",
        "instructions",
        "tools",
        "tool_resources",
        "metadata",
        "temperature",
        "top_p",
        "response_format",
        "file_ids",
    ]
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    body=st.dictionaries(FIELDS, JSON, max_size=5),
    version=st.sampled_from([V1, V2, "2025-01-01-preview"]),
    modify=st.booleans(),
)
def test_any_json_body_gets_200_or_400_and_400_changes_nothing(
    body: dict[str, Any], version: str, modify: bool
) -> None:
    service = Service(Options.build(clock=lambda: NOW))
    seeded = create(service, query=f"api-version={version}").json()
    path = f"/openai/assistants/{seeded['id']}" if modify else "/openai/assistants"
    response = service.handle(request("POST", path, f"api-version={version}", body=body))
    payload = strict_json(response.body)
    listing = service.handle(request(query=f"api-version={version}")).json()["data"]
    if response.status == 200:
        assert payload["object"] == "assistant"
        assert payload in listing
    else:
        assert response.status == 400, payload
        assert set(payload["error"]) == {"message", "type", "param", "code"}
        assert listing == [seeded]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    query=st.dictionaries(
        st.sampled_from(["limit", "order", "after", "before"]),
        st.text(max_size=10) | st.sampled_from(["asst_x", "1", "100", "asc", "desc"]),
    )
)
def test_any_list_query_gets_200_400_or_404(query: dict[str, str]) -> None:
    service = Service()
    create(service)
    encoded = urllib.parse.urlencode({"api-version": V2, **query})
    response = service.handle(request(query=encoded))
    payload = strict_json(response.body)
    assert response.status in (200, 400, 404), payload
    if response.status != 200:
        assert payload["error"]["type"] == "invalid_request_error"


def test_public_exports() -> None:
    assert fake_assistants.Request is Request
    assert fake_assistants.Service is Service
    assert isinstance(Service().options, Options)


def test_an_api_key_decides_alone_whatever_bearer_comes_with_it() -> None:
    """openai 1.x sends its key as `api-key` and as `Authorization: Bearer <key>`."""
    service = Service(Options.build(api_key="k"))
    both = {"api-key": "k", "authorization": "Bearer k"}
    assert create(service, headers=both).status == 200
    wrong = {"api-key": "x", "authorization": "Bearer k"}
    assert create(service, headers=wrong).status == 401
