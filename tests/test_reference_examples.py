"""The examples and documented limits of Microsoft's "Assistants API (Preview) reference".

The Python examples are run as the page shows them: the client is built from the
environment variables `AZURE_OPENAI_API_KEY` and `AZURE_OPENAI_ENDPOINT`.
"""

from __future__ import annotations

import os

import httpx
import openai
import pytest
from helpers import (
    API_KEY,
    ENDPOINT,
)
from openai import AzureOpenAI

from fake_assistants import FakeAssistants

# Every field of the page's "Assistant object" table.
ASSISTANT_OBJECT_FIELDS = {
    "id",
    "object",
    "created_at",
    "name",
    "description",
    "model",
    "instructions",
    "tools",
    "metadata",
    "temperature",
    "top_p",
    "response_format",
    "tool_resources",
}


@pytest.fixture
def reference_client(
    fake_assistants: FakeAssistants, monkeypatch: pytest.MonkeyPatch
) -> AzureOpenAI:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    return AzureOpenAI(
        api_key=os.getenv("AZURE_OPENAI_API_KEY"),
        api_version="2024-08-01-preview",
        azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
        max_retries=0,
    )


def test_create_assistant_example(
    fake_assistants: FakeAssistants, reference_client: AzureOpenAI
) -> None:
    client = reference_client

    assistant = client.beta.assistants.create(
        instructions="You are an AI assistant that can write code to help answer math questions",
        model="<REPLACE WITH MODEL DEPLOYMENT NAME>",  # replace with model deployment name.
        tools=[{"type": "code_interpreter"}],
    )

    raw = fake_assistants.calls.last.response.json()
    assert set(raw) == ASSISTANT_OBJECT_FIELDS
    assert assistant.object == "assistant"
    assert assistant.model == "<REPLACE WITH MODEL DEPLOYMENT NAME>"
    assert [tool.type for tool in assistant.tools] == ["code_interpreter"]
    # the env endpoint is the fake's default resource for the direct API
    assert fake_assistants.assistants.retrieve(assistant.id) == raw


def test_list_assistants_example(reference_client: AzureOpenAI) -> None:
    client = reference_client
    ids = [client.beta.assistants.create(model="gpt-4").id for _ in range(3)]

    my_assistants = client.beta.assistants.list(
        order="desc",
        limit="20",  # type: ignore[arg-type]  (the page passes a string)
    )

    assert [a.id for a in my_assistants.data] == ids[::-1]


def test_retrieve_assistant_example(reference_client: AzureOpenAI) -> None:
    client = reference_client
    made = client.beta.assistants.create(model="gpt-4", name="Math Tutor")

    my_assistant = client.beta.assistants.retrieve(made.id)

    assert my_assistant == made
    with pytest.raises(openai.NotFoundError) as caught:
        client.beta.assistants.retrieve("asst_abc123")  # the page's placeholder id
    assert caught.value.body["message"] == "No assistant found with id 'asst_abc123'."


def test_modify_assistant_example_is_rejected_for_its_tool_type(
    reference_client: AzureOpenAI,
) -> None:
    """The page's example sends `code-interpreter` (a hyphen): the service rejects it."""
    client = reference_client
    original = client.beta.assistants.create(model="gpt-4o", name="Original", instructions="Hi")

    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.assistants.update(
            original.id,
            instructions=(
                "You are an HR bot, and you have access to files to answer employee questions "
                "about company policies. Always respond with info from either of the files."
            ),
            name="HR Helper",
            tools=[{"type": "code-interpreter"}],  # type: ignore[list-item]
            model="gpt-4",  # model = model deployment name
        )

    assert caught.value.status_code == 400
    assert caught.value.body["type"] == "invalid_request_error"
    assert caught.value.body["param"] == "tools[0].type"
    assert caught.value.body["code"] == "invalid_value"
    assert "'code-interpreter'" in caught.value.body["message"]
    assert client.beta.assistants.retrieve(original.id) == original


