"""Never a crash, for threads, messages, runs and run steps: hostile bodies, query strings
and ids, straight to `Service.handle`, through httpx/httpx2 and through the openai SDK.

Every request must pass the invariants of `test_fuzz_requests.py` (`run()` checks them):
no 5xx, a strict JSON body in a real envelope or a well-formed `text/event-stream` for a
`stream: true` success, SDK models for every success (list items and stream events
included), and every store unchanged after any error. Each example starts from the same
small world (`new_world()`): a thread with a completed run, one waiting for tool outputs,
one with a queued run nobody has looked at yet, and an empty one.
"""

from __future__ import annotations

import inspect
import itertools
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_requests import (
    API_VERSION,
    BASE,
    HOST,
    JSON_HEADERS,
    JSON_VALUES,
    KEY,
    LONG_STRINGS,
    METADATA,
    NUMBERS,
    ODD_TEXT,
    OPTIONS,
    QUERY_VALUES,
    RESPONSE_FORMATS,
    SEED_FILE_ID,
    SEEDED_IDS,
    TEXT,
    TOOL_RESOURCES,
    TOOLS,
    TRANSPORTS,
    UNKNOWN_ID,
    VALIDISH_VERSIONS,
    dumps,
    every_id,
    fuzz_settings,
    fuzz_tally,  # noqa: F401  (the fixture that counts requests)
    hostile_bodies,
    new_fake,
    run,
    through_sdk,
)

from fake_assistants import FakeAssistants

# --- the world every example starts from -----------------------------------------------------


@dataclass(frozen=True)
class World:
    """The ids of `new_world()`: the same in every example (ids are seeded)."""

    done: str  # a thread whose run completed
    waiting: str  # a thread whose run waits for tool outputs
    queued: str  # a thread whose run was never observed
    empty: str  # a thread with no messages and no runs
    messages: tuple[str, ...]  # of `done`, oldest first
    done_run: str
    waiting_run: str
    queued_run: str
    step: str  # of `done_run`
    call: str  # the tool call `waiting_run` waits on


def new_world(**options: Any) -> FakeAssistants:
    """`new_fake()` and four threads (see `World`), made through the direct API."""
    fake = new_fake(**options)
    done = fake.threads.create(
        messages=[
            {"role": "user", "content": "hi", "metadata": {"k": "v"}},
            {"role": "assistant", "content": [{"type": "text", "text": "yo"}]},
        ],
        metadata={"team": "fuzz"},
        tool_resources={"code_interpreter": {"file_ids": [SEED_FILE_ID]}},
    )["id"]
    runs = fake.threads[done].runs
    runs.retrieve(runs.create(assistant_id=SEEDED_IDS[0])["id"])  # observed: it completes
    waiting = fake.threads.create(messages=[{"role": "user", "content": "call f"}])["id"]
    forced = {"type": "function", "function": {"name": "f"}}
    runs = fake.threads[waiting].runs
    runs.retrieve(runs.create(assistant_id=SEEDED_IDS[1], tool_choice=forced)["id"])
    queued = fake.threads.create(messages=[{"role": "user", "content": "wait"}])["id"]
    fake.threads[queued].runs.create(assistant_id=SEEDED_IDS[2])
    fake.threads.create()
    return fake


def _world_ids() -> World:
    fake = new_world()
    done, waiting, queued, empty = (t["id"] for t in fake.threads.list())
    run_of = {t: fake.threads[t].runs.list()[0] for t in (done, waiting, queued)}
    steps = fake.threads[done].runs[run_of[done]["id"]].steps.list()
    action = run_of[waiting]["required_action"]["submit_tool_outputs"]["tool_calls"]
    return World(
        done=done,
        waiting=waiting,
        queued=queued,
        empty=empty,
        messages=tuple(m["id"] for m in fake.threads[done].messages.list()),
        done_run=run_of[done]["id"],
        waiting_run=run_of[waiting]["id"],
        queued_run=run_of[queued]["id"],
        step=steps[0]["id"],
        call=action[0]["id"],
    )


