"""Never a crash: hostile requests, straight to `Service.handle` and through httpx/httpx2.

Whatever arrives, the fake must answer (no exception out of `Service.handle` or into the
HTTP client) with a status below 500 and a body that is strict JSON (UTF-8, no NaN or
Infinity, no lone surrogates) and either an error envelope or a shape the openai SDK's
models accept. An error must leave the store exactly as it was.

The checks live here and `test_fuzz_openapi.py` imports them. Every fuzz test runs a
fixed (derandomized) number of examples; the session summary prints how many generated
requests ran. Knobs, by environment variable:

- `FAKE_ASSISTANTS_FUZZ_EXAMPLES=N`: run N examples in every fuzz test (default: each
  test's own budget, sized so both fuzz files take ~40 s per venv together)
- `FAKE_ASSISTANTS_FUZZ_RANDOM=1`: random instead of fixed generation, to explore
- `FAKE_ASSISTANTS_FUZZ_REPORT=path`: also write the request counts as JSON there
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from helpers import stored_tools
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.beta import Assistant, AssistantDeleted, Thread, ThreadDeleted
from openai.types.beta.threads import Message, MessageDeleted, MessageDeltaEvent, Run
from openai.types.beta.threads.runs import RunStep, RunStepDeltaEvent

from fake_assistants import FakeAssistants, Request

HOST = "fuzz.openai.azure.com"
BASE = f"https://{HOST}/openai"
API_VERSION = "2024-05-01-preview"
KEY = "fuzz-key"
V1_VERSIONS = frozenset({"2024-02-15-preview", "2024-03-01-preview", "2024-04-01-preview"})
NOW = 1_700_000_000

# --- budget ------------------------------------------------------------------------------


def fuzz_settings(examples: int) -> settings:
    """Fixed generation and `examples` examples (or FAKE_ASSISTANTS_FUZZ_EXAMPLES)."""
    override = os.environ.get("FAKE_ASSISTANTS_FUZZ_EXAMPLES")
    return settings(
        max_examples=int(override) if override else examples,
        derandomize=os.environ.get("FAKE_ASSISTANTS_FUZZ_RANDOM", "") in ("", "0"),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


# --- the tally: how many generated requests ran, printed at the end of the session ---------


class FuzzTally:
    """Counts requests per test, transport and outcome; one per session, shared by both files."""

    name = "fake-assistants-fuzz-tally"

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, str]] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def count(self, test: str, exchange: Exchange) -> None:
        self.requests[(test, exchange.via)] += 1
        status = exchange.status
        self.outcomes[
            "raised" if status < 0 else "200" if status == 200 else f"{status // 100}xx"
        ] += 1

    def report(self) -> dict[str, Any]:
        by_test: dict[str, dict[str, int]] = {}
        for (test, via), count in sorted(self.requests.items()):
            by_test.setdefault(test, {})[via] = count
        by_file: Counter[str] = Counter()
        by_via: Counter[str] = Counter()
        for (test, via), count in self.requests.items():
            by_file[test.partition("::")[0]] += count
            by_via[via] += count
        return {
            "total": sum(self.requests.values()),
            "seconds": round(sum(self.seconds.values()), 2),
            "by_file": dict(sorted(by_file.items())),
            "by_transport": dict(sorted(by_via.items())),
            "by_outcome": dict(sorted(self.outcomes.items())),
            "by_test": by_test,
            "python": sys.version.split()[0],
            "openai": importlib.import_module("openai").__version__,
        }

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.requests:
            return
        report = self.report()

        def listed(counts: dict[str, int]) -> str:
            return ", ".join(f"{name} {count}" for name, count in counts.items())

        terminalreporter.write_line(
            f"fake-assistants fuzz: {report['total']} generated requests in "
            f"{report['seconds']:.1f} s (files: {listed(report['by_file'])}; "
            f"via: {listed(report['by_transport'])}; answers: {listed(report['by_outcome'])})"
        )
        path = os.environ.get("FAKE_ASSISTANTS_FUZZ_REPORT")
        if path:
            with open(path, "w", encoding="utf-8") as file:
                json.dump(report, file, indent=2)


class _Session:
    """What `send()` counts into: the tally registered with pytest, and the running test.

    Module state, set by the fixture: `test_fuzz_openapi.py` imports this file as a
    second module object, and both must count into the one registered tally.
    """

    tally = FuzzTally()
    test = "?"


SESSION = _Session()


@pytest.fixture(autouse=True)
def fuzz_tally(request: pytest.FixtureRequest) -> Iterator[FuzzTally]:
    """Registers the shared tally once and times the test it wraps."""
    manager = request.config.pluginmanager
    tally = manager.get_plugin(FuzzTally.name)
    if tally is None:
        tally = FuzzTally()
        manager.register(tally, FuzzTally.name)
    SESSION.tally = tally
    SESSION.test = test = f"{request.path.name}::{request.node.name}"
    started = time.perf_counter()
    yield tally
    tally.seconds[test] += time.perf_counter() - started


# --- the fake under test --------------------------------------------------------------------

SEED_BODIES: tuple[dict[str, Any], ...] = (
    {"model": "gpt-4o", "name": "plain"},
    {
        "model": "gpt-4o",
        "name": "full",
        "description": "every field",
        "instructions": "be brief",
        "tools": [
            {"type": "code_interpreter"},
            {"type": "file_search"},
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
        ],
        "tool_resources": {  # the seeded file and store (references must exist)
            "code_interpreter": {"file_ids": ["<file>"]},
            "file_search": {"vector_store_ids": ["<store>"]},
        },
        "metadata": {"k": "v"},
        "temperature": 0.5,
        "top_p": 0.5,
        "response_format": {"type": "json_object"},
    },
    {"model": "gpt-4o-mini", "metadata": {"team": "fuzz"}},
)


TOKEN = "fuzz-token"
# The options that change answers: which deployments, token and api-versions are good.
STRICT_OPTIONS: dict[str, Any] = {
    "deployments": ("gpt-4o", "gpt-4o-mini"),
    "ad_token": TOKEN,
    "api_versions": (API_VERSION, "2025-04-01-preview", "2024-02-15-preview"),
}
OPTIONS = st.sampled_from([{}, STRICT_OPTIONS])


def new_fake(**options: Any) -> FakeAssistants:
    """A fake with the api-key option set, a file, a vector store and three stored
    assistants (same ids each time)."""
    fake = FakeAssistants(
        endpoint=f"https://{HOST}",
        api_key=KEY,
        report_unsupported=False,
        clock=lambda: NOW,
        **options,
    )
    file_id = fake.files.upload("seeded file", filename="seed.txt")["id"]
    store_id = fake.vector_stores.create(name="seed")["id"]
    for body in SEED_BODIES:
        text = json.dumps(body).replace("<file>", file_id).replace("<store>", store_id)
        fake.assistants.create(**json.loads(text))
    return fake


SEEDED_IDS: tuple[str, ...] = tuple(a["id"] for a in new_fake().assistants.list())
SEED_FILE_ID: str = new_fake().files.list()[0]["id"]
SEED_STORE_ID: str = new_fake().vector_stores.list()[0]["id"]
UNKNOWN_ID = "asst_" + "Z" * 24


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Room for the test's own walks over deeply nested stored values."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def snapshot(fake: FakeAssistants) -> str:
    """Every resource's stores (assistants, helper vector stores, ...), as canonical text.

    Stores and resources the fake made but never stored anything in are left out: a
    request to a new host makes an empty one, which changes nothing a client can see.
    """
    state = {}
    for host, resource in sorted(fake.service.resources.items()):
        stores = {"/".join(key): list(store) for key, store in resource.stores().items()}
        kept = {key: records for key, records in stores.items() if records}
        if kept:
            state[host] = kept
    with deep_recursion():
        return json.dumps(state, sort_keys=True, default=repr)


def stored(fake: FakeAssistants, host: str, assistant_id: str) -> dict[str, Any] | None:
    """A copy of a stored record (as JSON gives it back), or None."""
    resource = fake.service.resources.get(host)
    record = None if resource is None else resource.store("assistants").get(assistant_id)
    if record is None:
        return None
    with deep_recursion():
        return json.loads(json.dumps(record))


def stored_ids(fake: FakeAssistants) -> dict[str, set[str]]:
    return {
        host: {record["id"] for record in resource.store("assistants")}
        for host, resource in fake.service.resources.items()
    }


def every_id(fake: FakeAssistants) -> dict[str, set[str]]:
    """The ids in every store of each host: assistants, threads, messages, runs, steps."""
    return {
        host: {record["id"] for store in resource.stores().values() for record in store}
        for host, resource in fake.service.resources.items()
    }


# --- sending: straight to the service, or through an HTTP client the fake intercepts --------


def _http_modules() -> dict[str, ModuleType]:
    found = {}
    for name in ("httpx", "httpx2"):
        try:
            found[name] = importlib.import_module(name)
        except ImportError:
            continue
    return found


HTTP_MODULES = _http_modules()
TRANSPORTS: tuple[str, ...] = ("direct", *HTTP_MODULES)
NOT_CLAIMED = 599  # what the guard transport answers: the fake did not take the request
_clients: dict[str, Any] = {}


def client(via: str) -> Any:
    """One client per HTTP library; hosts the fake does not claim get a 599, never the net."""
    if via not in _clients:
        module = HTTP_MODULES[via]

        def refuse(request: Any) -> Any:
            return module.Response(NOT_CLAIMED, content=b"not claimed by the fake")

        _clients[via] = module.Client(transport=module.MockTransport(refuse))
    return _clients[via]


@dataclass
class Exchange:
    """One generated request, as the fake saw it, and what came back."""

    request: Request
    via: str
    status: int
    headers: dict[str, str]
    body: bytes
    raised: BaseException | None = None

    def describe(self) -> str:
        body = self.request.body
        shown = repr(body[:400]) + (f"... ({len(body)} bytes)" if len(body) > 400 else "")
        url = self.request.url
        url = url if len(url) <= 400 else f"{url[:400]}... ({len(url)} chars)"
        return (
            f"\n  via: {self.via}\n  request: {self.request.method!r} {url}"
            f"\n  headers: {dict(self.request.headers)!r}\n  body: {shown}"
            f"\n  status: {self.status}\n  response: {self.body[:600]!r}"
        )


def send(
    fake: FakeAssistants,
    via: str,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> Exchange:
    """Sends one request; an exception out of the fake is recorded, not raised.

    `via` is "direct" (`fake.handle`) or an HTTP library's name. A request that library
    cannot even build (a bad header value, say) goes straight to the service instead.
    Header names reach the service in lower case, as the HTTP adapters pass them on.
    """
    headers = dict(headers or {})
    request = Request(method, url, {k.lower(): v for k, v in headers.items()}, body)
    outgoing = None
    if via != "direct":
        try:
            outgoing = HTTP_MODULES[via].Request(method, url, headers=headers, content=body)
        except Exception:
            via = "direct"
    exchange = _exchange(fake, via, request, outgoing)
    SESSION.tally.count(SESSION.test, exchange)
    return exchange


def _exchange(fake: FakeAssistants, via: str, request: Request, outgoing: Any) -> Exchange:
    if outgoing is None:
        try:
            response = fake.handle(request)
        except Exception as error:
            return Exchange(request, via, -1, {}, b"", error)
        return Exchange(request, via, response.status, dict(response.headers), response.body)
    calls = len(fake.calls)
    with fake:
        try:
            answer = client(via).send(outgoing)
        except Exception as error:
            seen = fake.calls[-1].request if len(fake.calls) > calls else request
            return Exchange(seen, via, -1, {}, b"", error)
    seen = fake.calls[-1].request if len(fake.calls) > calls else request
    return Exchange(seen, via, answer.status_code, dict(answer.headers), answer.content)


# --- the invariants ------------------------------------------------------------------------

OPENAI_ERROR_KEYS = {"message", "type", "param", "code"}
GATEWAY_ERROR_KEYS = {"code", "message"}
ASSISTANT_KEYS = {"id", "object", "created_at", "name", "description", "model", "instructions"}
V2_KEYS = {"tools", "tool_resources", "metadata", "temperature", "top_p", "response_format"}
V1_KEYS = {"tools", "file_ids", "metadata"}
LIST_KEYS = {"object", "data", "first_id", "last_id", "has_more"}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(body: bytes) -> Any:
    """The body as RFC 8259 / I-JSON: UTF-8, no NaN/Infinity, no lone surrogates."""
    with deep_recursion():
        payload = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        json.dumps(payload, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
    return payload


def version_of(request: Request) -> str | None:
    """The api-version the service reads: the last one in the query, as `dict()` keeps it."""
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True)).get("api-version")


def host_of(request: Request) -> str:
    return urlsplit(request.url).netloc.rpartition("@")[2].lower()


def sdk_view(shown: dict[str, Any]) -> dict[str, Any]:
    """The assistant as the SDK's model is asked to take it.

    Known gap: Azure's 2024-05-01..2024-12-01-preview accept `response_format: "none"`
    and the fake echoes it, but the SDK's union (`"auto"` or a format object) has no
    `"none"` (the SDK builds models without validating, so users never see an error).
    """
    if shown.get("response_format") == "none":
        return {**shown, "response_format": "auto"}
    return shown


def check_assistant(shown: Any, version: str | None) -> None:
    assert isinstance(shown, dict), shown
    assert shown.get("object") == "assistant"
    assert isinstance(shown["id"], str) and shown["id"].startswith("asst_")
    assert isinstance(shown["created_at"], int) and not isinstance(shown["created_at"], bool)
    if version in V1_VERSIONS:
        assert set(shown) >= ASSISTANT_KEYS | V1_KEYS, sorted(shown)
        assert all(
            t.get("type") in ("code_interpreter", "retrieval", "function") for t in shown["tools"]
        )
        assert all(isinstance(f, str) for f in shown["file_ids"])
        return
    assert set(shown) >= ASSISTANT_KEYS | V2_KEYS, sorted(shown)
    Assistant.model_validate(sdk_view(shown))


def check_error(exchange: Exchange, payload: Any) -> None:
    """An error body is the OpenAI envelope, the Azure gateway one, or (401 to a bearer
    token only) the flat Entra ID body the real service sends."""
    bearer = exchange.request.headers.get("authorization", "")[:7].lower() == "bearer "
    if exchange.status == 401 and bearer and isinstance(payload, dict) and "error" not in payload:
        assert set(payload) == {"statusCode", "message"}, payload
        assert payload["statusCode"] == 401 and isinstance(payload["message"], str)
        return
    assert isinstance(payload, dict) and set(payload) == {"error"}, payload
    error = payload["error"]
    assert isinstance(error, dict), payload
    if set(error) == OPENAI_ERROR_KEYS:
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["type"], str) and error["type"]
        assert error["param"] is None or isinstance(error["param"], str)
        assert error["code"] is None or isinstance(error["code"], str)
    else:
        assert set(error) == GATEWAY_ERROR_KEYS, payload
        assert isinstance(error["code"], str) and isinstance(error["message"], str)


def check_success(exchange: Exchange, payload: Any, fake: FakeAssistants, before_ids: Any) -> None:
    assert exchange.status == 200
    assert isinstance(payload, dict), payload
    version = version_of(exchange.request)
    host = host_of(exchange.request)
    kind = payload.get("object")
    if kind == "assistant":
        check_assistant(payload, version)
        record = stored(fake, host, payload["id"])
        assert record is not None, "a returned assistant is stored"
        if version not in V1_VERSIONS:
            assert payload == record, "the response shows the stored assistant"
    elif kind == "list":
        assert set(payload) >= LIST_KEYS, sorted(payload)
        data = payload["data"]
        assert isinstance(data, list) and len(data) <= 100
        assert isinstance(payload["has_more"], bool)
        assert payload["first_id"] == (data[0]["id"] if data else None)
        assert payload["last_id"] == (data[-1]["id"] if data else None)
        for item in data:
            if item.get("object") == "assistant":
                check_assistant(item, version)
            else:
                check_conversation_object(item, version)
            assert item["id"] in every_id(fake).get(host, set()), "a listed object is stored"
    elif kind == "assistant.deleted":
        assert payload == {"id": payload["id"], "object": "assistant.deleted", "deleted": True}
        AssistantDeleted.model_validate(payload)
        assert payload["id"] in before_ids.get(host, set()), "only a stored assistant is deleted"
        assert payload["id"] not in stored_ids(fake).get(host, set())
    elif kind in CONVERSATION_OBJECTS:
        check_conversation_object(payload, version)
        assert payload["id"] in every_id(fake).get(host, set()), "a returned object is stored"
    elif kind in DELETED_MODELS:
        assert payload == {"id": payload["id"], "object": kind, "deleted": True}, payload
        DELETED_MODELS[kind].model_validate(payload)
        assert payload["id"] in before_ids.get(host, set()), "only a stored object is deleted"
        assert payload["id"] not in every_id(fake).get(host, set())
    else:
        raise AssertionError(f"a 200 with an unexpected shape: {payload!r:.300}")


# --- threads, messages, runs and steps: shapes, SDK views and streams ----------------------

MESSAGE_KEYS = (
    "id", "object", "created_at", "assistant_id", "thread_id", "run_id", "role", "content",
    "attachments", "metadata",
)  # fmt: skip
MODIFIED_MESSAGE_KEYS = (*MESSAGE_KEYS[:-2], "file_ids", "metadata")  # modify, 2025-01 on
MODIFIED_MESSAGE_FROM = "2025-01-01-preview"
V1_MESSAGE_KEYS = (
    "id", "object", "created_at", "thread_id", "role", "content", "file_ids", "assistant_id",
    "run_id", "metadata",
)  # fmt: skip  # as recorded on 2024-02-15-preview
MESSAGE_STATUS_KEYS = {"status", "incomplete_details", "incomplete_at", "completed_at"}
PARALLEL_TOOL_CALLS_FROM = "2024-07-01-preview"
CONVERSATION_OBJECTS: dict[str, Any] = {
    "thread": Thread,
    "thread.message": Message,
    "thread.run": Run,
    "thread.run.step": RunStep,
}
DELETED_MODELS: dict[str, Any] = {
    "thread.deleted": ThreadDeleted,
    "thread.message.deleted": MessageDeleted,
}
EVENT_MODELS: dict[str, Any] = {
    "thread.message.delta": MessageDeltaEvent,
    "thread.run.step.delta": RunStepDeltaEvent,
}


def conversation_sdk_view(shown: dict[str, Any], version: str | None) -> dict[str, Any]:
    """A thread, message, run or step as the SDK's model is asked to take it.

    Known gaps, where the SDK's types are stricter than the wire (the SDK builds models
    without validating, so users never see an error):
    - REST messages carry no `status` (captured, wave-2 C1); the SDK's type requires it.
    - a run of an assistant without instructions shows `"instructions": null` (captured
      in real streams); the SDK's type says `str`.
    - runs before 2024-07-01-preview have no `parallel_tool_calls` (captured on Azure
      2024-05-01-preview); the SDK's type requires it.
    - `response_format: "none"` (see `sdk_view`).
    """
    kind = shown.get("object")
    if kind == "thread.message" and "status" not in shown:
        return {**shown, "status": "completed"}
    if kind != "thread.run":
        return shown
    view = dict(sdk_view(shown))
    if view.get("instructions") is None:
        view["instructions"] = ""
    view.setdefault("parallel_tool_calls", True)
    return view


def message_keys(version: str | None) -> set[tuple[str, ...]]:
    """The key orders a message may show: v1's, or v2's (and the modify answer's, with
    `file_ids` in place of `attachments`, from 2025-01-01-preview: recorded)."""
    if version in V1_VERSIONS:
        return {V1_MESSAGE_KEYS}
    if version is None or version >= MODIFIED_MESSAGE_FROM:
        return {MESSAGE_KEYS, MODIFIED_MESSAGE_KEYS}
    return {MESSAGE_KEYS}


def check_conversation_object(shown: Any, version: str | None) -> None:
    """A thread, message, run or step: its prefix, its keys, the SDK's model."""
    assert isinstance(shown, dict), shown
    kind = shown.get("object")
    prefix = {"thread": "thread_", "thread.message": "msg_", "thread.run": "run_"}
    assert shown["id"].startswith(prefix.get(kind, "step_")), shown["id"]
    assert isinstance(shown["created_at"], int) and not isinstance(shown["created_at"], bool)
    if kind == "thread.message":
        assert tuple(shown) in message_keys(version), list(shown)
    if kind == "thread.run" and version is not None and version < PARALLEL_TOOL_CALLS_FROM:
        assert "parallel_tool_calls" not in shown, "not on this api-version"
    if version in V1_VERSIONS:
        return  # the SDK's models are v2 only (as for assistants)
    CONVERSATION_OBJECTS[kind].model_validate(conversation_sdk_view(shown, version))