def test_modify_assistant_example_with_the_right_tool_type(reference_client: AzureOpenAI) -> None:
    client = reference_client
    original = client.beta.assistants.create(model="gpt-4o", description="kept")

    my_updated_assistant = client.beta.assistants.update(
        original.id,
        instructions="You are an HR bot.",
        name="HR Helper",
        tools=[{"type": "code_interpreter"}],
        model="gpt-4",
    )

    assert (my_updated_assistant.name, my_updated_assistant.model) == ("HR Helper", "gpt-4")
    assert my_updated_assistant.description == "kept"
    assert my_updated_assistant.id == original.id
    assert my_updated_assistant.created_at == original.created_at


def test_delete_assistant_example(reference_client: AzureOpenAI) -> None:
    client = reference_client
    made = client.beta.assistants.create(model="gpt-4")

    response = client.beta.assistants.delete(made.id)

    assert (response.id, response.object, response.deleted) == (made.id, "assistant.deleted", True)


@pytest.mark.parametrize(
    ("method", "template", "status"),
    [
        ("POST", "/openai/assistants?api-version=2024-05-01-preview", 200),
        ("GET", "/openai/assistants?api-version=2024-05-01-preview", 200),
        ("GET", "/openai/assistants/{assistant_id}?api-version=2024-08-01-preview", 200),
        ("POST", "/openai/assistants/{assistant_id}?api-version=2024-08-01-preview", 200),
        ("DELETE", "/openai/assistants/{assistant_id}?api-version=2024-08-01-preview", 200),
    ],
)
def test_rest_request_lines(
    fake_assistants: FakeAssistants, method: str, template: str, status: int
) -> None:
    """The page's REST lines, on its `YOUR_RESOURCE_NAME.openai.azure.com` host."""
    base = "https://YOUR_RESOURCE_NAME.openai.azure.com"
    existing = fake_assistants.resource(base).assistants.create(model="gpt-4")
    path = template.format(assistant_id=existing["id"])
    body = {"model": "gpt-4"} if method == "POST" else None

    response = httpx.request(method, base + path, json=body, headers={"api-key": API_KEY})

    assert response.status_code == status
    assert response.json()["object"] in {"assistant", "list", "assistant.deleted"}


# --- documented limits ------------------------------------------------------------------

CREATE = "create"
MODIFY = "modify"


@pytest.mark.parametrize(
    ("operation", "field", "ok", "too_much"),
    [
        (CREATE, "name", "n" * 256, "n" * 257),
        (CREATE, "description", "d" * 512, "d" * 513),
        (CREATE, "instructions", "i" * 256_000, "i" * 256_001),
        (MODIFY, "instructions", "i" * 32_768, "i" * 32_769),
        (
            CREATE,
            "tools",
            [{"type": "code_interpreter"}] * 128,
            [{"type": "code_interpreter"}] * 129,
        ),
        (CREATE, "metadata", {f"k{i}": "v" for i in range(16)}, {f"k{i}": "v" for i in range(17)}),
        (CREATE, "metadata", {"k" * 64: "v"}, {"k" * 65: "v"}),
        (CREATE, "metadata", {"k": "v" * 512}, {"k": "v" * 513}),
        (CREATE, "temperature", 2, 2.01),
        (CREATE, "temperature", 0, -0.01),
        (MODIFY, "top_p", 1, 1.01),
        (MODIFY, "top_p", 0, -0.01),
    ],
)
def test_documented_limits(
    reference_client: AzureOpenAI, operation: str, field: str, ok: object, too_much: object
) -> None:
    assistants = reference_client.beta.assistants

    def send(value: object) -> object:
        if operation == CREATE:
            return assistants.create(model="gpt-4o", **{field: value})
        return assistants.update(assistants.create(model="gpt-4o").id, **{field: value})

    accepted = send(ok)
    with pytest.raises(openai.BadRequestError) as caught:
        send(too_much)

    assert getattr(accepted, field) is not None
    assert caught.value.body["param"].split(".")[0] == field
    assert caught.value.body["type"] == "invalid_request_error"


@pytest.mark.parametrize("response_format", ["auto", {"type": "text"}, {"type": "json_object"}])
def test_response_format_values(reference_client: AzureOpenAI, response_format: object) -> None:
    assistant = reference_client.beta.assistants.create(
        model="gpt-4o", response_format=response_format
    )

    shown = assistant.response_format
    assert (shown if isinstance(shown, str) else shown.model_dump()) == response_format