W = _world_ids()
THREADS = (W.done, W.waiting, W.queued, W.empty)
RUNS = {W.done: W.done_run, W.waiting: W.waiting_run, W.queued: W.queued_run}
WORLD_IDS = (*THREADS, *W.messages, *RUNS.values(), W.step, W.call, *SEEDED_IDS)


def url(path: str, query: str | None = f"api-version={API_VERSION}") -> str:
    return f"{BASE}{path}" + ("" if query is None else f"?{query}")


def thread_ids() -> list[str]:
    return [record["id"] for record in new_world().threads.list()]


def stored_threads(fake: FakeAssistants) -> set[str]:
    resource = fake.service.resources.get(HOST)
    return set() if resource is None else {t["id"] for t in resource.store("threads")}


# --- the endpoints, aimed at the world ---------------------------------------------------------

RUN = f"/threads/{W.done}/runs/{W.done_run}"
TARGETS: dict[str, tuple[str, str]] = {
    "thread-create": ("POST", "/threads"),
    "thread-retrieve": ("GET", f"/threads/{W.done}"),
    "thread-modify": ("POST", f"/threads/{W.done}"),
    "thread-delete": ("DELETE", f"/threads/{W.done}"),
    "message-create": ("POST", f"/threads/{W.done}/messages"),
    "message-create-while-running": ("POST", f"/threads/{W.queued}/messages"),
    "message-list": ("GET", f"/threads/{W.done}/messages"),
    "message-retrieve": ("GET", f"/threads/{W.done}/messages/{W.messages[-1]}"),
    "message-modify": ("POST", f"/threads/{W.done}/messages/{W.messages[0]}"),
    "message-delete": ("DELETE", f"/threads/{W.done}/messages/{W.messages[-1]}"),
    "run-create": ("POST", f"/threads/{W.done}/runs"),
    "run-create-while-running": ("POST", f"/threads/{W.waiting}/runs"),
    "thread-and-run": ("POST", "/threads/runs"),
    "run-list": ("GET", f"/threads/{W.done}/runs"),
    "run-retrieve": ("GET", RUN),
    "run-retrieve-queued": ("GET", f"/threads/{W.queued}/runs/{W.queued_run}"),
    "run-modify": ("POST", RUN),
    "run-cancel": ("POST", f"/threads/{W.queued}/runs/{W.queued_run}/cancel"),
    "run-cancel-done": ("POST", f"{RUN}/cancel"),
    "submit": ("POST", f"/threads/{W.waiting}/runs/{W.waiting_run}/submit_tool_outputs"),
    "submit-done": ("POST", f"{RUN}/submit_tool_outputs"),
    "step-list": ("GET", f"{RUN}/steps"),
    "step-list-queued": ("GET", f"/threads/{W.queued}/runs/{W.queued_run}/steps"),
    "step-retrieve": ("GET", f"{RUN}/steps/{W.step}"),
}
POSTS = sorted(name for name, (method, _) in TARGETS.items() if method == "POST")
GETS = sorted(name for name, (method, _) in TARGETS.items() if method == "GET")

# --- strategies: hostile bytes, valid-ish bodies --------------------------------------------------

CONVERSATION_TEMPLATES = st.sampled_from(
    [
        b'{"messages":[%s]}',
        b'{"messages":[{"role":"user","content":%s}]}',
        b'{"messages":[{"role":%s,"content":"x"}]}',
        b'{"metadata":%s}',
        b'{"tool_resources":%s}',
        b'{"role":"user","content":%s}',
        b'{"role":"user","content":[%s]}',
        b'{"role":"user","content":[{"type":"image_url","image_url":%s}]}',
        b'{"role":"user","content":"x","attachments":[%s]}',
        b'{"assistant_id":%s}',
        b'{"assistant_id":"' + SEEDED_IDS[0].encode() + b'","stream":%s}',
        b'{"assistant_id":"' + SEEDED_IDS[0].encode() + b'","additional_messages":[%s]}',
        b'{"assistant_id":"' + SEEDED_IDS[1].encode() + b'","thread":%s}',
        b'{"assistant_id":"' + SEEDED_IDS[1].encode() + b'","tool_choice":%s}',
        b'{"tool_outputs":[%s]}',
        b'{"tool_outputs":[{"tool_call_id":"' + W.call.encode() + b'","output":%s}]}',
    ]
)


