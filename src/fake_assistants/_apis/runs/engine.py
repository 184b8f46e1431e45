"""The run state machine. A run moves when it is observed (a retrieve, a list of runs or
of its steps), or at once when it streams; never in the background. Each move asks the
responder for the model's turn and writes the steps, messages and events it makes.

    queued -> in_progress -> (requires_action -> queued -> in_progress)*
           -> completed | failed | incomplete | expired | cancelled (via cancelling)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ... import _turn as turn
from ..._context import Context
from ..._default_reply import count_tokens
from ..._replies import CodeStep, Reply, ReplyContext, replying, text_of
from ..._resource import Record, Resource
from .. import messages
from ..vector_stores import search
from . import citations, records, sandbox
from .records import TERMINAL

Event = tuple[str, dict[str, Any]]
MAX_TURNS = 32  # a reply function that never ends a run still ends it
_CHUNK = re.compile(r"\S+\s*|\s+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(slots=True)
class Move:
    """One request's work on one run: the working copy and the events it makes."""

    ctx: Context
    run: Record
    events: list[Event] | None = None
    steps: list[Record] = field(default_factory=list)

    def emit(self, name: str, payload: dict[str, Any]) -> None:
        if self.events is not None:
            self.events.append((name, dict(payload)))

    def emit_step(self, name: str, step: Record) -> None:
        if self.events is not None:  # rendered only for a stream
            include = bool(self.run.get("_include"))
            self.emit(name, records.render_step(step, self.ctx.version, include))

    def emit_run(self) -> None:
        if self.events is not None:
            status = self.run["status"]
            self.emit(f"thread.run.{status}", records.render_run(self.run, self.ctx.version, True))

    def save(self) -> Record:
        records.runs(self.ctx, self.run["thread_id"]).replace(self.run["id"], self.run)
        return self.run


# --- entry points --------------------------------------------------------------------------


def observe(ctx: Context, run: Record) -> Record:
    """The run as one observation finds it, moved on as far as that takes it; as it is
    when a reply function reads it (the model is mid-turn there)."""
    if run["status"] in TERMINAL or replying():
        return run
    move = Move(ctx, dict(run))
    if _expire_if_due(move):
        return move.save()
    if move.run["status"] == "cancelling":
        _finish(move, "cancelled")
    elif move.run["status"] in ("queued", "in_progress"):
        move.run["_polls"] += 1
        if move.run["_polls"] <= ctx.options.run_polls:
            _start(move)  # polling code sees it working for a while
        else:
            _proceed(move)
    return move.save()


def stream(ctx: Context, run: Record, events: list[Event]) -> Record:
    """A new run, streamed: it goes as far as it can within this response."""
    move = Move(ctx, dict(run), events)
    move.emit("thread.run.created", records.render_run(run, ctx.version, True))
    move.emit_run()
    _proceed(move)
    return move.save()


def expired_if_due(ctx: Context, run: Record) -> Record:
    """The run, expired when its time is up: the only change a mere check makes."""
    if not _due(ctx, run):
        return run  # the common case: nothing to copy
    move = Move(ctx, dict(run))
    _finish(move, "expired")
    return move.save()


def submit(
    ctx: Context, run: Record, outputs: list[dict[str, Any]], events: list[Event] | None
) -> Record:
    """Tool outputs taken: the waiting step completes, the run is queued again (and goes
    on at once when streamed)."""
    move = Move(ctx, dict(run), events)
    step = dict(records.find_step(ctx, run, run["_waiting_step"]))
    given = {output["tool_call_id"]: output.get("output", "") for output in outputs}
    calls = [_with_output(call, given) for call in step["step_details"]["tool_calls"]]
    step["step_details"] = {"type": "tool_calls", "tool_calls": calls}
    _complete_step(move, step, completion=0)
    move.run.update(
        status="queued",
        required_action=None,
        _waiting_step=None,
        _polls=0,
        _outputs=[*run["_outputs"], *({"tool_call_id": k, "output": v} for k, v in given.items())],
    )
    move.emit_run()
    if events is not None:
        _proceed(move)
    return move.save()


