"""Never a crash, driven by the spec: schemathesis generates requests for the assistants,
threads, messages, runs and run steps operations of Azure's 2024-05-01-preview OpenAPI
document (conversation requests go to the world of `test_fuzz_conversations.py`).

The document is `data/openapi-assistants-structure.json` (structure only, made by
`data/make_openapi_structure.py`; see `data/README.md`). Each generated case goes to the
fake at https://fuzz.openai.azure.com/openai through httpx or httpx2 (the fake intercepts
them) or straight to `Service.handle`, and must pass the invariants of
`test_fuzz_requests.py`: a status below 500, a strict JSON body, an error envelope or an
object the openai SDK's models accept, and a store unchanged by any error.

Positive bodies for create and modify must also be accepted. The spec and the service
knowingly differ in places; `real_service_spec()` narrows the spec to what the service
accepts before those tests generate, and `test_known_differences` pins each difference.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from helpers import stored_tools
from hypothesis import assume, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from test_fuzz_conversations import W, new_world
from test_fuzz_requests import (
    API_VERSION,
    BASE,
    HOST,
    JSON_HEADERS,
    KEY,
    SEED_FILE_ID,
    SEED_STORE_ID,
    SEEDED_IDS,
    TRANSPORTS,
    check_reflects,
    fuzz_settings,
    fuzz_tally,  # noqa: F401  (the fixture that counts requests)
    new_fake,
    run,
    stored,
)

DATA = Path(__file__).resolve().parent / "data"
STRUCTURE = DATA / "openapi-assistants-structure.json"
SPEC: dict[str, Any] = json.loads(STRUCTURE.read_text(encoding="utf-8"))
NAME_PATTERN = "^[a-zA-Z0-9_-]+$"

# --- the spec as the service takes it ---------------------------------------------------------

# `metadata` is a free object in the spec; its description (dropped from the structure
# file) says: at most 16 pairs, keys up to 64 characters, string values up to 512.
# OpenAPI 3.0 has no `propertyNames`: `keys_fit()` sets the key length aside.
METADATA = {
    "type": "object",
    "maxProperties": 16,
    "additionalProperties": {"type": "string", "maxLength": 512},
}
METADATA_KEY_LENGTH = 64


def keys_fit(body: Any) -> bool:
    """No metadata key in the body is over 64 characters (the spec cannot say so)."""
    maps = [body.get("metadata")] if isinstance(body, dict) else []
    resources = body.get("tool_resources") if isinstance(body, dict) else None
    search = resources.get("file_search") if isinstance(resources, dict) else None
    if isinstance(search, dict):
        maps += [store.get("metadata") for store in search.get("vector_stores") or []]
    return all(len(key) <= METADATA_KEY_LENGTH for m in maps if m for key in m)


def seeded_references(value: Any) -> None:
    """Points every file and vector store id a generated body names at the seeded ones:
    the fake checks that references exist, which the spec cannot say."""
    if isinstance(value, list):
        for item in value:
            seeded_references(item)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in ("file_ids", "vector_store_ids") and isinstance(item, list):
            seed = SEED_FILE_ID if key == "file_ids" else SEED_STORE_ID
            value[key] = [seed if isinstance(i, str) else i for i in item]
        elif key == "file_id" and isinstance(item, str):
            value[key] = SEED_FILE_ID
        else:
            seeded_references(item)


def closed(schema: Any) -> Any:
    """Every object with declared properties accepts no others (the service's
    `Unknown parameter` at any depth; the spec leaves nested objects open)."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            closed(value)
    elif isinstance(schema, list):
        for item in schema:
            closed(item)
    return schema