def sse_blocks(body: bytes) -> list[tuple[str, str]]:
    """(event, data) of each block: two lines each, a blank line after, `done` last."""
    text = body.decode("utf-8")
    assert text.endswith("event: done\ndata: [DONE]\n\n"), text[-200:]
    blocks = []
    for block in text[:-2].split("\n\n"):
        event, _, data = block.partition("\n")
        assert event.startswith("event: ") and data.startswith("data: "), block[:200]
        assert "\n" not in data, "one data line per event"
        blocks.append((event.removeprefix("event: "), data.removeprefix("data: ")))
    return blocks


def check_stream(exchange: Exchange) -> list[tuple[str, Any]]:
    """A `stream: true` success: well-formed SSE, compact JSON, models the SDK takes,
    deltas only after their object's `created` event, a run event last."""
    blocks = sse_blocks(exchange.body)
    assert blocks[-1] == ("done", "[DONE]") and len(blocks) >= 3, blocks[-3:]
    version = version_of(exchange.request)
    events: list[tuple[str, Any]] = []
    created: set[str] = set()
    for name, data in blocks[:-1]:
        payload = strict_json(data.encode("utf-8"))
        compact = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        assert data == compact, f"not compact JSON: {data[:200]}"
        check_event(name, payload, version, created)
        events.append((name, payload))
    names = [name for name, _ in events]
    first_run = 1 if names[0] == "thread.created" else 0
    assert names[first_run].startswith("thread.run."), names
    assert names[-1].startswith("thread.run.") and "step" not in names[-1], names
    return events