def cancel(ctx: Context, run: Record) -> Record:
    move = Move(ctx, dict(run))
    move.run.update(status="cancelling", required_action=None)  # no more outputs taken
    return move.save()


def release_held(resource: Resource, run_id: str | None) -> int:
    """Lets held runs (all, or the one with this id) go on at their next observation."""
    released = 0
    for key, store in resource.stores().items():
        if key[-1:] != ("runs",):
            continue
        for run in list(store):
            if run["_held"] and run_id in (None, run["id"]):
                store.replace(run["id"], {**run, "_held": False})
                released += 1
    return released


# --- moves ---------------------------------------------------------------------------------


def _due(ctx: Context, run: Record) -> bool:
    """Time is up for a run not finished yet (one read of the clock)."""
    return run["status"] not in TERMINAL and ctx.now() >= run["expires_at"]


def _expire_if_due(move: Move) -> bool:
    if not _due(move.ctx, move.run):
        return False
    _finish(move, "expired")
    return True


def _start(move: Move) -> None:
    if move.run["status"] == "queued":
        move.run.update(status="in_progress", started_at=move.ctx.now())
        move.emit_run()


def _proceed(move: Move) -> None:
    """Takes the model's turns until the run rests: done, waiting for outputs, or held."""
    _start(move)
    for _ in range(MAX_TURNS):
        run = move.run
        if run["_held"]:
            return
        reply = run["_pending"] or move.ctx.replies.next(run, lambda: _reply_context(move))
        if reply.hold and run["_pending"] is None:
            run.update(_held=True, _pending=reply)
            return
        run["_pending"] = None
        if not _act(move, reply):
            return
    _finish(move, "completed")


def _act(move: Move, reply: Reply) -> bool:
    """Plays one reply; True when the model must take another turn."""
    failure = turn.error_of(reply)
    if failure is not None:
        move.run["last_error"] = {"code": failure.code, "message": failure.message}
        _finish(move, "failed")
        return False
    if reply.expire:
        _finish(move, "expired")
        return False
    made = [file for code in reply.code_steps for file in _code_step(move, code).files]
    prompt = _prompt_tokens(move)
    if reply.incomplete == "max_prompt_tokens" or _over(move, "max_prompt_tokens", prompt):
        _finish(move, "incomplete", reason="max_prompt_tokens")
        return False
    text, annotations = _answer_text(move, reply)
    if text is not None:
        annotations = sorted(
            annotations + sandbox.file_paths(text, made), key=lambda a: a["start_index"]
        )
        images = [f.id for f in made if f.image]
        if not _message_step(move, text, prompt, annotations, images):
            return False
    if reply.incomplete is not None:
        _finish(move, "incomplete", reason=reply.incomplete)
        return False
    if reply.calls:
        _function_step(move, turn.function_calls(reply), prompt)
        return False
    if text is None:
        return True  # only code ran: the model goes on
    _finish(move, "completed")
    return False


def _answer_text(move: Move, reply: Reply) -> tuple[str | None, list[dict[str, Any]]]:
    """The answer's text and citations, rendered: a file_search reply searches first,
    and the neutral turn says what the answer is and cites."""
    search = None if reply.file_search is None else _search_step(move, reply.file_search)
    message = turn.answer(reply, search)
    if message is None:
        return None, []
    position = len(messages.store(move.ctx, move.run["thread_id"]))
    return citations.cite(message, position)


def _search_step(move: Move, query: str) -> turn.SearchCall:
    """A file_search tool call over the run's vector stores, complete at once."""
    ctx, run = move.ctx, move.run
    step = _new_step(move, "tool_calls", {"type": "tool_calls", "tool_calls": []})
    call_id = ctx.resource.ids.new("call_")
    limit, ranking = citations.options(run["tools"])
    start = {"ranking_options": ranking, "results": []}
    _step_delta(
        move, step, {"index": 0, "id": call_id, "type": "file_search", "file_search": start}
    )
    stores = vector_store_ids(ctx, run)
    found = turn.SearchCall(
        query, tuple(search(ctx, stores, query, limit, ranking["score_threshold"]))
    )
    step["step_details"] = {
        "type": "tool_calls",
        "tool_calls": [citations.call(call_id, ranking, found.results)],
    }
    run["_searched"] = True
    _complete_step(move, step, completion=0, prompt=_prompt_tokens(move) + found.tokens)
    return found