@st.composite
def conversation_bodies(draw: st.DrawFn) -> bytes:
    """A hole in a conversation template, or any of the assistants file's hostile bodies."""
    if draw(st.booleans()):
        return draw(hostile_bodies())
    hole = draw(st.one_of(JSON_VALUES.map(dumps), hostile_bodies()))
    return draw(CONVERSATION_TEMPLATES).replace(b"%s", hole, 1)


ROLES = st.one_of(st.sampled_from(["user", "assistant", "system", "human", "USER", ""]), TEXT)
DETAILS = st.one_of(st.sampled_from(["auto", "low", "high", "max"]), JSON_VALUES)
PARTS = st.one_of(
    st.fixed_dictionaries({"type": st.just("text")}, optional={"text": st.one_of(TEXT, NUMBERS)}),
    st.fixed_dictionaries(
        {"type": st.just("image_url")},
        optional={
            "image_url": st.fixed_dictionaries(
                {}, optional={"url": st.one_of(TEXT, st.just("https://x/a.png")), "detail": DETAILS}
            )
        },
    ),
    st.fixed_dictionaries(
        {"type": st.just("image_file")},
        optional={
            "image_file": st.fixed_dictionaries(
                {}, optional={"file_id": st.one_of(TEXT, JSON_VALUES), "detail": DETAILS}
            )
        },
    ),
    st.dictionaries(st.sampled_from(["type", "text", "refusal", "x"]), JSON_VALUES, max_size=3),
)
CONTENTS = st.one_of(
    st.text(max_size=20),
    ODD_TEXT,
    LONG_STRINGS,
    st.just("c" * 256_001),
    st.lists(PARTS, max_size=3),
    JSON_VALUES,
)
ATTACHMENTS = st.one_of(
    st.none(),
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "file_id": st.one_of(st.just(SEED_FILE_ID), TEXT, JSON_VALUES),
                "tools": st.one_of(
                    st.lists(
                        st.sampled_from(
                            [{"type": "code_interpreter"}, {"type": "file_search"}, {"type": "x"}]
                        ),
                        max_size=2,
                    ),
                    JSON_VALUES,
                ),
            },
        ),
        max_size=2,
    ),
    JSON_VALUES,
)
MESSAGE = st.fixed_dictionaries(
    {"role": ROLES, "content": CONTENTS},
    optional={
        "attachments": ATTACHMENTS,
        "metadata": METADATA,
        "file_ids": st.lists(st.text(max_size=6), max_size=3),  # v1 only
        "assistant_id": JSON_VALUES,  # not a message field
    },
)
GOOD_MESSAGE = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": st.text(min_size=1, max_size=9)}
)
MESSAGES = st.one_of(st.lists(st.one_of(GOOD_MESSAGE, MESSAGE), max_size=3), JSON_VALUES)
THREAD = st.fixed_dictionaries(
    {}, optional={"messages": MESSAGES, "metadata": METADATA, "tool_resources": TOOL_RESOURCES}
)
ASSISTANT_IDS = st.one_of(
    st.sampled_from(SEEDED_IDS), st.sampled_from([UNKNOWN_ID, "x", "", W.done]), JSON_VALUES
)
TOKENS = st.one_of(st.none(), st.sampled_from([1, 255, 256, 10_000]), NUMBERS, JSON_VALUES)
TOOL_CHOICES = st.one_of(
    st.sampled_from(["none", "auto", "required", "any", None]),
    st.sampled_from(
        [
            {"type": "function", "function": {"name": "f"}},
            {"type": "function", "function": {"name": "missing"}},
            {"type": "function"},
            {"type": "code_interpreter"},
            {"type": "file_search"},
            {"type": "x"},
        ]
    ),
    JSON_VALUES,
)
RUN_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "model": st.one_of(st.sampled_from(["gpt-4o", "", None]), JSON_VALUES),
    "instructions": st.one_of(st.none(), st.text(max_size=10), LONG_STRINGS, JSON_VALUES),
    "additional_instructions": st.one_of(st.none(), st.text(max_size=10), JSON_VALUES),
    "additional_messages": st.one_of(st.none(), MESSAGES),
    "tools": st.one_of(
        st.none(), st.lists(TOOLS, max_size=3), st.just([{"type": "file_search"}] * 21)
    ),
    "metadata": METADATA,
    "temperature": st.one_of(st.none(), st.floats(-1, 3), JSON_VALUES),
    "top_p": st.one_of(st.none(), st.floats(-1, 2), JSON_VALUES),
    "stream": st.one_of(st.booleans(), st.booleans(), st.none(), JSON_VALUES),
    "max_prompt_tokens": TOKENS,
    "max_completion_tokens": TOKENS,
    "truncation_strategy": st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["auto", "last_messages", "x"])},
            optional={"last_messages": st.one_of(st.none(), st.integers(-1, 3), JSON_VALUES)},
        ),
        JSON_VALUES,
    ),
    "tool_choice": TOOL_CHOICES,
    "response_format": RESPONSE_FORMATS,
    "parallel_tool_calls": st.one_of(st.booleans(), JSON_VALUES),
}
TOOL_OUTPUTS = st.one_of(
    st.lists(
        st.fixed_dictionaries(
            {"tool_call_id": st.one_of(st.just(W.call), st.just(W.call), TEXT, JSON_VALUES)},
            optional={"output": st.one_of(st.text(max_size=10), JSON_VALUES)},
        ),
        max_size=3,
    ),
    JSON_VALUES,
)


