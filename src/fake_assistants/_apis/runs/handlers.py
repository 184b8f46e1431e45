"""The runs and run steps endpoints."""

from __future__ import annotations

from typing import Any

from ... import _sse
from ..._context import Context
from ..._errors import ApiError
from ..._http import Response
from ..._listing import list_page, page_of, read_query
from ..._resource import Record
from .. import _shared, assistants, messages, threads, tool_resources
from ..vector_stores.records import expired
from ..vector_stores.records import find as find_store
from . import engine, records, schema
from .records import ACTIVE, TERMINAL

POLL_AFTER_MS = "1"  # sent only with the run_polls option: the SDK then barely sleeps
STEADY = ACTIVE - {"requires_action"}


class NothingToAnswer(ApiError):
    """A run with no user message to answer and no instructions to follow (as recorded)."""

    code = "invalid_thread"

    def __init__(self) -> None:
        super().__init__(
            "Run creation requires a Thread with a user message or an assistant with instructions."
        )


def active_run(ctx: Context, thread_id: str) -> Record | None:
    """The thread's run that is not finished, if any (at most one: the newest)."""
    newest = records.runs(ctx, thread_id).newest()
    if newest is None:
        return None
    run = engine.expired_if_due(ctx, newest)
    return run if run["status"] in ACTIVE else None


# --- create --------------------------------------------------------------------------------


def create(ctx: Context) -> Any:
    thread_id = ctx.params["thread_id"]
    thread = threads.find(ctx, thread_id)
    _check_include(ctx)
    body = ctx.json()
    schema.create_body(ctx.version).check(body, "")
    for index, message in enumerate(body.get("additional_messages") or []):
        messages.check(ctx, message, f"additional_messages[{index}]")
    assistant = _assistant(ctx, body)
    running = active_run(ctx, thread_id)
    if running is not None:
        raise ApiError(f"Thread {thread_id} already has an active run {running['id']}.")
    _check_stores(ctx, assistant, thread)
    said = [*messages.store(ctx, thread_id), *(body.get("additional_messages") or [])]
    _check_something_to_answer(assistant, body, said)
    for message in body.get("additional_messages") or []:
        messages.add(ctx, thread_id, message)
    return _start(ctx, records.new_run(ctx, thread_id, assistant, body, ctx.now()), body, [])


def create_thread_and_run(ctx: Context) -> Any:
    _check_include(ctx)
    body = ctx.json()
    schema.create_thread_and_run_body(ctx.version).check(body, "")
    threads.check(ctx, body.get("thread") or {}, "thread")
    tool_resources.check_references(ctx, body.get("tool_resources"))
    assistant = _assistant(ctx, body)
    _check_stores(ctx, assistant, body.get("thread") or {}, body)
    _check_something_to_answer(assistant, body, (body.get("thread") or {}).get("messages") or [])
    thread = threads.new(ctx, body.get("thread") or {})
    created = [("thread.created", threads.render(thread, ctx.version, read=True))]
    run = records.new_run(ctx, thread["id"], assistant, body, ctx.now())
    return _start(ctx, run, body, created)


def _assistant(ctx: Context, body: dict[str, Any]) -> Record:
    found = assistants.find(ctx, body["assistant_id"])
    model = body.get("model")
    if ctx.deployments is not None and model is not None and model not in ctx.deployments:
        assistants.check_model({"model": model}, ctx.deployments)
    return found


def _check_stores(ctx: Context, *owners: Record) -> None:
    """A run may not search an expired vector store (checked before anything is made)."""
    for store_id in engine.store_ids_of(ctx, *owners):
        if expired(ctx, find_store(ctx, store_id)):
            raise ApiError(f"Vector store {store_id} is expired.")


def _check_something_to_answer(
    assistant: Record, body: dict[str, Any], thread_messages: list[dict[str, Any]]
) -> None:
    """A user message to answer, or instructions (the run's own, which replace the
    assistant's, or additional ones) to follow; checked before anything is stored."""
    if any(message["role"] == "user" for message in thread_messages):
        return
    instructions = body.get("instructions")
    if instructions is None:
        instructions = assistant.get("instructions")
    if not (instructions or body.get("additional_instructions")):
        raise NothingToAnswer()


def _start(ctx: Context, run: Record, body: dict[str, Any], events: list[engine.Event]) -> Any:
    run["_include"] = ctx.query.get("include[]") is not None
    records.runs(ctx, run["thread_id"]).add(run["id"], run["created_at"], run)
    if body.get("stream"):
        engine.stream(ctx, run, events)
        return _sse.stream(events)
    return _answer(ctx, run)


def _answer(ctx: Context, run: Record) -> Any:
    shown = records.render_run(run, ctx.version)
    if run["status"] in STEADY and (ctx.options.run_polls or run.get("_held")):
        return Response.of_json(shown, headers=(("openai-poll-after-ms", POLL_AFTER_MS),))
    return shown