def vector_store_ids(ctx: Context, run: Record) -> list[str]:
    """The stores file_search reads in this run: the assistant's, the thread's, the run's,
    each once, observed first so their files are ingested. As on the service, the run
    waits for the thread's store (where attachments go) to finish ingesting."""
    from ..vector_stores.records import observe_store, settle_store, touch

    assistant = ctx.resource.store("assistants").get(run["assistant_id"]) or {}
    thread = ctx.resource.store("threads").get(run["thread_id"]) or {}
    known = store_ids_of(ctx, assistant, thread, run)
    waited = store_ids_of(ctx, thread)
    for store_id in known:
        observe_store(ctx, store_id)
        if store_id in waited:
            settle_store(ctx, store_id)
        touch(ctx, store_id)
    return known


def store_ids_of(ctx: Context, *owners: Record) -> list[str]:
    """The vector stores named in these objects' `tool_resources`, each once."""
    found: list[str] = []
    for owner in owners:
        resources = owner.get("tool_resources") or {}
        found += (resources.get("file_search") or {}).get("vector_store_ids") or []
    if not found:
        return found
    from ..vector_stores.records import stores

    return [store_id for store_id in dict.fromkeys(found) if store_id in stores(ctx)]


def _over(move: Move, limit: str, tokens: int) -> bool:
    maximum = move.run[limit]
    return maximum is not None and tokens > maximum


def _message_step(
    move: Move,
    text: str,
    prompt: int,
    annotations: list[dict[str, Any]] | None = None,
    images: Sequence[str] = (),
) -> bool:
    """Writes the assistant's message; False when the completion budget cut it short."""
    ctx, run = move.ctx, move.run
    message = messages.start_reply(ctx, run["thread_id"], run)
    details = {"type": "message_creation", "message_creation": {"message_id": message["id"]}}
    step = _new_step(move, "message_creation", details)
    move.emit("thread.message.created", message)
    move.emit("thread.message.in_progress", message)
    text, cut = _within_budget(move, text)
    kept = [a for a in annotations or [] if a["end_index"] <= len(text)]
    pictures = [{"type": "image_file", "image_file": {"file_id": image}} for image in images]
    for index, picture in enumerate(pictures):
        content = {"content": [{"index": index, **picture}]}
        move.emit(
            "thread.message.delta",
            {"id": message["id"], "object": "thread.message.delta", "delta": content},
        )
    _text_deltas(move, message["id"], text, kept, len(pictures))
    message = dict(message, content=[*pictures, messages.text_part(text, kept)])
    if cut:
        message.update(
            status="incomplete",
            incomplete_at=ctx.now(),
            incomplete_details={"reason": "max_tokens"},
        )
    else:
        message.update(status="completed", completed_at=ctx.now())
    messages.save(ctx, message)
    move.emit(f"thread.message.{message['status']}", message)
    _complete_step(move, step, completion=count_tokens(text), prompt=prompt)
    if cut:
        _finish(move, "incomplete", reason="max_completion_tokens")
    return not cut


def _within_budget(move: Move, text: str) -> tuple[str, bool]:
    maximum = move.run["max_completion_tokens"]
    if maximum is None:
        return text, False
    left = maximum - move.run["_completion"]
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) <= left:
        return text, False
    return (text[: tokens[left - 1].end()] if left > 0 else ""), True