GOOD_METADATA = st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)
GOOD_PARTS = st.lists(
    st.sampled_from(
        [
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://x/a.png", "detail": "low"}},
            {"type": "image_file", "image_file": {"file_id": SEED_FILE_ID}},
        ]
    ),
    min_size=1,
    max_size=3,
)
GOOD_MESSAGES = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant"]), "content": st.one_of(TEXT, GOOD_PARTS)},
        optional={"metadata": GOOD_METADATA},
    ).filter(lambda m: m["content"] != ""),
    max_size=3,
)
GOOD_RUN_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "stream": st.booleans(),
    "instructions": st.one_of(st.none(), st.text(max_size=10)),
    "additional_messages": GOOD_MESSAGES,
    "metadata": GOOD_METADATA,
    "temperature": st.floats(0, 2),
    "max_completion_tokens": st.sampled_from([256, 1000]),
    "truncation_strategy": st.sampled_from(
        [{"type": "auto"}, {"type": "last_messages", "last_messages": 1}]
    ),
    "tool_choice": st.sampled_from(
        ["none", "auto", "required", {"type": "function", "function": {"name": "f"}}]
    ),
    "response_format": st.sampled_from(["auto", {"type": "json_object"}]),
}


@st.composite
def good_bodies(draw: st.DrawFn, target: str) -> dict[str, Any]:
    """A body `target` should take (or refuse for the state it meets, not for its shape)."""
    if target == "thread-create":
        return draw(st.fixed_dictionaries({"messages": GOOD_MESSAGES, "metadata": GOOD_METADATA}))
    if target.startswith("message-create"):
        return draw(GOOD_MESSAGES.filter(bool))[0]
    if target.startswith("run-create") or target == "thread-and-run":
        body = {"assistant_id": draw(st.sampled_from(SEEDED_IDS))}
        body.update(draw(st.fixed_dictionaries({}, optional=GOOD_RUN_FIELDS)))
        if target == "thread-and-run" and draw(st.booleans()):
            body["thread"] = {"messages": draw(GOOD_MESSAGES)}
        return body
    if target.startswith("submit"):
        outputs = [{"tool_call_id": W.call, "output": draw(st.text(max_size=8))}]
        return {"tool_outputs": outputs, "stream": draw(st.booleans())}
    return {"metadata": draw(GOOD_METADATA)} if draw(st.booleans()) else {}


