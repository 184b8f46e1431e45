"""Run and run step records: where they are stored, how they are made and shown."""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any

from ..._context import Context
from ..._default_reply import count_tokens
from ..._resource import Record
from ..._store import OrderedStore
from ..._turn import Usage
from ..._versions import ApiVersion
from .. import _shared
from . import citations
from .schema import has_parallel_tool_calls

RUN_KIND, RUN_PREFIX = "run", "run"
STEP_KIND, STEP_PREFIX = "run step", "step"
LIFETIME = 600  # seconds from creation to expires_at, in every capture
ACTIVE = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
TERMINAL = frozenset({"completed", "failed", "cancelled", "expired", "incomplete"})
DEFAULT_TRUNCATION = {"type": "auto", "last_messages": None}


def runs(ctx: Context, thread_id: str) -> OrderedStore[Record]:
    return ctx.resource.store("threads", thread_id, "runs")


def steps(ctx: Context, thread_id: str, run_id: str) -> OrderedStore[Record]:
    return ctx.resource.store("threads", thread_id, "runs", run_id, "steps")


def find_run(ctx: Context, thread_id: str, run_id: str) -> Record:
    return _shared.find(runs(ctx, thread_id), run_id, RUN_KIND, RUN_PREFIX, "run_id")


def find_step(ctx: Context, run: Record, step_id: str) -> Record:
    store = steps(ctx, run["thread_id"], run["id"])
    return _shared.find(store, step_id, STEP_KIND, STEP_PREFIX, "step_id")


def new_run(
    ctx: Context, thread_id: str, assistant: Record, body: dict[str, Any], now: int
) -> Record:
    """A queued run: the assistant's settings, overridden by what the request sent."""

    def pick(key: str, default: Any) -> Any:
        value = body.get(key)
        return default if value is None else value

    tools = body.get("tools")
    record: Record = {
        "id": ctx.resource.ids.new("run_"),
        "object": "thread.run",
        "created_at": now,
        "assistant_id": assistant["id"],
        "thread_id": thread_id,
        "status": "queued",
        "started_at": None,
        "expires_at": now + LIFETIME,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": pick("model", assistant["model"]),
        "instructions": _instructions(body, assistant),
        "tools": assistant["tools"] if tools is None else [_shared.stored_tool(t) for t in tools],
        "tool_resources": body.get("tool_resources") or {},
        "metadata": pick("metadata", {}),
        "temperature": float(pick("temperature", assistant["temperature"])),
        "top_p": float(pick("top_p", assistant["top_p"])),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "truncation_strategy": _truncation(body.get("truncation_strategy")),
        "incomplete_details": None,
        "usage": None,
        "response_format": pick("response_format", assistant["response_format"]),
        "tool_choice": pick("tool_choice", "auto"),
        "parallel_tool_calls": pick("parallel_tool_calls", True),
    }
    record.update(_private())
    record["_pending"] = ctx.fault_reply  # a fault rule's error, played at the first turn
    record["_tool_tokens"] = _tool_tokens(ctx, assistant, record["tools"])  # read every turn
    return record


def _tool_tokens(ctx: Context, assistant: Record, tools: list[dict[str, Any]]) -> int:
    """Tokens the tools' definitions cost: counted once per version of an assistant's
    tools (the very list its record holds), for each run's own tools."""
    if tools is not assistant["tools"]:
        return count_tokens(json.dumps(tools))
    key = ("tool_tokens", assistant["id"])
    cached = ctx.resource.cache.get(key)
    if isinstance(cached, tuple) and cached[0] is tools:
        return int(cached[1])
    tokens = count_tokens(json.dumps(tools))
    ctx.resource.cache[key] = (tools, tokens)
    return tokens


RUN_KEYS = (
    "id", "object", "created_at", "assistant_id", "thread_id", "status", "started_at",
    "expires_at", "cancelled_at", "failed_at", "completed_at", "required_action",
    "last_error", "model", "instructions", "tools", "tool_resources", "metadata",
    "temperature", "top_p", "max_completion_tokens", "max_prompt_tokens",
    "truncation_strategy", "incomplete_details", "usage", "response_format",
    "tool_choice", "parallel_tool_calls",
)  # fmt: skip  # the captured order; the engine's own keys (`_...`) are never shown


_run_values = itemgetter(*RUN_KEYS)  # in C: every run shown pays for this