def _text_deltas(
    move: Move, message_id: str, text: str, annotations: list[dict[str, Any]], at: int = 0
) -> None:
    """A word a delta; each citation marker a delta of its own that carries its
    annotation (as captured), so the SDK's accumulation adds each once."""
    if move.events is None:
        return
    parts: list[dict[str, Any]] = []
    done = 0
    for index, annotation in enumerate(annotations):
        parts += _word_parts(text[done : annotation["start_index"]])
        marked = {**annotation, "index": index}
        if "file_citation" in annotation:  # deltas carry an empty quote (captured)
            marked["file_citation"] = {**annotation["file_citation"], "quote": ""}
        value = {"value": annotation["text"], "annotations": [marked]}
        parts.append({"index": at, "type": "text", "text": value})
        done = annotation["end_index"]
    parts += _word_parts(text[done:])
    for part in parts:
        part["index"] = at
    if parts and "annotations" not in parts[0]["text"]:
        parts[0]["text"]["annotations"] = []  # sent once, with the first delta
    for part in parts:
        delta = {"id": message_id, "object": "thread.message.delta", "delta": {"content": [part]}}
        move.emit("thread.message.delta", delta)


def _word_parts(text: str) -> list[dict[str, Any]]:
    return [
        {"index": 0, "type": "text", "text": {"value": chunk}} for chunk in _CHUNK.findall(text)
    ]


def _function_step(move: Move, made: Sequence[turn.FunctionCall], prompt: int) -> None:
    """Function calls made: a tool_calls step stays in progress while the run waits."""
    ctx, run = move.ctx, move.run
    step = _new_step(move, "tool_calls", {"type": "tool_calls", "tool_calls": []})
    calls: list[dict[str, Any]] = []
    for index, call in enumerate(made):
        call_id = ctx.resource.ids.new("call_")
        calls.append(
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments, "output": None},
            }
        )
        first = {"name": call.name, "arguments": "", "output": None}
        _step_delta(
            move, step, {"index": index, "id": call_id, "type": "function", "function": first}
        )
        more = {"index": index, "type": "function", "function": {"arguments": call.arguments}}
        _step_delta(move, step, more)
    step["step_details"] = {"type": "tool_calls", "tool_calls": calls}
    step["_usage"] = (prompt, sum(call.tokens for call in made))
    records.save_step(ctx, step)
    required: list[dict[str, Any]] = [
        {
            "id": c["id"],
            "type": "function",
            "function": {k: c["function"][k] for k in ("name", "arguments")},
        }
        for c in calls
    ]
    run.update(
        status="requires_action",
        required_action={
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {"tool_calls": required},
        },
        _waiting_step=step["id"],
        _calls=[*run["_calls"], *({"id": c["id"], **c["function"]} for c in required)],
    )
    move.emit_run()