@st.composite
def validish_bodies(draw: st.DrawFn, target: str) -> dict[str, Any]:
    """The body fields `target` takes, with values from right to wildly wrong (and, now
    and then, a field it does not take); a third of them good (`good_bodies()`)."""
    if draw(st.integers(0, 2)) == 0:
        return draw(good_bodies(target))
    if target in ("thread-create",):
        body = draw(THREAD)
    elif target.startswith("message-create"):
        body = draw(MESSAGE)
    elif target.startswith("run-create") or target == "thread-and-run":
        body = {"assistant_id": draw(ASSISTANT_IDS)} if draw(st.integers(0, 5)) else {}
        body.update(draw(st.fixed_dictionaries({}, optional=RUN_FIELDS)))
        if target == "thread-and-run":
            extra = {"thread": THREAD, "tool_resources": TOOL_RESOURCES}
            body.update(draw(st.fixed_dictionaries({}, optional=extra)))
    elif target.startswith("submit"):
        body = draw(
            st.fixed_dictionaries(
                {"tool_outputs": TOOL_OUTPUTS},
                optional={"stream": st.one_of(st.booleans(), JSON_VALUES)},
            )
        )
    else:  # the modifies (metadata only) and the cancels (no body)
        body = draw(st.fixed_dictionaries({}, optional={"metadata": METADATA}))
    if draw(st.integers(0, 7)) == 0:
        body[draw(st.sampled_from(["content", "role", "thread_id", "id", "object", ""]))] = draw(
            JSON_VALUES
        )
    return body


QUERY_KEYS = st.sampled_from(
    ["limit", "order", "after", "before", "run_id", "include[]", "include", "api-version", "x"]
)
CONVERSATION_QUERY_VALUES = st.one_of(
    QUERY_VALUES,
    st.sampled_from(WORLD_IDS),
    st.sampled_from(
        [
            "step_details.tool_calls[*].file_search.results[*].content",
            "run_" + "Z" * 24,
            "msg_" + "Z" * 24,
            "step_" + "Z" * 24,
            "thread_" + "Z" * 24,
        ]
    ),
)


@st.composite
def queries(draw: st.DrawFn) -> str:
    """The list parameters (`limit`, `order`, `after`, `before`, `run_id`, `include[]`),
    with the world's ids among the values; usually with the api-version."""
    pairs = draw(st.lists(st.tuples(QUERY_KEYS, CONVERSATION_QUERY_VALUES), max_size=5))
    if draw(st.integers(0, 5)):
        pairs.insert(draw(st.integers(0, len(pairs))), ("api-version", API_VERSION))
    return urlencode(pairs) if draw(st.integers(0, 3)) else "&".join(f"{k}={v}" for k, v in pairs)