def check_event(name: str, payload: Any, version: str | None, created: set[str]) -> None:
    if name in EVENT_MODELS:
        assert payload["id"] in created, f"{name} before its object was created"
        EVENT_MODELS[name].model_validate(payload)
        return
    kind = {"thread.created": "thread"}.get(name) or (
        "thread.message" if name.startswith("thread.message.")
        else "thread.run.step" if name.startswith("thread.run.step.")
        else "thread.run"
    )  # fmt: skip
    assert name.startswith("thread."), name
    assert payload.get("object") == kind, (name, payload.get("object"))
    if name.endswith(".created"):
        created.add(payload["id"])
    if kind == "thread.message":
        assert set(payload) >= MESSAGE_STATUS_KEYS, "stream messages carry their status"
        Message.model_validate(payload)
    elif kind == "thread.run":
        assert name == f"thread.run.{payload['status']}" or name == "thread.run.created", name
        check_conversation_object(payload, version)
    else:
        check_conversation_object(payload, version)


def check(fake: FakeAssistants, exchange: Exchange, before: str, before_ids: Any) -> Any:
    """All invariants for one exchange; returns the parsed body. `before`: snapshot()."""
    where = exchange.describe()
    if exchange.raised is not None:
        error = exchange.raised
        trace = "".join(traceback.format_exception(error)[-3:])
        raise AssertionError(f"an exception escaped the fake: {error!r}{where}\n{trace}")
    assert exchange.status != NOT_CLAIMED, f"the fake did not claim the request{where}"
    assert exchange.status < 500, f"a {exchange.status} from the fake{where}"
    if exchange.headers.get("content-type", "").startswith("text/event-stream"):
        assert exchange.status == 200, f"an error as a stream{where}"
        try:
            return check_stream(exchange)
        except Exception as error:
            raise AssertionError(f"{type(error).__name__}: {error}{where}") from error
    assert exchange.headers.get("content-type", "").startswith("application/json"), where
    try:
        payload = strict_json(exchange.body)
    except (ValueError, UnicodeError) as error:
        raise AssertionError(f"the body is not strict JSON: {error}{where}") from None
    try:
        if exchange.status >= 400:
            check_error(exchange, payload)
            assert snapshot(fake) == before, "the store changed on an error"
        else:
            check_success(exchange, payload, fake, before_ids)
    except Exception as error:
        raise AssertionError(f"{type(error).__name__}: {error}{where}") from error
    if exchange.status == 200:
        token = fake.service.options.ad_token
        assert credentials_ok(exchange.request.headers, token), f"a 200 without credentials{where}"
    return payload