def _code_step(move: Move, code: CodeStep) -> turn.CodeCall:
    """A code interpreter call, complete at once (the fake runs no code): the neutral
    call, with the files it made for the answer to show and point at."""
    ctx = move.ctx
    step = _new_step(move, "tool_calls", {"type": "tool_calls", "tool_calls": []})
    call_id = ctx.resource.ids.new("call_")
    made = turn.CodeCall(code.input, code.logs, tuple(sandbox.outputs(ctx, code)))
    outputs = ([] if made.logs is None else [{"type": "logs", "logs": made.logs}]) + [
        {"type": "image", "image": {"file_id": f.id}} for f in made.files if f.image
    ]
    start = {"input": "", "outputs": []}
    first = {"index": 0, "id": call_id, "type": "code_interpreter", "code_interpreter": start}
    _step_delta(move, step, first)
    typed = {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": made.code}}
    _step_delta(move, step, typed)
    if outputs:
        shown = [{"index": i, **output} for i, output in enumerate(outputs)]
        done = {"index": 0, "type": "code_interpreter", "code_interpreter": {"outputs": shown}}
        _step_delta(move, step, done)
    details = {"input": made.code, "outputs": outputs}
    call = {"id": call_id, "type": "code_interpreter", "code_interpreter": details}
    step["step_details"] = {"type": "tool_calls", "tool_calls": [call]}
    prompt = _prompt_tokens(move)
    _complete_step(move, step, completion=made.tokens, prompt=prompt)
    return made


def _step_delta(move: Move, step: Record, call: dict[str, Any]) -> None:
    details = {"step_details": {"type": "tool_calls", "tool_calls": [call]}}
    move.emit(
        "thread.run.step.delta",
        {"id": step["id"], "object": "thread.run.step.delta", "delta": details},
    )


def _new_step(move: Move, kind: str, details: dict[str, Any]) -> Record:
    step = records.new_step(move.ctx, move.run, kind, details)
    move.emit_step("thread.run.step.created", step)
    move.emit_step("thread.run.step.in_progress", step)
    return dict(step)


def _complete_step(move: Move, step: Record, completion: int, prompt: int | None = None) -> None:
    if prompt is None:
        prompt, completion = step.pop("_usage", (0, completion))
    step.pop("_usage", None)
    step.update(
        status="completed", completed_at=move.ctx.now(), usage=records.usage(prompt, completion)
    )
    records.save_step(move.ctx, step)
    move.run["_prompt"] += prompt
    move.run["_completion"] += completion
    move.emit_step("thread.run.step.completed", step)


def _finish(move: Move, status: str, reason: str | None = None) -> None:
    """The run ends: its time stamps, usage and open steps as the service leaves them."""
    ctx, run = move.ctx, move.run
    now = ctx.now()
    stamp = {"completed": "completed_at", "failed": "failed_at", "cancelled": "cancelled_at"}
    run.update(
        status=status, expires_at=None, required_action=None, _waiting_step=None, _held=False
    )
    if status in stamp:
        run[stamp[status]] = now
    if reason is not None:
        run["incomplete_details"] = {"reason": reason}
    run["usage"] = records.usage(run["_prompt"], run["_completion"])
    _close_steps(move, status, now)
    move.emit_run()


def _close_steps(move: Move, status: str, now: int) -> None:
    """Every step loses its expiry; one still open ends with the run."""
    store = records.steps(move.ctx, move.run["thread_id"], move.run["id"])
    step_status = {"cancelled": "cancelled", "failed": "failed", "expired": "expired"}.get(status)
    for step in list(store):
        closed = dict(step, expires_at=None)
        if step["status"] == "in_progress" and step_status is not None:
            closed.pop("_usage", None)
            closed["status"] = step_status
            if step_status != "expired":
                closed[f"{step_status}_at"] = now
            move.emit_step(f"thread.run.step.{step_status}", closed)
        store.replace(step["id"], closed)


# --- what the responder is told ------------------------------------------------------------


def _reply_context(move: Move) -> ReplyContext:
    ctx, run = move.ctx, move.run
    assistant = ctx.resource.store("assistants").get(run["assistant_id"]) or {
        "id": run["assistant_id"]
    }
    thread_messages = [
        messages.render(m, ctx.version) for m in messages.store(ctx, run["thread_id"])
    ]
    return ReplyContext(
        run=records.render_run(run, ctx.version),
        messages=thread_messages,
        tool_outputs=[dict(output) for output in run["_outputs"]],
        assistant=dict(assistant),
        tool_calls=[dict(call) for call in run["_calls"]],
        vector_store_ids=vector_store_ids(ctx, run),
        sandbox=sandbox.mounted(ctx, run),
        searched=bool(run.get("_searched")),
        protocol="assistants",
    )


def _prompt_tokens(move: Move) -> int:
    """Tokens the model reads for a turn: instructions, the thread's messages (as
    `truncation_strategy` keeps them), the tools and the tool outputs so far."""
    run = move.run
    kept = list(messages.store(move.ctx, run["thread_id"]))
    last = run["truncation_strategy"].get("last_messages")
    if run["truncation_strategy"]["type"] == "last_messages" and last:
        kept = kept[-last:]
    texts = [run["instructions"] or ""]
    texts += [text_of(message) for message in kept]
    texts += [output["output"] for output in run["_outputs"]]
    return int(run["_tool_tokens"]) + sum(count_tokens(text) for text in texts)


def _with_output(call: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    if call["type"] != "function":
        return call
    return {**call, "function": {**call["function"], "output": given.get(call["id"])}}