def real_service_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The structure spec narrowed to what the real service (and the fake) accepts.

    1. function tools: the Azure spec requires `name`, `description` and `parameters`;
       the OpenAI backend requires only `name`, which must match `^[a-zA-Z0-9_-]+$`
       (1..64 characters; the spec only says so in a description). The fake limits
       `description` to 1,024 characters (its choice; see the README).
    2. `metadata`: 16 string pairs, as above (description only in the spec; the key
       length is checked by `keys_fit()`, as OpenAPI 3.0 cannot state it).
    3. `model` is a deployment name: not empty.
    4. nested objects (tools, tool_resources, response formats) take no unknown keys;
       a response format object needs its `type`.
    """
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    function = schemas["assistantToolsFunction"]["properties"]["function"]
    function["required"] = ["name"]
    function["properties"]["name"].update(pattern=NAME_PATTERN, minLength=1, maxLength=64)
    function["properties"]["description"]["maxLength"] = 1024
    schemas["assistantsApiResponseFormat"]["required"] = ["type"]
    for name in ("createAssistantRequest", "modifyAssistantRequest"):
        fields = schemas[name]["properties"]
        fields["model"] = {"type": "string", "minLength": 1}
        fields["metadata"] = {**METADATA, "nullable": True}
        file_search = fields["tool_resources"]["properties"]["file_search"]["properties"]
        if "vector_stores" in file_search:
            file_search["vector_stores"]["items"]["properties"]["metadata"] = dict(METADATA)
    for name in ("assistantToolsCode", "assistantToolsFileSearch", "assistantToolsFunction"):
        closed(schemas[name])
    closed(schemas["assistantsApiResponseFormat"])
    for name in ("createAssistantRequest", "modifyAssistantRequest"):
        closed(schemas[name]["properties"]["tool_resources"])
    return spec


CONVERSATION_BODIES = (
    "createThreadRequest",
    "modifyThreadRequest",
    "createMessageRequest",
    "modifyMessageRequest",
    "createRunRequest",
    "createThreadAndRunRequest",
    "modifyRunRequest",
)
NAMED_TOOL_CHOICES = [
    {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["function"]},
            "function": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
        "required": ["type", "function"],
    },
    {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["code_interpreter", "file_search"]}},
        "required": ["type"],
    },
]


def real_conversation_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """`real_service_spec()`, and the thread, message and run bodies narrowed alike.

    1. `metadata` everywhere (also in messages and vector store helpers): as above.
    2. `createRunRequest` and `createThreadAndRunRequest` require `thread_id`, which is
       a path parameter (or made by the request) and not even a property (a known quirk
       of the source spec): no body could be valid. Dropped.
    3. message `attachments` list `required: [file_id, tools]` beside `items`, where it
       means nothing; the service (and the fake) need both in each attachment.
    4. a named tool choice of type `function` needs its `function`; the other types take
       nothing else (the spec has one object for all three).
    5. `model` overrides are deployment names: not empty; nested objects are closed.
    """
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for name in ("createRunRequest", "createThreadAndRunRequest"):
        schemas[name]["required"] = ["assistant_id"]
    attachments = schemas["createMessageRequest"]["properties"]["attachments"]
    attachments["items"]["required"] = attachments.pop("required")
    schemas["assistantsNamedToolChoice"] = {"oneOf": NAMED_TOOL_CHOICES}
    for name in CONVERSATION_BODIES:
        fields = schemas[name]["properties"]
        fields["metadata"] = {**METADATA, "nullable": True}
        if "model" in fields:
            fields["model"] = {"type": "string", "minLength": 1, "nullable": True}
        for source in _vector_store_helpers(fields):
            source["items"]["properties"]["metadata"] = dict(METADATA)
        closed(schemas[name])
    closed(schemas["truncationObject"])
    closed(schemas["assistantsNamedToolChoice"])
    return spec


def _vector_store_helpers(fields: dict[str, Any]) -> list[dict[str, Any]]:
    resources = fields.get("tool_resources", {}).get("properties", {})
    search = resources.get("file_search", {}).get("properties", {})
    return [search["vector_stores"]] if "vector_stores" in search else []


SCHEMA = schemathesis.openapi.from_dict(SPEC)
ASSISTANTS = SCHEMA.include(path_regex="^/assistants")
REAL = schemathesis.openapi.from_dict(real_conversation_spec(real_service_spec(SPEC)))
QUERY = {"api-version": API_VERSION}

# --- from a schemathesis case to the request the fake gets -----------------------------------

PASSED_ON = ("method", "url", "headers", "params", "json", "data", "cookies", "files")


def wire(case: schemathesis.Case) -> tuple[str, str, dict[str, str], bytes]:
    """The case as bytes on the wire, as schemathesis's own `requests` transport sends it."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers={"api-key": KEY})
    prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in PASSED_ON}).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return str(prepared.method), str(prepared.url), dict(prepared.headers), body


def send_case(case: schemathesis.Case, via: str) -> tuple[Any, Any]:
    fake = new_fake()
    method, url, headers, body = wire(case)
    return run(fake, via, method, url, headers, body)