def credentials_ok(headers: Mapping[str, str], token: str | None = None) -> bool:
    """The right api-key when a non-empty one is sent (it decides alone: openai 1.x sends
    its key as a bearer token too); otherwise a bearer token (any, or `ad_token`'s)."""
    if headers.get("api-key"):
        return headers["api-key"] == KEY
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        sent = authorization[7:].strip()
        return bool(sent) and (token is None or sent == token)
    return False


def run(
    fake: FakeAssistants,
    via: str,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> tuple[Exchange, Any]:
    """Sends one request and checks every invariant on it."""
    before, before_ids = snapshot(fake), every_id(fake)
    exchange = send(fake, via, method, url, headers, body)
    return exchange, check(fake, exchange, before, before_ids)


def url(path: str = "/assistants", query: str | None = f"api-version={API_VERSION}") -> str:
    return f"{BASE}{path}" + ("" if query is None else f"?{query}")


JSON_HEADERS = {"api-key": KEY, "content-type": "application/json"}


# --- what a stored assistant must show after a 200 create or modify -------------------------


def check_reflects(
    body: dict[str, Any], shown: dict[str, Any], previous: dict[str, Any] | None = None
) -> None:
    """The fields sent are what the assistant shows; on modify, the rest is unchanged."""
    plain = {"model": None, "name": None, "description": None, "instructions": None}
    for key, default in plain.items():
        if key in body:
            assert shown[key] == body[key], key
        else:
            assert shown[key] == (previous or {}).get(key, default), key
    defaults: dict[str, Any] = {"metadata": {}, "temperature": 1.0, "top_p": 1.0}
    defaults["response_format"] = "auto"
    for key, default in defaults.items():
        if key in body:
            expected = default if body[key] is None else body[key]
        else:
            expected = (previous or {}).get(key, default)
        assert shown[key] == expected, key
    for key in ("temperature", "top_p"):
        assert isinstance(shown[key], float), key
    if "tools" in body:
        assert shown["tools"] == stored_tools(body["tools"])
    else:
        assert shown["tools"] == (previous or {}).get("tools", [])


# --- strategies -------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202eevil\u202c",  # right-to-left override
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew, right to left
        "\ufeff",
        "\uffff",
        "\U0001f600",
        "e\u0301",  # combining accent
        "\u2028\u2029",
        "\\",
        '"',
        "%00",
        "../..",
        "asst_",
        "Infinity",
        "NaN",
    ]
)
TEXT = st.one_of(st.text(max_size=20), ODD_TEXT)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 1, 2, 2.0000001, -1e-300, 5e-324, 1.7976931348623157e308]),
)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


NESTING_DEPTHS = st.sampled_from([1, 2, 10, 100, 300, 480, 500, 900, 990, 1000, 5000, 10_000])