ODD_IDS = st.one_of(
    st.sampled_from(WORLD_IDS),
    st.sampled_from(
        [
            "",
            "thread",
            "thread_",
            "msg",
            "run",
            "step",
            "x",
            "thread_" + "Z" * 24,
            "msg_" + "Z" * 24,
            "run_" + "Z" * 24,
            "step_" + "Z" * 24,
            "THREAD_" + "a" * 24,
            "thread_" + "a" * 10_000,
            "%2F",
            "%00",
            "%zz",
            "..",
            "thread_%ED%A0%80",
            "msg_\u00e9\U0001f600",
            "runs",
            "messages",
            UNKNOWN_ID,
        ]
    ),
    st.text(max_size=12).map(lambda t: quote(t, safe="")),
)
ROUTES = [
    ("POST", "/threads"),
    ("GET", "/threads/{t}"),
    ("POST", "/threads/{t}"),
    ("DELETE", "/threads/{t}"),
    ("POST", "/threads/{t}/messages"),
    ("GET", "/threads/{t}/messages"),
    ("GET", "/threads/{t}/messages/{m}"),
    ("POST", "/threads/{t}/messages/{m}"),
    ("DELETE", "/threads/{t}/messages/{m}"),
    ("POST", "/threads/runs"),
    ("POST", "/threads/{t}/runs"),
    ("GET", "/threads/{t}/runs"),
    ("GET", "/threads/{t}/runs/{r}"),
    ("POST", "/threads/{t}/runs/{r}"),
    ("POST", "/threads/{t}/runs/{r}/cancel"),
    ("POST", "/threads/{t}/runs/{r}/submit_tool_outputs"),
    ("GET", "/threads/{t}/runs/{r}/steps"),
    ("GET", "/threads/{t}/runs/{r}/steps/{s}"),
    ("GET", "/threads"),  # the direct API's list: not a service endpoint
    ("PUT", "/threads/{t}"),
    ("DELETE", "/threads/{t}/runs/{r}"),
]
SMALL_BODIES = st.sampled_from(
    [
        b"",
        b"{}",
        b'{"metadata":{"a":"b"}}',
        b'{"role":"user","content":"x"}',
        b'{"assistant_id":"' + SEEDED_IDS[0].encode() + b'"}',
        b'{"tool_outputs":[{"tool_call_id":"' + W.call.encode() + b'","output":"1"}]}',
        b"{",
    ]
)

# --- the fuzz tests -----------------------------------------------------------------------------


@fuzz_settings(260)
@given(
    via=st.sampled_from(TRANSPORTS),
    target=st.sampled_from(POSTS),
    headers=st.sampled_from([JSON_HEADERS, {"api-key": KEY}]),
    body=conversation_bodies(),
)
def test_hostile_conversation_bodies(
    via: str, target: str, headers: dict[str, str], body: bytes
) -> None:
    """Garbage, bad JSON, odd encodings, deep nesting and huge strings, also in the holes
    of real thread, message, run and tool-output bodies."""
    method, path = TARGETS[target]
    run(new_world(), via, method, url(path), headers, body)


@fuzz_settings(320)
@given(data=st.data(), via=st.sampled_from(TRANSPORTS), version=VALIDISH_VERSIONS)
def test_validish_conversation_bodies(data: st.DataObject, via: str, version: str) -> None:
    """The real field names of each endpoint, values from right to wrong; streams too."""
    target = data.draw(st.sampled_from(POSTS), label="target")
    body = data.draw(validish_bodies(target), label="body")
    method, path = TARGETS[target]
    fake = new_world()
    exchange, payload = run(
        fake, via, method, url(path, f"api-version={version}"), JSON_HEADERS, dumps(body)
    )
    if exchange.status == 200 and target == "message-create":
        assert payload["thread_id"] == W.done and payload["run_id"] is None


@fuzz_settings(260)
@given(
    via=st.sampled_from(TRANSPORTS),
    options=OPTIONS,
    target=st.sampled_from(GETS),
    query=queries(),
)
def test_conversation_queries(via: str, options: dict[str, Any], target: str, query: str) -> None:
    """Lists and reads with `limit`, `order`, `after`, `before`, `run_id`, `include[]`:
    repeated, odd, cursors of other kinds and of other threads."""
    _, path = TARGETS[target]
    exchange, payload = run(new_world(**options), via, "GET", url(path, query), JSON_HEADERS)
    if exchange.status == 200 and payload["object"] == "list":
        parents = {item.get("thread_id") for item in payload["data"]}
        assert parents <= {path.split("/")[2]}, "a list shows its own thread's objects only"