# --- read, change ----------------------------------------------------------------------------


def _run(ctx: Context) -> Record:
    thread_id = ctx.params["thread_id"]
    threads.find(ctx, thread_id)
    return records.find_run(ctx, thread_id, ctx.params["run_id"])


def listing(ctx: Context) -> dict[str, Any]:
    thread_id = ctx.params["thread_id"]
    threads.find(ctx, thread_id)
    return list_page(
        records.runs(ctx, thread_id),
        ctx.query,
        kind=records.RUN_KIND,
        check_id=lambda value, param: _shared.check_id(value, param, records.RUN_PREFIX),
        render=lambda run: records.render_run(engine.observe(ctx, run), ctx.version),
    )


def retrieve(ctx: Context) -> Any:
    return _answer(ctx, engine.observe(ctx, _run(ctx)))


def modify(ctx: Context) -> Any:
    run = _run(ctx)
    body = ctx.json()
    schema.MODIFY.check(body, "")
    run = engine.expired_if_due(ctx, run)
    if run["status"] not in TERMINAL:  # as recorded for queued and in_progress
        raise ApiError(f"Cannot update run with status '{run['status']}'.")
    if "metadata" in body:
        run = dict(run, metadata=body["metadata"] or {})
        records.runs(ctx, run["thread_id"]).replace(run["id"], run)
    return _answer(ctx, run)


def cancel(ctx: Context) -> Any:
    run = engine.expired_if_due(ctx, _run(ctx))
    if run["status"] in TERMINAL or run["status"] == "cancelling":
        raise ApiError(f"Cannot cancel run with status '{run['status']}'.")
    return _answer(ctx, engine.cancel(ctx, run))


def submit_tool_outputs(ctx: Context) -> Any:
    run = _run(ctx)
    body = ctx.json()
    schema.SUBMIT.check(body, "")
    run = engine.expired_if_due(ctx, run)
    if run["status"] != "requires_action":
        raise ApiError(f'Runs in status "{run["status"]}" do not accept tool outputs.')
    outputs = body["tool_outputs"]
    expected = [call["id"] for call in run["required_action"]["submit_tool_outputs"]["tool_calls"]]
    got = [output["tool_call_id"] for output in outputs]
    if sorted(got) != sorted(expected):
        raise ApiError(f"Expected tool outputs for call_ids {expected!r}, got {got!r}")
    if body.get("stream"):
        events: list[engine.Event] = []
        engine.submit(ctx, run, outputs, events)
        return _sse.stream(events)
    return _answer(ctx, engine.submit(ctx, run, outputs, None))


# --- steps -----------------------------------------------------------------------------------


def _check_include(ctx: Context) -> None:
    value = ctx.query.get("include[]")
    if value is not None and value not in schema.INCLUDE_VALUES:
        raise ApiError(
            f"Invalid value: '{value}'. Supported values are: '{schema.INCLUDE_VALUES[0]}'.",
            "include",
        )


def list_steps(ctx: Context) -> dict[str, Any]:
    """The run's steps. The query is checked before the run is observed: a refused
    request must not move the run on."""
    _check_include(ctx)
    run = _run(ctx)
    store = records.steps(ctx, run["thread_id"], run["id"])
    wanted = read_query(
        store,
        ctx.query,
        kind=records.STEP_KIND,
        check_id=lambda value, param: _shared.check_id(value, param, records.STEP_PREFIX),
    )
    engine.observe(ctx, run)
    return page_of(
        store, wanted, lambda step: records.render_step(step, ctx.version, _includes(ctx))
    )


def retrieve_step(ctx: Context) -> Record:
    """One step; an unknown step id is refused before the run is observed."""
    _check_include(ctx)
    step_id = ctx.params["step_id"]
    run = _run(ctx)
    records.find_step(ctx, run, step_id)
    run = engine.observe(ctx, run)
    step = records.find_step(ctx, run, step_id)
    return records.render_step(step, ctx.version, _includes(ctx))


def _includes(ctx: Context) -> bool:
    return ctx.query.get("include[]") is not None


RUN = "/openai/threads/{thread_id}/runs/{run_id}"
ROUTES = [
    ("POST", "/openai/threads/runs", create_thread_and_run),
    ("POST", "/openai/threads/{thread_id}/runs", create),
    ("GET", "/openai/threads/{thread_id}/runs", listing),
    ("GET", RUN, retrieve),
    ("POST", RUN, modify),
    ("POST", f"{RUN}/cancel", cancel),
    ("POST", f"{RUN}/submit_tool_outputs", submit_tool_outputs),
    ("GET", f"{RUN}/steps", list_steps),
    ("GET", f"{RUN}/steps/{{step_id}}", retrieve_step),
]