@st.composite
def nested(draw: st.DrawFn) -> bytes:
    """Arrays, objects or both, nested up to 10,000 deep, as JSON text."""
    depth = draw(NESTING_DEPTHS)
    kind = draw(st.sampled_from(["array", "object", "mixed"]))
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b'[{"a":' * (depth // 2) + b"null" + b"}]" * (depth // 2)


HUGE_STRINGS = st.builds(
    lambda char, size: dumps(char * size),
    st.sampled_from(["x", "\u00e9", "\U0001f600", "\x00", "\\"]),
    st.sampled_from([257, 513, 1025, 32_769, 256_001, 1_000_000]),
)
LITERALS = st.sampled_from(
    [
        b"NaN",
        b"Infinity",
        b"-Infinity",
        b"nan",
        b"inf",
        b"1e999",
        b"-1e999",
        b"1e-999",
        b"-0",
        b"0e0",
        b"1E+2",
        b"01",
        b"1.",
        b".5",
        b"0x10",
        b"1" * 4000,
        b"1" * 5000,
        b"true",
        b"null",
        b"undefined",
    ]
)
ODD_STRINGS = st.sampled_from(
    [
        b'"\\ud800"',  # a lone high surrogate, escaped
        b'"\\udfff"',  # a lone low surrogate, escaped
        b'"\\ud83d\\ude00"',  # a valid pair
        b'"\\udc00\\ud800"',  # a reversed pair
        b'"\xed\xa0\x80"',  # a surrogate encoded as UTF-8 (invalid UTF-8)
        b'"\xff\xfe"',
        b'"\xc3"',  # a truncated sequence
        b'"\xf4\x90\x80\x80"',  # beyond U+10FFFF
        b'"\xc0\xaf"',  # overlong
        b'"\\u0000"',
        b'"\x00"',  # a raw NUL in a string
        b'"\x1f"',  # a raw control character
        b'"\\u202eabc"',
        b'"\\x41"',  # not a JSON escape
        b'"\\u12"',  # a short escape
        b'"unterminated',
    ]
)
HOLES = st.one_of(
    nested(), HUGE_STRINGS, LITERALS, ODD_STRINGS, JSON_VALUES.map(dumps), st.binary(max_size=12)
)
TEMPLATES = st.sampled_from(
    [
        b"%s",
        b'{"model":"m","name":%s}',
        b'{"model":%s}',
        b'{"model":"m","instructions":%s}',
        b'{"model":"m","metadata":{"k":%s}}',
        b'{"model":"m","metadata":{%s:"v"}}',
        b'{%s:"m"}',
        b'{"model":"m","temperature":%s}',
        b'{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"p":%s}}}]}',
        b'{"model":"m","tools":[%s]}',
        b'{"model":"m","tool_resources":{"code_interpreter":{"file_ids":[%s]}}}',
        b'{"model":"m","response_format":{"type":"json_schema","json_schema":'
        b'{"name":"n","schema":{"s":%s}}}}',
        b'{"model":"m","response_format":%s}',
        b'{"model":"m","model":%s}',
        b'{"name":%s}',
    ]
)


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    """Bytes that are rarely a good body: holes in JSON templates, garbage, odd encodings."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:  # a valid body cut short
        text = dumps({"model": "m", "name": draw(TEXT), "metadata": {"k": "v"}})
        return text[: draw(st.integers(0, len(text)))]
    if choice == 2:  # JSON of every type at the top
        return dumps(draw(JSON_VALUES))
    if choice == 3:  # another encoding of a good body
        text = json.dumps({"model": "m", "name": "\u00e9\U0001f600"}, ensure_ascii=False)
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "utf-8-sig"]))
        return text.encode(encoding, errors="replace")
    if choice == 4:
        return draw(st.text(max_size=40)).encode("utf-8", errors="surrogatepass")
    hole = draw(HOLES)
    return draw(TEMPLATES).replace(b"%s", hole, 1)


METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE"]),
    st.sampled_from(["get", "pOsT", "delete", "", " ", "CONNECT", "POST ", "G\u00c9T", "\x00"]),
    st.text(max_size=8),
)
HTTP_METHODS = st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"])
CLAIMED_HOSTS = st.sampled_from(
    [
        HOST,
        HOST.upper(),
        f"{HOST}:443",
        f"{HOST}:8443",
        f"user:pw@{HOST}",
        "other.openai.azure.com",
        "fuzz.cognitiveservices.azure.com",
    ]
)
DIRECT_ONLY_HOSTS = st.one_of(
    st.sampled_from(["", "[::1", "[", "fuzz.openai.azure.com.", "evil.example", "@", ":"]),
    st.text(max_size=12),
)
IDS = st.one_of(
    st.sampled_from(SEEDED_IDS),
    st.sampled_from(
        [
            UNKNOWN_ID,
            "",
            "asst_",
            "asst",
            "ASST_" + "a" * 24,
            "asst_" + "a" * 100_000,
            "asst_%2F..",
            "asst_%2f",
            "%2F",
            "%00",
            "%zz",
            "%",
            "asst_\u00e9\U0001f600",
            "asst_%ED%A0%80",  # an encoded surrogate
            "thread_abc",
            "..",
            ".",
            "asst_x;y",
            "asst_x%3Fapi-version%3D1",
        ]
    ),
    st.text(max_size=16).map(lambda t: quote(t, safe="")),
    st.text(max_size=16),
)
PATHS = st.one_of(
    st.builds(lambda i: f"/openai/assistants/{i}", IDS),
    st.sampled_from(
        [
            "/openai/assistants",
            "/openai/assistants/",
            "//openai/assistants",
            "/openai//assistants",
            "/openai/assistants//",
            "/openai/./assistants",
            "/openai/assistants/../assistants",
            "/openai/x/../assistants",
            "/openai/assistants/.",
            "/openai/assistant%73",
            "/openai%2Fassistants",
            "/OPENAI/ASSISTANTS",
            "/openai/assistants%00",
            "/openai/deployments/d/assistants",
            "/openai/v1/assistants",
            "/openai/threads",
            "/openai",
            "/",
            "",
            "/openai/assistants;x=1",
            "/openai/assistants#frag",
            "/openai/assistants?",
        ]
    ),
    st.builds(lambda i, j: f"/openai/assistants/{i}/{j}", IDS, st.sampled_from(["files", "x", ""])),
)
QUERY_KEYS = st.one_of(
    st.sampled_from(["api-version", "api-version", "limit", "order", "after", "before"]),
    st.sampled_from(["API-VERSION", "api-version ", "api_version", "include[]", "", "&", "="]),
    st.text(max_size=6),
)
QUERY_VALUES = st.one_of(
    st.sampled_from([API_VERSION, "2024-02-15-preview", "2025-04-01-preview", "2024-10-21"]),
    st.sampled_from(["", "2099-01-01", " 2024-05-01-preview", "2024-05-01-PREVIEW"]),
    st.sampled_from(["0", "1", "20", "100", "101", "-1", "1.5", "1e2", " 5", "+5", "9" * 40]),
    st.sampled_from(["\u0663", "\uff11", "1_0", "0x10", "asc", "desc", "ASC", "random"]),
    st.sampled_from(SEEDED_IDS),
    st.integers().map(str),
    st.text(max_size=10),
)


@st.composite
def queries(draw: st.DrawFn) -> str | None:
    """A query string: often with the api-version, with repeated and odd keys and values."""
    pairs = draw(st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=6))
    if draw(st.booleans()):
        pairs.insert(draw(st.integers(0, len(pairs))), ("api-version", API_VERSION))
    style = draw(st.sampled_from(["encoded", "raw", "none", "garbage"]))
    if style == "none":
        return None
    if style == "raw":
        return "&".join(f"{k}={v}" for k, v in pairs)
    if style == "garbage":
        return draw(st.sampled_from(["", "&&", "=", "a=%zz", "api-version", "%", ";"])) + (
            "&" + urlencode(pairs) if pairs else ""
        )
    return urlencode(pairs)


@st.composite
def header_sets(draw: st.DrawFn) -> dict[str, str]:
    """Credentials present, missing, empty or wrong; content types of every kind; extras."""
    headers: dict[str, str] = {}
    key = draw(st.sampled_from([KEY, KEY, None, "", "wrong", f" {KEY}", KEY.upper(), "\u00e9"]))
    if key is not None:
        headers[draw(st.sampled_from(["api-key", "Api-Key", "API-KEY"]))] = key
    bearer = draw(
        st.sampled_from(
            [
                None,
                None,
                "Bearer ",
                "Bearer",
                f"Bearer {TOKEN}",
                f"bearer  {TOKEN} ",
                "Bearer token",
                "bearer   ",
                "Basic abc",
                "BEARER t",
            ]
        )
    )
    if bearer is not None:
        headers["authorization"] = bearer
    content_type = draw(
        st.sampled_from(
            [
                None,
                "application/json",
                "application/json; charset=utf-8",
                "application/json; charset=utf-16",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "",
                "*/*",
                "application/jsonx",
            ]
        )
    )
    if content_type is not None:
        headers["content-type"] = content_type
    extras = draw(st.dictionaries(st.sampled_from(["x-ms-client", "openai-beta", "accept"]), TEXT))
    headers.update(extras)
    return headers


# --- valid-ish bodies: the real field names, values anywhere from right to wrong ----------

FUNCTION_NAMES = st.one_of(st.from_regex(r"[a-zA-Z0-9_-]{1,64}", fullmatch=True), TEXT)
FUNCTIONS = st.fixed_dictionaries(
    {"name": FUNCTION_NAMES},
    optional={
        "description": st.one_of(st.text(max_size=30), JSON_VALUES),
        "parameters": st.one_of(st.dictionaries(TEXT, JSON_VALUES, max_size=3), JSON_VALUES),
        "strict": st.one_of(st.booleans(), st.none(), JSON_VALUES),
        "extra": JSON_VALUES,
    },
)
TOOLS = st.one_of(
    st.sampled_from([{"type": "code_interpreter"}, {"type": "file_search"}, {"type": "retrieval"}]),
    st.fixed_dictionaries(
        {"type": st.just("function")}, optional={"function": st.one_of(FUNCTIONS, JSON_VALUES)}
    ),
    st.fixed_dictionaries(
        {"type": st.just("file_search")},
        optional={"file_search": st.fixed_dictionaries({}, optional={"max_num_results": NUMBERS})},
    ),
    st.dictionaries(st.sampled_from(["type", "function", "x"]), JSON_VALUES, max_size=3),
    JSON_VALUES,
)
ID_LISTS = st.one_of(st.lists(st.text(max_size=8), max_size=22), JSON_VALUES)
TOOL_RESOURCES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "code_interpreter": st.one_of(
                st.none(), st.fixed_dictionaries({}, optional={"file_ids": ID_LISTS})
            ),
            "file_search": st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {},
                    optional={
                        "vector_store_ids": ID_LISTS,
                        "vector_stores": st.one_of(
                            st.lists(
                                st.fixed_dictionaries(
                                    {},
                                    optional={
                                        "file_ids": ID_LISTS,
                                        "metadata": JSON_VALUES,
                                        "chunking_strategy": JSON_VALUES,
                                    },
                                ),
                                max_size=2,
                            ),
                            JSON_VALUES,
                        ),
                    },
                ),
            ),
            "function": JSON_VALUES,
        },
    ),
    JSON_VALUES,
)
METADATA = st.one_of(
    st.none(),
    st.dictionaries(
        st.one_of(st.text(max_size=8), st.sampled_from(["k" * 64, "k" * 65])),
        st.one_of(st.text(max_size=8), st.sampled_from(["v" * 512, "v" * 513])),
        max_size=18,
    ),
    st.dictionaries(TEXT, JSON_VALUES, max_size=3),
    JSON_VALUES,
)
UNIT_NUMBERS = st.one_of(
    st.none(),
    st.floats(min_value=-0.5, max_value=2.5, allow_nan=False),
    st.integers(-1, 3),
    JSON_VALUES,
)
RESPONSE_FORMATS = st.one_of(
    st.none(),
    st.sampled_from(["auto", "none", "text", "json_object", "", "AUTO"]),
    st.sampled_from(
        [{"type": "text"}, {"type": "json_object"}, {"type": "json_schema"}, {}, {"type": None}]
    ),
    st.fixed_dictionaries(
        {"type": st.just("json_schema")},
        optional={
            "json_schema": st.fixed_dictionaries(
                {"name": FUNCTION_NAMES},
                optional={"schema": JSON_VALUES, "strict": JSON_VALUES, "description": TEXT},
            )
        },
    ),
    JSON_VALUES,
)
LONG_STRINGS = st.builds(
    lambda char, size: char * size,
    st.sampled_from(["x", "\U0001f600"]),
    st.sampled_from([256, 257, 512, 513, 32_768, 32_769, 256_000, 256_001]),
)
STRINGS_OR_NOT = st.one_of(st.none(), st.text(max_size=30), LONG_STRINGS, JSON_VALUES)
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "model": st.one_of(st.sampled_from(["gpt-4o", "m", ""]), st.text(max_size=10), JSON_VALUES),
    "name": STRINGS_OR_NOT,
    "description": STRINGS_OR_NOT,
    "instructions": STRINGS_OR_NOT,
    "tools": st.one_of(st.lists(TOOLS, max_size=4), st.just([{"type": "code_interpreter"}] * 129)),
    "tool_resources": TOOL_RESOURCES,
    "metadata": METADATA,
    "temperature": UNIT_NUMBERS,
    "top_p": UNIT_NUMBERS,
    "response_format": RESPONSE_FORMATS,
    "file_ids": ID_LISTS,  # v1 only
}
UNKNOWN_FIELDS = st.sampled_from(["stream", "Model", "", "assistant_id", "tools ", "id", "object"])


@st.composite
def validish_bodies(draw: st.DrawFn, with_model: bool) -> dict[str, Any]:
    body = draw(st.fixed_dictionaries({}, optional=FIELDS))
    if with_model and draw(st.integers(0, 4)) > 0:
        body.setdefault("model", "gpt-4o")
    if draw(st.integers(0, 9)) == 0:
        body[draw(UNKNOWN_FIELDS)] = draw(JSON_VALUES)
    return body


VALIDISH_VERSIONS = st.sampled_from(
    [API_VERSION, API_VERSION, API_VERSION, "2025-04-01-preview", "2024-02-15-preview"]
)


def check_reflects_if_v2(version: str, body: dict[str, Any], shown: Any, previous: Any) -> None:
    if version not in V1_VERSIONS:
        check_reflects(body, shown, previous)


# --- the fuzz tests ---------------------------------------------------------------------------


@fuzz_settings(700)
@given(
    via=st.sampled_from(TRANSPORTS),
    target=st.sampled_from(["create", "modify", "modify-unknown", "list", "delete"]),
    headers=st.sampled_from([JSON_HEADERS, {"api-key": KEY}, {"api-key": KEY, "x": "y"}]),
    body=hostile_bodies(),
)
def test_hostile_bodies(via: str, target: str, headers: dict[str, str], body: bytes) -> None:
    """Garbage, bad JSON, odd encodings, NaN/Infinity, deep nesting and huge strings."""
    fake = new_fake()
    method, path = {
        "create": ("POST", "/assistants"),
        "modify": ("POST", f"/assistants/{SEEDED_IDS[1]}"),
        "modify-unknown": ("POST", f"/assistants/{UNKNOWN_ID}"),
        "list": ("GET", "/assistants"),
        "delete": ("DELETE", f"/assistants/{SEEDED_IDS[0]}"),
    }[target]
    run(fake, via, method, url(path), headers, body)


@st.composite
def hostile_urls(draw: st.DrawFn, via: str) -> str:
    hosts = CLAIMED_HOSTS if via != "direct" else st.one_of(CLAIMED_HOSTS, DIRECT_ONLY_HOSTS)
    host = draw(hosts)
    scheme = draw(
        st.sampled_from(
            ["https", "https", "http"] if via != "direct" else ["https", "http", "", "HTTPS", "ftp"]
        )
    )
    query = draw(queries())
    tail = draw(st.sampled_from(["", "", "#frag", "#"]))
    return f"{scheme}://{host}{draw(PATHS)}" + ("" if query is None else f"?{query}") + tail


@fuzz_settings(650)
@given(data=st.data())
def test_hostile_urls(data: st.DataObject) -> None:
    """Odd methods, path tricks (`..`, `%2F`, `//`, long, unicode and empty ids), repeated
    and odd query keys and values, hosts with ports, user info and capitals."""
    fake = new_fake()
    via = data.draw(st.sampled_from(TRANSPORTS), label="via")
    method = data.draw(METHODS if via == "direct" else HTTP_METHODS, label="method")
    target = data.draw(hostile_urls(via), label="url")
    headers = data.draw(st.sampled_from([JSON_HEADERS, {"api-key": KEY}]), label="headers")
    body = data.draw(st.sampled_from([b"", b'{"model":"m"}', b'{"name":"n"}', b"{"]), label="body")
    run(fake, via, method, target, headers, body)


@fuzz_settings(400)
@given(
    via=st.sampled_from(TRANSPORTS),
    options=OPTIONS,
    headers=header_sets(),
    method=st.sampled_from(["POST", "GET"]),
    path=st.sampled_from(["/assistants", f"/assistants/{SEEDED_IDS[2]}"]),
)
def test_hostile_headers(
    via: str, options: dict[str, Any], headers: dict[str, str], method: str, path: str
) -> None:
    """No key, an empty or wrong key, Bearer with an empty token, odd content types."""
    fake = new_fake(**options)
    body = b'{"model":"gpt-4o","name":"h"}' if method == "POST" else b""
    exchange, _ = run(fake, via, method, url(path), headers, body)
    if not credentials_ok(exchange.request.headers, options.get("ad_token")):
        assert exchange.status == 401, exchange.describe()


@fuzz_settings(260)
@given(
    via=st.sampled_from(TRANSPORTS),
    options=OPTIONS,
    version=VALIDISH_VERSIONS,
    body=validish_bodies(with_model=True),
)
def test_validish_create_bodies(
    via: str, options: dict[str, Any], version: str, body: dict[str, Any]
) -> None:
    """The real field names with values from right to wildly wrong."""
    fake = new_fake(**options)
    raw = dumps(body)
    exchange, payload = run(
        fake, via, "POST", url(query=f"api-version={version}"), JSON_HEADERS, raw
    )
    if exchange.status == 200:
        check_reflects_if_v2(version, body, payload, None)


@fuzz_settings(200)
@given(
    via=st.sampled_from(TRANSPORTS),
    version=VALIDISH_VERSIONS,
    index=st.integers(0, len(SEEDED_IDS) - 1),
    body=validish_bodies(with_model=False),
)
def test_validish_modify_bodies(via: str, version: str, index: int, body: dict[str, Any]) -> None:
    fake = new_fake()
    assistant_id = SEEDED_IDS[index]
    previous = stored(fake, HOST, assistant_id)
    target = url(f"/assistants/{assistant_id}", f"api-version={version}")
    exchange, payload = run(fake, via, "POST", target, JSON_HEADERS, dumps(body))
    if exchange.status == 200:
        check_reflects_if_v2(version, body, payload, previous)


OPERATIONS = st.one_of(
    st.tuples(st.just("create"), validish_bodies(with_model=True)),
    st.tuples(st.just("modify"), st.integers(0, 8), validish_bodies(with_model=False)),
    st.tuples(st.just("retrieve"), st.integers(0, 8)),
    st.tuples(st.just("delete"), st.integers(0, 8)),
    st.tuples(st.just("list"), queries()),
    st.tuples(st.just("raw"), hostile_bodies()),
)


@fuzz_settings(130)
@given(
    via=st.sampled_from(TRANSPORTS),
    options=OPTIONS,
    operations=st.lists(OPERATIONS, max_size=8),
)
def test_operation_sequences(
    via: str, options: dict[str, Any], operations: list[tuple[Any, ...]]
) -> None:
    """Mixed good and bad requests on one store: each error leaves it as it was, and the
    stored ids follow a plain model (a 200 create adds one, a 200 delete removes one)."""
    fake = new_fake(**options)
    known = list(SEEDED_IDS)
    model = set(SEEDED_IDS)

    def pick(index: int) -> str:
        return known[index] if index < len(known) else UNKNOWN_ID

    for operation in operations:
        kind = operation[0]
        if kind == "create":
            exchange, payload = run(fake, via, "POST", url(), JSON_HEADERS, dumps(operation[1]))
            if exchange.status == 200:
                known.append(payload["id"])
                model.add(payload["id"])
                check_reflects(operation[1], payload)
        elif kind == "modify":
            assistant_id, body = pick(operation[1]), operation[2]
            previous = stored(fake, HOST, assistant_id)
            target = url(f"/assistants/{assistant_id}")
            exchange, payload = run(fake, via, "POST", target, JSON_HEADERS, dumps(body))
            if exchange.status == 200:
                check_reflects(body, payload, previous)
        elif kind == "retrieve":
            run(fake, via, "GET", url(f"/assistants/{pick(operation[1])}"), JSON_HEADERS)
        elif kind == "delete":
            assistant_id = pick(operation[1])
            exchange, _ = run(fake, via, "DELETE", url(f"/assistants/{assistant_id}"), JSON_HEADERS)
            if exchange.status == 200:
                model.discard(assistant_id)
        elif kind == "list":
            query = operation[1]
            target = f"{BASE}/assistants" + ("" if query is None else f"?{query}")
            run(fake, via, "GET", target, JSON_HEADERS)
        else:
            exchange, payload = run(fake, via, "POST", url(), JSON_HEADERS, operation[1])
            if exchange.status == 200:
                known.append(payload["id"])
                model.add(payload["id"])
        assert stored_ids(fake).get(HOST, set()) == model


# --- through the openai SDK: only models or APIStatusError (4xx) may come out ----------------

_sdk_clients: list[Any] = []


def sdk_client() -> Any:
    """One AzureOpenAI client (httpx with openai 2.x, httpx2 with 3.x), no retries."""
    if not _sdk_clients:
        import openai

        _sdk_clients.append(
            openai.AzureOpenAI(
                azure_endpoint=f"https://{HOST}",
                api_key=KEY,
                api_version=API_VERSION,
                max_retries=0,
            )
        )
    return _sdk_clients[0]


def through_sdk(fake: FakeAssistants, action: Any) -> Any:
    """Runs one SDK call with the fake active and checks every request it made.

    Returns the SDK's result, or the `openai.APIStatusError` it raised (a 4xx);
    any other exception fails the test.
    """
    import openai

    before, before_ids = snapshot(fake), every_id(fake)
    calls = len(fake.calls)
    with fake:
        try:
            result = action()
        except openai.APIStatusError as error:
            result = error
        except Exception as error:
            last = fake.calls[-1].request if len(fake.calls) > calls else None
            raise AssertionError(
                f"the SDK raised {error!r}; last request: {last!r:.600}"
            ) from error
    for call in fake.calls[calls:]:
        response = call.response
        exchange = Exchange(
            call.request, "openai-sdk", response.status, dict(response.headers), response.body
        )
        SESSION.tally.count(SESSION.test, exchange)
        check(fake, exchange, before, before_ids)
    if isinstance(result, openai.APIStatusError):
        assert 400 <= result.status_code < 500, result
    return result


SDK_OPERATIONS = st.one_of(
    st.tuples(st.just("create"), validish_bodies(with_model=True)),
    st.tuples(st.just("modify"), st.integers(0, 8), validish_bodies(with_model=False)),
    st.tuples(st.just("retrieve"), st.integers(0, 8)),
    st.tuples(st.just("delete"), st.integers(0, 8)),
    st.tuples(
        st.just("list"),
        st.one_of(st.none(), st.integers(-2, 120)),
        st.sampled_from(["asc", "desc", "sideways"]),
    ),
)


@fuzz_settings(100)
@given(operations=st.lists(SDK_OPERATIONS, min_size=1, max_size=6))
def test_openai_sdk_sees_models_or_api_errors(operations: list[tuple[Any, ...]]) -> None:
    """The SDK user's view: every call returns a model or raises a 4xx APIStatusError,
    auto-pagination included."""
    from openai.types.beta import Assistant as AssistantModel

    fake = new_fake()
    sdk = sdk_client()
    known = list(SEEDED_IDS)

    def pick(index: int) -> str:
        return known[index] if index < len(known) else UNKNOWN_ID

    for operation in operations:
        kind = operation[0]
        if kind == "create":
            body = operation[1]
            result = through_sdk(
                fake, lambda b=body: sdk.post("/assistants", cast_to=AssistantModel, body=b)
            )
            if isinstance(result, AssistantModel):
                known.append(result.id)
        elif kind == "modify":
            path, body = f"/assistants/{pick(operation[1])}", operation[2]
            through_sdk(fake, lambda p=path, b=body: sdk.post(p, cast_to=AssistantModel, body=b))
        elif kind == "retrieve":
            path = f"/assistants/{pick(operation[1])}"
            through_sdk(fake, lambda p=path: sdk.get(p, cast_to=AssistantModel))
        elif kind == "delete":
            path = f"/assistants/{pick(operation[1])}"
            through_sdk(fake, lambda p=path: sdk.delete(p, cast_to=AssistantDeleted))
        else:
            _, limit, order = operation
            params = {"order": order} if limit is None else {"order": order, "limit": limit}

            def every_page(params: dict[str, Any] = params) -> list[str]:
                pages = sdk.beta.assistants.list(**params)
                return [a.id for a in itertools.islice(pages, 1000)]

            result = through_sdk(fake, every_page)
            if isinstance(result, list):
                assert sorted(result) == sorted(stored_ids(fake).get(HOST, set()))


# --- the findings, pinned: each once, with the smallest request that shows it -------------


@pytest.mark.parametrize("via", TRANSPORTS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"model":"m","name":"\\ud800"}', id="lone-surrogate-escape-in-value"),
        pytest.param(b'{"model":"m","\\udfff":1}', id="lone-surrogate-escape-in-key"),
        pytest.param(b'{"model":"m","name":"\xed\xa0\x80"}', id="utf8-encoded-surrogate"),
        pytest.param(b'{"model":"\\ud800"}', id="lone-surrogate-model"),
        pytest.param(b'{"model":"m","metadata":{"\\ud800":"v"}}', id="lone-surrogate-metadata-key"),
    ],
)
def test_lone_surrogates(via: str, body: bytes) -> None:
    """JSON may escape a lone surrogate; the answer must still be UTF-8 (the real service,
    like any strict JSON parser, rejects it as invalid JSON)."""
    run(new_fake(), via, "POST", url(), JSON_HEADERS, body)


@pytest.mark.parametrize("via", TRANSPORTS)
@pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"1e309"])
@pytest.mark.parametrize(
    "template",
    [
        b'{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"x":%s}}}]}',
        b'{"model":"m","response_format":{"type":"json_schema","json_schema":'
        b'{"name":"n","schema":{"x":%s}}}}',
        b'{"model":"m","temperature":%s}',
    ],
    ids=["function-parameters", "json-schema", "temperature"],
)
def test_overflowing_numbers(via: str, number: bytes, template: bytes) -> None:
    """`1e999` is valid JSON syntax but no finite double: it must not come back as Infinity."""
    body = template.replace(b"%s", number)
    version = "2025-04-01-preview"  # json_schema response formats exist from 2025-01-01
    run(new_fake(), via, "POST", url(query=f"api-version={version}"), JSON_HEADERS, body)


@pytest.mark.parametrize("via", TRANSPORTS)
@pytest.mark.parametrize("depth", [100, 480, 500, 900])
def test_deeply_nested_assistant_stays_usable(via: str, depth: int) -> None:
    """An assistant created with deep `parameters` can be modified, read, listed, deleted."""
    fake = new_fake()
    nest = b"[" * depth + b"]" * depth
    body = (
        b'{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"p":%s}}}]}'
    )
    exchange, payload = run(fake, via, "POST", url(), JSON_HEADERS, body.replace(b"%s", nest))
    if exchange.status != 200:
        return  # too deep to take: a 400 is a fine answer
    target = url(f"/assistants/{payload['id']}")
    run(fake, via, "POST", target, JSON_HEADERS, b'{"name":"renamed"}')
    run(fake, via, "GET", target, JSON_HEADERS)
    run(fake, via, "GET", url(), JSON_HEADERS)
    run(fake, via, "DELETE", target, JSON_HEADERS)


def test_direct_api_reads_what_http_stored() -> None:
    """What the service took over HTTP, the fake's own API (`fake.assistants`) can read,
    change and list, nested as deep as it takes (a deep copy per level must not recurse out)."""
    fake = new_fake()
    nest = b"[" * 123 + b"]" * 123  # 5 levels of body around it: 128, the deepest taken
    body = (
        b'{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"p":%s}}}]}'
    )
    exchange, payload = run(fake, "direct", "POST", url(), JSON_HEADERS, body.replace(b"%s", nest))
    assert exchange.status == 200, exchange.describe()
    assert len(fake.assistants.list()) == len(SEEDED_IDS) + 1
    assert fake.assistants.retrieve(payload["id"])["id"] == payload["id"]
    assert fake.assistants.update(payload["id"], name="renamed")["name"] == "renamed"


@pytest.mark.parametrize(
    "target",
    [
        "https://[fuzz.openai.azure.com/openai/assistants?api-version=2024-05-01-preview",
        "https://[::1/openai/assistants?api-version=2024-05-01-preview",
        f"{BASE}/assistants?api-version=2024-05-01-preview&after=asst_\ud800",
        f"{BASE}/assistants/asst_\udc00?api-version=2024-05-01-preview",
    ],
    ids=["bracket-host", "unclosed-ipv6", "surrogate-in-query", "surrogate-in-path"],
)
def test_direct_urls_no_http_library_would_send(target: str) -> None:
    """`Service.handle` promises an answer for any Request, even one httpx would refuse."""
    run(new_fake(), "direct", "GET", target, JSON_HEADERS)


def test_transports_present() -> None:
    """httpx is always there (a dependency); httpx2 with openai 3.x."""
    assert "httpx" in HTTP_MODULES
    major = int(importlib.import_module("openai").__version__.split(".")[0])
    if major >= 3:
        assert "httpx2" in HTTP_MODULES