@fuzz_settings(260)
@given(
    via=st.sampled_from(TRANSPORTS),
    route=st.sampled_from(ROUTES),
    ids=st.tuples(ODD_IDS, ODD_IDS, ODD_IDS, ODD_IDS),
    body=SMALL_BODIES,
)
def test_odd_conversation_ids(
    via: str, route: tuple[str, str], ids: tuple[str, str, str, str], body: bytes
) -> None:
    """Every route with wrong, unknown, empty, encoded and mixed-up ids (a message id
    where the thread's goes, another thread's run, ...)."""
    method, template = route
    path = template.format(t=ids[0], m=ids[1], r=ids[2], s=ids[3])
    run(new_world(), via, method, url(path), JSON_HEADERS, body if method == "POST" else b"")


OPERATIONS = st.one_of(
    st.tuples(st.just("body"), st.sampled_from(POSTS), st.data()),
    st.tuples(st.just("read"), st.sampled_from(GETS), queries()),
    st.tuples(st.just("delete"), st.sampled_from(["thread", "message"]), st.integers(0, 5)),
)


@fuzz_settings(70)
@given(via=st.sampled_from(TRANSPORTS), operations=st.lists(OPERATIONS, max_size=8))
def test_conversation_sequences(via: str, operations: list[tuple[Any, ...]]) -> None:
    """Mixed good and bad requests on one world: each error leaves it as it was, and the
    stored threads follow a plain model (a 200 create adds one, a 200 delete removes one)."""
    fake = new_world()
    model = set(THREADS)
    for kind, target, extra in operations:
        if kind == "body":
            method, path = TARGETS[target]
            body = dumps(extra.draw(validish_bodies(target)))
            exchange, payload = run(fake, via, method, url(path), JSON_HEADERS, body)
        elif kind == "read":
            exchange, payload = run(fake, via, "GET", url(TARGETS[target][1], extra), JSON_HEADERS)
        else:
            path = _deletable(target, extra)
            exchange, payload = run(fake, via, "DELETE", url(path), JSON_HEADERS)
        if exchange.status == 200:
            model |= _threads_made(target, payload)
            if isinstance(payload, dict) and payload.get("object") == "thread.deleted":
                model.discard(payload["id"])
        assert stored_threads(fake) == model


def _deletable(kind: str, index: int) -> str:
    thread = THREADS[index % len(THREADS)]
    if kind == "thread":
        return f"/threads/{thread}"
    return f"/threads/{W.done}/messages/{(*W.messages, 'msg_gone')[index % 4]}"


def _threads_made(target: str, payload: Any) -> set[str]:
    if target == "thread-create":
        return {payload["id"]}
    if target != "thread-and-run":
        return set()
    if isinstance(payload, list):  # a stream: the thread.created event
        return {payload[0][1]["id"]}
    return {payload["thread_id"]}


# --- through the openai SDK ---------------------------------------------------------------------

SDK_QUERY = st.fixed_dictionaries(
    {},
    optional={
        "limit": st.one_of(st.integers(-1, 102), st.sampled_from([1, 2, 20])),
        "order": st.sampled_from(["asc", "desc", "sideways"]),
        "after": st.sampled_from(WORLD_IDS),
        "before": st.sampled_from(WORLD_IDS),
    },
)
SDK_OPERATIONS = st.one_of(
    st.tuples(st.just("thread"), THREAD),
    st.tuples(st.just("message"), st.sampled_from(THREADS), MESSAGE),
    st.tuples(st.just("messages"), st.sampled_from(THREADS), SDK_QUERY, st.sampled_from(WORLD_IDS)),
    st.tuples(st.just("run"), st.sampled_from(THREADS), st.data()),
    st.tuples(st.just("thread-and-run"), st.data()),
    st.tuples(st.just("runs"), st.sampled_from(THREADS), SDK_QUERY),
    st.tuples(st.just("steps"), st.sampled_from(list(RUNS.items())), SDK_QUERY),
    st.tuples(st.just("cancel"), st.sampled_from(list(RUNS.items()))),
    st.tuples(st.just("submit"), TOOL_OUTPUTS, st.booleans()),
    st.tuples(st.just("delete"), st.sampled_from(THREADS)),
)


