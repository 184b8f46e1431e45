"""A path the fake does not serve is answered with Azure's 404, body byte for byte; what
the fake adds (that it does not serve the path, what it serves nearby) is said in the
`x-fake-assistants-unserved` header and in the exit report, never in the body."""

from __future__ import annotations

import httpx
import openai
import pytest
from helpers import ENDPOINT, GATEWAY_404, GATEWAY_404_BYTES, async_client, client, url

import fake_assistants
from fake_assistants import Service, UnsupportedRequestWarning
from fake_assistants._http import Request

HEADER = "x-fake-assistants-unserved"
AUTH = {"api-key": "k"}


def test_the_sdk_error_carries_azures_body_exactly() -> None:
    with fake_assistants.mock(report_unsupported=False):
        with pytest.raises(openai.NotFoundError) as unserved:
            client().get("/assistants/asst_1/files", cast_to=object)
        with pytest.raises(openai.NotFoundError) as versionless:  # a 404 Azure itself sends
            client(api_version="2024-06-01").beta.assistants.list()

    assert unserved.value.body == {"code": "404", "message": "Resource not found"}
    assert unserved.value.code == "404"
    assert unserved.value.response.content == versionless.value.response.content
    assert unserved.value.response.content == GATEWAY_404_BYTES


def test_the_header_names_the_path_and_what_is_served_nearby() -> None:
    fake = fake_assistants.mock(report_unsupported=False)
    with fake, pytest.raises(openai.NotFoundError) as caught:
        client().get("/assistants/asst_1/files", cast_to=object)

    assert caught.value.response.headers[HEADER] == (
        "fake-assistants does not serve GET /openai/assistants/asst_1/files; "
        "served nearby: GET, POST, DELETE /openai/assistants/{assistant_id}"
    )


async def test_the_async_sdk_gets_the_same_answer() -> None:
    async with fake_assistants.mock(report_unsupported=False):
        with pytest.raises(openai.NotFoundError) as caught:
            await async_client().get("/threads/thread_1/messages/msg_1/files", cast_to=object)

    assert caught.value.body == GATEWAY_404["error"]
    assert caught.value.response.headers[HEADER].startswith(
        "fake-assistants does not serve GET /openai/threads/thread_1/messages/msg_1/files; "
        "served nearby: GET, POST, DELETE /openai/threads/{thread_id}/messages/{message_id}"
    )


def test_a_method_the_path_does_not_take_lists_those_it_does() -> None:
    with fake_assistants.mock(report_unsupported=False):
        response = httpx.patch(url("/openai/assistants"), headers=AUTH, json={})

    assert (response.status_code, response.content) == (404, GATEWAY_404_BYTES)
    assert response.headers[HEADER].startswith(
        "fake-assistants does not serve PATCH /openai/assistants; "
        "served nearby: POST, GET /openai/assistants; "
    )


def test_an_unknown_collection_lists_the_collections() -> None:
    with fake_assistants.mock(report_unsupported=False):
        response = httpx.get(url("/openai/nope/x"), headers=AUTH)

    assert response.json() == GATEWAY_404
    note = response.headers[HEADER]
    assert note.startswith("fake-assistants does not serve GET /openai/nope/x; served nearby: ")
    assert "POST, GET /openai/assistants" in note and "POST /openai/threads" in note


def test_azures_own_404s_carry_no_header() -> None:
    with fake_assistants.mock(report_unsupported=False):
        versionless = httpx.get(url(api_version=None), headers=AUTH)
        unknown = httpx.get(url("/openai/assistants/asst_nope"), headers=AUTH)

    assert (versionless.status_code, versionless.json()) == (404, GATEWAY_404)
    assert unknown.status_code == 404
    assert HEADER not in versionless.headers and HEADER not in unknown.headers


def test_a_path_no_header_can_carry_is_escaped() -> None:
    response = Service().handle(Request("GET", f"{ENDPOINT}/openai/nöpe\x7f?api-version=x", AUTH))

    assert response.body == GATEWAY_404_BYTES
    note = dict(response.headers)[HEADER]
    assert note.startswith("fake-assistants does not serve GET /openai/n%C3%B6pe%7F; served")
    assert note.isascii() and note.isprintable()


def test_the_exit_report_names_what_is_served_nearby() -> None:
    with pytest.warns(UnsupportedRequestWarning) as caught:  # noqa: SIM117
        with fake_assistants.mock():
            httpx.get(url("/openai/assistants/asst_1/files"), headers=AUTH)

    text = str(caught[0].message)
    assert "\n  GET /openai/assistants/asst_1/files (via httpx)\n" in text
    assert (
        "\nServed near them:\n  /openai/assistants/asst_1/files: "
        "GET, POST, DELETE /openai/assistants/{assistant_id}\n"
    ) in text
    assert HEADER in text


def test_the_error_raised_in_code_names_the_path() -> None:
    error = fake_assistants.UnservedPath("GET", "/openai/x")

    assert error.body() == GATEWAY_404
    assert "does not serve GET /openai/x" in str(error)