def on_seeded_ids(schema: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
    """Cases for every operation, half of them aimed at a stored assistant."""
    strategies = [schema.as_strategy(generation_mode=mode, query=QUERY)]
    for path in ("/assistants/{assistant_id}",):
        for operation in schema[path].values():
            for assistant_id in SEEDED_IDS:
                strategies.append(
                    operation.as_strategy(
                        generation_mode=mode,
                        query=QUERY,
                        path_parameters={"assistant_id": assistant_id},
                    )
                )
    return st.one_of(strategies)


# --- the fuzz tests ---------------------------------------------------------------------------


@fuzz_settings(130)
@given(case=on_seeded_ids(ASSISTANTS, GenerationMode.NEGATIVE), via=st.sampled_from(TRANSPORTS))
def test_negative_cases(case: schemathesis.Case, via: str) -> None:
    """Schema-invalid bodies, paths and queries: each must get a clean 4xx (or a 200)."""
    send_case(case, via)


@fuzz_settings(130)
@given(case=on_seeded_ids(ASSISTANTS, GenerationMode.POSITIVE), via=st.sampled_from(TRANSPORTS))
def test_positive_cases(case: schemathesis.Case, via: str) -> None:
    """Schema-valid requests of the spec as published."""
    send_case(case, via)


@fuzz_settings(50)
@given(
    case=st.one_of(
        SCHEMA.as_strategy(generation_mode=GenerationMode.POSITIVE),
        SCHEMA.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ),
    via=st.sampled_from(TRANSPORTS),
)
def test_generated_api_versions(case: schemathesis.Case, via: str) -> None:
    """Nothing fixed: schemathesis makes up the api-version too."""
    send_case(case, via)


CREATE = REAL["/assistants"]["POST"]
MODIFY = REAL["/assistants/{assistant_id}"]["POST"]


@fuzz_settings(130)
@given(case=CREATE.as_strategy(query=QUERY), via=st.sampled_from(TRANSPORTS))
def test_spec_valid_create_bodies_are_accepted(case: schemathesis.Case, via: str) -> None:
    assume(keys_fit(case.body))
    seeded_references(case.body)
    exchange, payload = send_case(case, via)
    assert exchange.status == 200, exchange.describe()
    check_reflects(case.body, payload)


@fuzz_settings(100)
@given(
    case=st.one_of(
        [
            MODIFY.as_strategy(query=QUERY, path_parameters={"assistant_id": assistant_id})
            for assistant_id in SEEDED_IDS
        ]
    ),
    via=st.sampled_from(TRANSPORTS),
)
def test_spec_valid_modify_bodies_are_accepted(case: schemathesis.Case, via: str) -> None:
    assume(keys_fit(case.body))
    seeded_references(case.body)
    fake = new_fake()
    assistant_id = case.path_parameters["assistant_id"]
    previous = stored(fake, HOST, assistant_id)
    method, url, headers, body = wire(case)
    exchange, payload = run(fake, via, method, url, headers, body)
    assert exchange.status == 200, exchange.describe()
    check_reflects(case.body, payload, previous)


# --- threads, messages, runs and steps, aimed at the conversation fuzz tests' world ---------

CONVERSATIONS = SCHEMA.include(path_regex="^/threads")
WORLD_PARAMETERS = [
    {"thread_id": W.done, "message_id": W.messages[-1], "run_id": W.done_run, "step_id": W.step},
    {"thread_id": W.waiting, "message_id": W.messages[0], "run_id": W.waiting_run},
    {"thread_id": W.queued, "run_id": W.queued_run, "step_id": W.step},
    {"thread_id": W.empty, "run_id": W.done_run},
]


def in_world(schema: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
    """Cases for every conversation operation, mostly aimed at the world's objects."""
    strategies = [schema.as_strategy(generation_mode=mode, query=QUERY)]
    for result in schema.get_all_operations():
        operation = result.ok()
        names = set(re.findall(r"{(\w+)}", operation.path))
        for parameters in WORLD_PARAMETERS:
            if names and names <= set(parameters):
                wanted = {name: parameters[name] for name in names}
                strategies.append(
                    operation.as_strategy(generation_mode=mode, query=QUERY, path_parameters=wanted)
                )
    return st.one_of(strategies)


def send_to_world(case: schemathesis.Case, via: str) -> tuple[Any, Any]:
    method, url, headers, body = wire(case)
    return run(new_world(), via, method, url, headers, body)


@fuzz_settings(150)
@given(case=in_world(CONVERSATIONS, GenerationMode.NEGATIVE), via=st.sampled_from(TRANSPORTS))
def test_negative_conversation_cases(case: schemathesis.Case, via: str) -> None:
    """Schema-invalid thread, message, run and step requests: a clean 4xx (or a 200)."""
    send_to_world(case, via)


@fuzz_settings(150)
@given(case=in_world(CONVERSATIONS, GenerationMode.POSITIVE), via=st.sampled_from(TRANSPORTS))
def test_positive_conversation_cases(case: schemathesis.Case, via: str) -> None:
    """Schema-valid requests of the spec as published (thread_id in a run body and all)."""
    send_to_world(case, via)


ACCEPTED = [
    ("/threads", "POST", {}),
    ("/threads/{thread_id}", "POST", {"thread_id": W.done}),
    ("/threads/{thread_id}/messages", "POST", {"thread_id": W.done}),
    ("/threads/{thread_id}/messages/{message_id}", "POST", {
        "thread_id": W.done, "message_id": W.messages[0]
    }),
    ("/threads/{thread_id}/runs", "POST", {"thread_id": W.done}),
    ("/threads/runs", "POST", {}),
    ("/threads/{thread_id}/runs/{run_id}", "POST", {"thread_id": W.done, "run_id": W.done_run}),
]  # fmt: skip


def accepted_cases() -> st.SearchStrategy[Any]:
    return st.one_of(
        [
            REAL[path][method].as_strategy(query=QUERY, path_parameters=parameters or None)
            for path, method, parameters in ACCEPTED
        ]
    )


@fuzz_settings(150)
@given(case=accepted_cases(), via=st.sampled_from(TRANSPORTS))
def test_spec_valid_conversation_bodies_are_accepted(case: schemathesis.Case, via: str) -> None:
    """Bodies valid by the narrowed spec get a 200 (a stream when they ask for one). The
    assistant id of a run is made up by the generator: it is set to a stored one."""
    assume(keys_fit(case.body) and all(keys_fit(m) for m in _messages(case.body)))
    seeded_references(case.body)
    if isinstance(case.body, dict) and "assistant_id" in case.body:
        case.body["assistant_id"] = SEEDED_IDS[0]
    exchange, payload = send_to_world(case, via)
    if case.operation.path == "/threads/runs" and _nothing_to_answer(case.body):
        # The service refuses what the spec allows: no user message and no instructions
        # (the seeded assistant has none).
        assert exchange.status == 400, exchange.describe()
        assert payload["error"]["code"] == "invalid_thread", exchange.describe()
        return
    assert exchange.status == 200, exchange.describe()


def _nothing_to_answer(body: dict[str, Any]) -> bool:
    said = any(isinstance(m, dict) and m.get("role") == "user" for m in _messages(body))
    return not said and not body.get("instructions")


def _messages(body: Any) -> list[Any]:
    if not isinstance(body, dict):
        return []
    thread = body.get("thread") if isinstance(body.get("thread"), dict) else body
    return [*(thread.get("messages") or []), *(body.get("additional_messages") or [])]


# --- where the published spec and the service knowingly differ --------------------------------

FUNCTION = {"type": "function", "function": {"name": "f"}}


def function_tool(**function: Any) -> dict[str, Any]:
    """A body with one function tool that has everything the Azure spec requires."""
    return {
        "tools": [
            {"type": "function", "function": {"description": "", "parameters": {}, **function}}
        ]
    }


DIFFERENCES = [
    # (what, body, the param the 400 names): valid by the spec, rejected by the service
    ("function name outside the pattern", function_tool(name="a b"), "tools[0].function.name"),
    ("function name over 64", function_tool(name="f" * 65), "tools[0].function.name"),
    (
        "function description over 1024 (the fake's limit)",
        function_tool(name="f", description="d" * 1025),
        "tools[0].function.description",
    ),
    ("metadata value not a string", {"metadata": {"k": 1}}, "metadata.k"),
    ("metadata over 16 pairs", {"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
    ("metadata key over 64", {"metadata": {"k" * 65: "v"}}, "metadata." + "k" * 65),
    ("empty model", {"model": ""}, "model"),
    ("unknown key in a tool", {"tools": [{"type": "code_interpreter", "x": 1}]}, "tools[0].x"),
    ("response format without type", {"response_format": {}}, "response_format.type"),
    ("unknown key in tool_resources", {"tool_resources": {"x": {}}}, "tool_resources.x"),
]


@pytest.mark.parametrize("on_modify", [False, True], ids=["create", "modify"])
@pytest.mark.parametrize(
    ("body", "param"),
    [(body, param) for _, body, param in DIFFERENCES],
    ids=[what for what, _, _ in DIFFERENCES],
)
def test_known_differences(body: dict[str, Any], param: str, on_modify: bool) -> None:
    """Valid by the published spec, rejected by the service (and the fake): 400 naming
    the parameter, store unchanged."""
    fake = new_fake()
    path = f"/assistants/{SEEDED_IDS[1]}" if on_modify else "/assistants"
    sent = body if on_modify else {"model": "gpt-4o", **body}
    url = f"{BASE}{path}?api-version={API_VERSION}"
    exchange, payload = run(fake, "direct", "POST", url, JSON_HEADERS, json.dumps(sent).encode())
    assert exchange.status == 400, exchange.describe()
    assert payload["error"]["param"] == param


@pytest.mark.parametrize("on_modify", [False, True], ids=["create", "modify"])
def test_function_needs_only_a_name(on_modify: bool) -> None:
    """Invalid by the Azure spec (which requires `description` and `parameters`), accepted
    by the OpenAI backend behind it, and by the fake."""
    fake = new_fake()
    path = f"/assistants/{SEEDED_IDS[0]}" if on_modify else "/assistants"
    body = {"tools": [FUNCTION]} if on_modify else {"model": "gpt-4o", "tools": [FUNCTION]}
    url = f"{BASE}{path}?api-version={API_VERSION}"
    exchange, payload = run(fake, "direct", "POST", url, JSON_HEADERS, json.dumps(body).encode())
    assert exchange.status == 200, exchange.describe()
    assert payload["tools"] == stored_tools([FUNCTION])
    assert payload["tools"][0]["function"]["parameters"] == {"type": "object", "properties": {}}


@pytest.mark.parametrize(("size", "status"), [(32_768, 200), (32_769, 400)])
def test_modify_instructions_limit_follows_the_azure_spec(size: int, status: int) -> None:
    """Azure's spec allows 32,768 characters of instructions on modify (256,000 on create;
    OpenAI's spec says 256,000 for both); the fake follows Azure's."""
    fake = new_fake()
    url = f"{BASE}/assistants/{SEEDED_IDS[0]}?api-version={API_VERSION}"
    body = json.dumps({"instructions": "i" * size}).encode()
    exchange, _ = run(fake, "direct", "POST", url, JSON_HEADERS, body)
    assert exchange.status == status, exchange.describe()


# --- the structure file ------------------------------------------------------------------------

DOC_KEYWORDS = {"description", "summary", "example", "examples", "x-ms-examples", "title"}


def keywords(node: Any, names: bool = False) -> set[str]:
    """Keys used as keywords (property names are not keywords)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not names:
                found.add(key)
            found |= keywords(value, key in ("properties", "schemas", "paths"))
    elif isinstance(node, list):
        for item in node:
            found |= keywords(item)
    return found


def test_structure_file() -> None:
    """The 22 operations, no documentation keywords, every `$ref` resolvable."""
    operations = SCHEMA.get_all_operations()
    labels = sorted(result.ok().label for result in operations)
    assert labels == sorted(
        [
            "DELETE /assistants/{assistant_id}",
            "GET /assistants",
            "GET /assistants/{assistant_id}",
            "POST /assistants",
            "POST /assistants/{assistant_id}",
            "POST /threads",
            "GET /threads/{thread_id}",
            "POST /threads/{thread_id}",
            "DELETE /threads/{thread_id}",
            "GET /threads/{thread_id}/messages",
            "POST /threads/{thread_id}/messages",
            "GET /threads/{thread_id}/messages/{message_id}",
            "POST /threads/{thread_id}/messages/{message_id}",
            "POST /threads/runs",
            "GET /threads/{thread_id}/runs",
            "POST /threads/{thread_id}/runs",
            "GET /threads/{thread_id}/runs/{run_id}",
            "POST /threads/{thread_id}/runs/{run_id}",
            "POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
            "POST /threads/{thread_id}/runs/{run_id}/cancel",
            "GET /threads/{thread_id}/runs/{run_id}/steps",
            "GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}",
        ]
    )
    assert not keywords(SPEC) & DOC_KEYWORDS
    for ref in set(_refs(SPEC)):
        assert ref.removeprefix("#/components/schemas/") in SPEC["components"]["schemas"], ref


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_structure_file_matches_the_generator() -> None:
    """Where the shared reference spec is present, regenerating gives the committed file."""
    generator = _load_generator()
    if not generator.DEFAULT_SOURCE.exists():
        pytest.skip("the reference spec is not beside this clone")
    source = json.loads(generator.DEFAULT_SOURCE.read_text(encoding="utf-8"))
    assert generator.structure(source) == SPEC


def _load_generator() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_openapi_structure", DATA / "make_openapi_structure.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