@fuzz_settings(70)
@given(operations=st.lists(SDK_OPERATIONS, min_size=1, max_size=5))
def test_openai_sdk_conversations(operations: list[tuple[Any, ...]]) -> None:
    """The SDK user's view: every call returns a model (or a stream of events) or raises
    a 4xx APIStatusError; auto-pagination over messages, runs and steps included."""
    fake = new_world()
    for operation in operations:
        through_sdk(fake, sdk_action(operation))


def sdk_action(operation: tuple[Any, ...]) -> Any:
    """The SDK call an operation stands for, as a function of no arguments."""
    from test_fuzz_requests import sdk_client

    threads = sdk_client().beta.threads
    kind, *args = operation
    if kind == "thread":
        return lambda: call(threads.create, args[0])
    if kind == "message":
        return lambda: call(threads.messages.create, args[1], args[0])
    if kind == "messages":
        thread, query, run_id = args
        return lambda: every_page(threads.messages.list(thread, **query, run_id=run_id))
    if kind == "run":
        body = args[1].draw(validish_bodies("run-create"), label="run body")
        body.setdefault("assistant_id", SEEDED_IDS[0])  # the SDK will not send without one
        return lambda: drained(call(threads.runs.create, body, args[0]))
    if kind == "thread-and-run":
        body = args[0].draw(validish_bodies("thread-and-run"), label="thread-and-run body")
        body.setdefault("assistant_id", SEEDED_IDS[1])
        return lambda: drained(call(threads.create_and_run, body))
    if kind == "runs":
        return lambda: every_page(threads.runs.list(args[0], **args[1]))
    if kind == "steps":
        (thread, run_id), query = args
        return lambda: every_page(threads.runs.steps.list(run_id, thread_id=thread, **query))
    if kind == "cancel":
        thread, run_id = args[0]
        return lambda: threads.runs.cancel(run_id, thread_id=thread)
    if kind == "submit":
        body = {"thread_id": W.waiting, "tool_outputs": args[0], "stream": args[1]}
        return lambda: drained(call(threads.runs.submit_tool_outputs, body, W.waiting_run))
    return lambda: threads.delete(args[0])


def call(method: Any, body: dict[str, Any], *args: Any) -> Any:
    """`method(*args, **body)`, with the fields it has no parameter for in `extra_body`."""
    names = list(inspect.signature(method).parameters)[len(args) :]
    known = {key: value for key, value in body.items() if key in names}
    extra = {key: value for key, value in body.items() if key not in known}
    return method(*args, **known, extra_body=extra or None)


def every_page(pages: Any) -> list[str]:
    return [item.id for item in itertools.islice(pages, 500)]


def drained(result: Any) -> Any:
    """A stream's events, read to the end (each must parse); any other result as is."""
    if hasattr(result, "__iter__") and not hasattr(result, "model_dump"):
        return [event.event for event in result]
    return result


def test_the_world_is_what_the_tests_aim_at() -> None:
    """The fixed ids point where the tests think they do."""
    fake = new_world()
    assert thread_ids() == list(THREADS)
    assert every_id(fake)[HOST] >= set(WORLD_IDS) - {W.call}
    statuses = [fake.threads[t].runs.list()[0]["status"] for t in (W.done, W.waiting)]
    assert statuses == ["completed", "requires_action"]
    assert json.dumps(fake.threads[W.empty].messages.list()) == "[]"
