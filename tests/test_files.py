"""The files API through the SDK: uploads in every form the SDK takes, Azure's answers by
purpose, listing, download, delete, and every refusal with nothing stored."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from helpers import ENDPOINT, async_client, client

from fake_assistants import FakeAssistants

API_VERSION = "2025-04-01-preview"
TEXT = b"Paris is the capital of France.\n"


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def refusal(message: str, param: str | None = None) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": None}


def stored(fake: FakeAssistants) -> list[str]:
    return [f["id"] for f in fake.files.list()]


@pytest.mark.parametrize("form", ["bytes-tuple", "path", "file-object", "typed-tuple"])
def test_every_upload_form_the_sdk_takes(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, tmp_path: Path, form: str
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(TEXT)
    sent: Any = {
        "bytes-tuple": ("notes.txt", TEXT),
        "path": path,
        "file-object": path.open("rb"),
        "typed-tuple": ("notes.txt", io.BytesIO(TEXT), "text/plain"),
    }[form]
    uploaded = sdk.files.create(file=sent, purpose="assistants")

    assert (uploaded.filename, uploaded.bytes, uploaded.purpose) == (
        "notes.txt",
        len(TEXT),
        "assistants",
    )
    assert uploaded.status == "processed"
    assert uploaded.id.startswith("assistant-") and len(uploaded.id) == len("assistant-") + 24
    assert fake.files.content(uploaded.id) == TEXT


def test_an_assistants_upload_is_200_in_the_captured_shape(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    raw = sdk.files.with_raw_response.create(file=("a.txt", TEXT), purpose="assistants")
    assert raw.status_code == 200
    assert list(json.loads(raw.http_response.content)) == [
        "object", "id", "purpose", "filename", "bytes", "created_at", "expires_at", "status",
        "status_details",
    ]  # fmt: skip  # expires_at from 2025-04-01-preview (recorded: BasicFileSearchWorks)


@pytest.mark.parametrize("purpose", ["batch", "fine-tune"])
def test_batch_and_fine_tune_uploads_are_201_with_a_location(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, purpose: str
) -> None:
    raw = sdk.files.with_raw_response.create(file=("a.jsonl", b'{"a": 1}\n'), purpose=purpose)  # type: ignore[arg-type]
    shown = json.loads(raw.http_response.content)
    assert raw.status_code == 201
    assert list(shown) == ["status", "bytes", "purpose", "filename", "id", "created_at", "object"]
    assert shown["id"].startswith("file-") and len(shown["id"]) == 37
    assert all(c in "0123456789abcdef" for c in shown["id"][5:])
    assert raw.http_response.headers["location"] == (
        f"{ENDPOINT}/openai/files/{shown['id']}?api-version={API_VERSION}"
    )
    assert sdk.files.content(shown["id"]).read() == b'{"a": 1}\n'


def test_list_is_newest_first_and_filters_by_purpose(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    first = sdk.files.create(file=("1.txt", b"1"), purpose="assistants").id
    second = sdk.files.create(file=("2.jsonl", b"{}"), purpose="batch").id
    third = sdk.files.create(file=("3.txt", b"3"), purpose="assistants").id
    raw = sdk.files.with_raw_response.list()
    page = json.loads(raw.http_response.content)

    assert list(page) == ["object", "data", "has_more", "first_id", "last_id"]
    assert [f["id"] for f in page["data"]] == [third, second, first]
    assert [f.id for f in sdk.files.list(purpose="assistants")] == [third, first]
    assert [f.id for f in sdk.files.list(order="asc", limit=2)] == [
        first,
        second,
        third,
    ]  # pages on


def test_delete_and_the_captured_404(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    file_id = sdk.files.create(file=("a.txt", TEXT), purpose="assistants").id
    raw = sdk.files.with_raw_response.delete(file_id)
    assert list(json.loads(raw.http_response.content).items()) == [
        ("object", "file"),
        ("deleted", True),
        ("id", file_id),
    ]
    for call in (sdk.files.retrieve, sdk.files.delete, sdk.files.content):
        with pytest.raises(openai.NotFoundError) as caught:
            call(file_id)
        assert caught.value.body == refusal(f"No such File object: {file_id}", "id")


def test_assistants_files_cannot_be_downloaded(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    file_id = sdk.files.create(file=("a.txt", TEXT), purpose="assistants").id
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.files.content(file_id)
    assert caught.value.body == refusal("Not allowed to download files of purpose: assistants")


def test_wait_for_processing_returns_at_once(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    file_id = sdk.files.create(file=("a.txt", TEXT), purpose="assistants").id
    assert sdk.files.wait_for_processing(file_id, poll_interval=30).status == "processed"


@pytest.mark.parametrize(
    ("purpose", "content", "expected"),
    [
        (
            "world_domination",
            TEXT,
            refusal(
                "'world_domination' is not one of ['fine-tune', 'assistants', 'batch', 'evals'] "
                "- 'purpose'",
                "purpose",
            ),
        ),
        ("assistants", b"", refusal("File is empty.", "file")),
    ],
    ids=["bad-purpose", "empty-file"],
)
def test_refused_uploads_store_nothing(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, purpose: str, content: bytes, expected: Any
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.files.create(file=("a.txt", content), purpose=purpose)  # type: ignore[arg-type]
    assert caught.value.body == expected
    assert stored(fake) == []


NO_FILE_PART = (
    b'--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--x--\r\n'
)
BOUNDARY_X = "multipart/form-data; boundary=x"
UNPARSABLE = "We could not parse the multipart form body of your request."


@pytest.mark.parametrize(
    ("content", "headers", "expected"),
    [
        (NO_FILE_PART, BOUNDARY_X, refusal("'file' is a required property", "file")),
        (b"not multipart", "text/plain", refusal(UNPARSABLE)),
        (b"--x\r\ngarbage", BOUNDARY_X, None),
    ],
    ids=["no-file-part", "not-multipart", "truncated"],
)
def test_malformed_uploads_are_400(
    fake: FakeAssistants, content: bytes, headers: str, expected: Any
) -> None:
    url = f"{ENDPOINT}/openai/files?api-version={API_VERSION}"
    with httpx.Client() as http:
        response = http.post(
            url, content=content, headers={"api-key": "k", "content-type": headers}
        )
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    if expected is not None:
        assert response.json()["error"] == expected
    assert stored(fake) == []


async def test_async_upload_list_delete(fake: FakeAssistants) -> None:
    sdk = async_client(api_version=API_VERSION)
    uploaded = await sdk.files.create(file=("a.txt", TEXT), purpose="assistants")
    assert [f.id async for f in sdk.files.list()] == [uploaded.id]
    assert (await sdk.files.delete(uploaded.id)).deleted is True


def test_the_direct_api_uploads_and_downloads(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    seeded = fake.files.upload("seeded text", filename="seed.txt")
    batch = fake.files.upload(b"{}", filename="b.jsonl", purpose="batch")
    assert sdk.files.retrieve(seeded["id"]).filename == "seed.txt"
    assert fake.files.content(batch["id"]) == b"{}"
    assert seeded["id"] in fake.files and len(fake.files) == 2