def _private() -> Record:
    """The engine's own state, never shown: keys start with `_`."""
    return {
        "_polls": 0,  # observations seen in this leg (see Options.run_polls)
        "_outputs": [],  # tool outputs submitted so far
        "_calls": [],  # function calls made so far: {"id", "name", "arguments"}
        "_prompt": 0,  # usage summed over the steps
        "_completion": 0,
        "_pending": None,  # a held reply, waiting for fake.release()
        "_held": False,
        "_waiting_step": None,  # the tool_calls step awaiting outputs
        "_searched": False,  # a file_search step ran
        "_include": False,  # include[] asked for file_search result content
    }


def _instructions(body: dict[str, Any], assistant: Record) -> str | None:
    base = body.get("instructions")
    base = assistant["instructions"] if base is None else base
    extra = body.get("additional_instructions")
    if extra is None:
        return base  # type: ignore[no-any-return]
    return extra if base is None else f"{base}\n{extra}"


def _truncation(sent: dict[str, Any] | None) -> dict[str, Any]:
    if sent is None:
        return dict(DEFAULT_TRUNCATION)
    return {"type": sent["type"], "last_messages": sent.get("last_messages")}


def new_step(ctx: Context, run: Record, kind: str, details: dict[str, Any]) -> Record:
    now = ctx.now()
    record: Record = {
        "id": ctx.resource.ids.new("step_"),
        "object": "thread.run.step",
        "created_at": now,
        "run_id": run["id"],
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "type": kind,
        "status": "in_progress",
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": run["expires_at"],
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
    }
    steps(ctx, run["thread_id"], run["id"]).add(record["id"], now, record)
    return record


def save_step(ctx: Context, step: Record) -> None:
    steps(ctx, step["thread_id"], step["run_id"]).replace(step["id"], step)


def usage(prompt: int, completion: int) -> dict[str, int]:
    """Neutral usage (input, output tokens), as runs and steps show it."""
    counted = Usage(prompt, completion)
    return {
        "prompt_tokens": counted.input_tokens,
        "completion_tokens": counted.output_tokens,
        "total_tokens": counted.total_tokens,
    }


# --- rendering -----------------------------------------------------------------------------


def render_run(record: Record, version: ApiVersion, event: bool = False) -> Record:
    """The run as shown; as captured, stream events show the code interpreter's empty
    resource entry that REST responses leave out."""
    shown = dict(zip(RUN_KEYS, _run_values(record), strict=True))
    shown["tools"] = _shared.shown_tools(record["tools"], version)
    shown["response_format"] = _shared.shown_format(record["response_format"], version)
    if not has_parallel_tool_calls(version):
        del shown["parallel_tool_calls"]
    if version.generation == 1:
        return _v1_run(shown)
    if event and "code_interpreter" not in record["tool_resources"]:
        shown["tool_resources"] = {"code_interpreter": {"file_ids": []}, **record["tool_resources"]}
    shown["usage"] = shown_usage(record["usage"], version)
    return shown


V1_RUN_KEYS = (
    "id", "object", "created_at", "assistant_id", "thread_id", "status", "started_at",
    "expires_at", "cancelled_at", "failed_at", "completed_at", "required_action",
    "last_error", "model", "instructions", "tools",
)  # fmt: skip  # as recorded on 2024-02-15-preview (JS and .NET Assistants recordings)


def _v1_run(shown: Record) -> Record:
    """v1's run: no v2 settings; `required_action` only while there is one (the
    recordings show none while null)."""
    run = {key: shown[key] for key in V1_RUN_KEYS}
    if run["required_action"] is None:
        del run["required_action"]
    return {**run, "file_ids": [], "metadata": shown["metadata"]}


def shown_usage(usage: dict[str, Any] | None, version: ApiVersion) -> dict[str, Any] | None:
    """As recorded from 2025-03-01-preview on: cached prompt tokens (always none here)
    are detailed; completion tokens never are on Azure."""
    if usage is None or not version.cached_tokens:
        return usage
    return {**usage, "prompt_token_details": {"cached_tokens": 0}}


def render_step(record: Record, version: ApiVersion, include_content: bool = False) -> Record:
    """The step as shown; file_search results carry their `content` only when the
    request asked for it with `include[]`."""
    shown = {key: value for key, value in record.items() if not key.startswith("_")}
    details = shown["step_details"]
    if details["type"] == "tool_calls" and not include_content:
        calls = [citations.without_content(call) for call in details["tool_calls"]]
        shown["step_details"] = {"type": "tool_calls", "tool_calls": calls}
    shown["usage"] = shown_usage(shown["usage"], version)
    return shown
