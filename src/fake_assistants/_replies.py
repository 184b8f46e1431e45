"""What the model says: scripted replies, taken in order, and a deterministic default.

Protocol-neutral on purpose: a reply is text, tool calls, an error, code interpreter
work; the run engine turns it into steps, messages and events.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from ._default_reply import default_arguments, default_json, default_text

IncompleteReason = Literal["max_completion_tokens", "max_prompt_tokens"]
Protocol = Literal["assistants", "responses"]


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes: `arguments` is sent as a JSON string (a dict is
    dumped, a string kept)."""

    name: str
    arguments: str = "{}"

    @staticmethod
    def of(value: ToolCall | Mapping[str, Any]) -> ToolCall:
        if isinstance(value, ToolCall):
            return value
        unknown = set(value) - {"name", "arguments"}
        if "name" not in value or unknown:
            raise TypeError(f"a tool call is {{'name': ..., 'arguments': ...}}, not {value!r}")
        arguments = value.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        return ToolCall(str(value["name"]), arguments)


@dataclass(frozen=True)
class CodeStep:
    """A code interpreter call the model makes (the fake runs no code): its input, what
    it printed, the images it drew (PNG bytes) and the files it wrote (`{name: bytes}`).
    Images and files become `assistants_output` files that download; the answer shows
    the images as `image_file` parts, and `sandbox:/mnt/data/<name>` in its text gets a
    `file_path` annotation."""

    input: str
    logs: str | None = None
    images: Sequence[bytes] = ()
    files: Mapping[str, bytes] = field(default_factory=dict)

    @staticmethod
    def of(value: CodeStep | Mapping[str, Any]) -> CodeStep:
        if isinstance(value, CodeStep):
            return value
        unknown = set(value) - {"input", "logs", "images", "files"}
        if unknown:
            raise TypeError(f"a code step takes input, logs, images, files; not {sorted(unknown)}")
        return CodeStep(
            str(value.get("input", "")),
            value.get("logs"),
            tuple(value.get("images", ())),
            dict(value.get("files", {})),
        )


@dataclass(frozen=True)
class Reply:
    """One turn of the model.

    - `text`: the assistant's message.
    - `tool_calls`: function calls (`[{"name": ..., "arguments": {...}}]`); the run waits
      in `requires_action` for their outputs. Several are parallel calls.
    - `error`: the run fails with this `last_error` (`{"code", "message"}`).
    - `code_interpreter`: code interpreter steps (`[{"input": ..., "logs": ...}]`).
    - `incomplete`: the run ends `incomplete` for this reason.
    - `expire`: the run ends `expired`, as if the model never answered in time.
    - `hold`: the run stays `in_progress` until `fake.release()`; then this reply goes on.
    - `file_search`: a query: a file_search step searches the run's vector stores, and
      the answer (`text`, or one the fake composes from the best passage) cites what
      it found.
    - `citations`: file ids the answer cites (`【i:j†source】` markers and
      `file_citation` annotations are added to `text`).
    """

    text: str | None = None
    tool_calls: Sequence[ToolCall | Mapping[str, Any]] = ()
    error: Mapping[str, str] | None = None
    code_interpreter: Sequence[CodeStep | Mapping[str, Any]] = ()
    incomplete: IncompleteReason | None = None
    expire: bool = False
    hold: bool = False
    file_search: str | None = None
    citations: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tool_calls", tuple(ToolCall.of(c) for c in self.tool_calls))
        steps = tuple(CodeStep.of(s) for s in self.code_interpreter)
        object.__setattr__(self, "code_interpreter", steps)
        object.__setattr__(self, "citations", tuple(self.citations))
        if self.error is not None and set(self.error) - {"code", "message"}:
            raise TypeError(f"error is {{'code': ..., 'message': ...}}, not {self.error!r}")
        if self.incomplete not in (None, "max_completion_tokens", "max_prompt_tokens"):
            raise ValueError("incomplete: 'max_completion_tokens' or 'max_prompt_tokens'")
        for name, value in self._texts():
            _encodable(name, value)
        if not self._acts():
            raise TypeError(
                "an empty reply does nothing: give it text=, tool_calls=, error=, "
                "code_interpreter=, incomplete=, expire=, hold= or file_search="
            )

    def _texts(self) -> Iterator[tuple[str, object]]:
        """Every string the answer shows, named for an error (all must be UTF-8)."""
        yield "text", self.text
        yield "file_search", self.file_search
        for index, call in enumerate(self.calls):
            yield f"tool_calls[{index}].name", call.name
            yield f"tool_calls[{index}].arguments", call.arguments
        for key, value in (self.error or {}).items():
            yield f"error.{key}", value
        for index, step in enumerate(self.code_steps):
            yield f"code_interpreter[{index}].input", step.input
            yield f"code_interpreter[{index}].logs", step.logs
            for name in step.files:
                yield f"code_interpreter[{index}].files", name
        for index, citation in enumerate(self.citations):
            yield f"citations[{index}]", citation

    def _acts(self) -> bool:
        """Whether this turn does anything (an empty one would pass the turn silently)."""
        return (
            self.text is not None
            or bool(self.tool_calls or self.code_interpreter)
            or self.error is not None
            or self.incomplete is not None
            or self.expire
            or self.hold
            or self.file_search is not None
        )

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        """`tool_calls` as ToolCall values (`__post_init__` made them so)."""
        return self.tool_calls  # type: ignore[return-value]

    @property
    def code_steps(self) -> tuple[CodeStep, ...]:
        """`code_interpreter` as CodeStep values (`__post_init__` made them so)."""
        return self.code_interpreter  # type: ignore[return-value]


def _encodable(name: str, value: object) -> None:
    """Refuses a string with a lone surrogate (`"\\ud800"`): no UTF-8 JSON answer could
    carry it, so every read of the thread would fail."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{name}: a lone surrogate ({value[error.start]!r} at index {error.start}) "
                "cannot be sent as UTF-8 JSON; use a real character"
            ) from None


@dataclass(frozen=True)
class ReplyContext:
    """What a reply function (`fake.add_reply(fn)`) is given.

    Neutral (the same on every protocol): `question`, the newest user message's text;
    `tool_outputs`, the outputs given so far (`{"tool_call_id", "output"}`); `tool_calls`,
    the function calls made so far (`{"id", "name", "arguments"}`); `protocol`, which API
    asks (`"assistants"`). The protocol's own objects beside them: `run`, the run as the
    API shows it; `messages`, the thread's messages, oldest first, as the API shows them;
    `assistant`, the run's assistant.
    """

    run: dict[str, Any]
    messages: list[dict[str, Any]]
    tool_outputs: list[dict[str, Any]]
    assistant: dict[str, Any]
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    vector_store_ids: list[str] = field(default_factory=list)  # what file_search searches
    sandbox: dict[str, str] = field(default_factory=dict)  # /mnt/data/<file_id> -> its name
    searched: bool = False  # a file_search step ran in this run already
    protocol: Protocol = "assistants"  # which API the model answers

    @property
    def question(self) -> str:
        """The text of the newest user message ("" when there is none)."""
        for message in reversed(self.messages):
            if message["role"] == "user":
                return text_of(message)
        return ""


ReplyFunction = Callable[[ReplyContext], "str | Reply"]


@dataclass
class _Queued:
    source: str | Reply | ReplyFunction
    assistant_id: str | None
    thread_id: str | None
    reply: Reply | None = None  # a text or Reply, made a Reply when added

    def __post_init__(self) -> None:
        if not callable(self.source):
            self.reply = as_reply(self.source)

    def fits(self, run: Mapping[str, Any]) -> bool:
        return self.assistant_id in (None, run["assistant_id"]) and self.thread_id in (
            None,
            run["thread_id"],
        )


@dataclass
class Replies:
    """The scripted replies, first in first out; the default answers when none fits."""

    seed: object = 0
    _queue: list[_Queued] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        source: str | Reply | ReplyFunction,
        assistant_id: str | None = None,
        thread_id: str | None = None,
    ) -> None:
        with self._lock:
            self._queue.append(_Queued(source, assistant_id, thread_id))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)

    def queued(self) -> list[tuple[str | Reply | ReplyFunction, str | None, str | None]]:
        """The replies not taken yet, in order: (source, assistant_id, thread_id)."""
        with self._lock:
            return [(q.source, q.assistant_id, q.thread_id) for q in self._queue]

    def next(self, run: Mapping[str, Any], context: Callable[[], ReplyContext]) -> Reply:
        """The reply for the model's next turn in `run`. `context` is called only when
        a reply function or the default needs it (a scripted text does not)."""
        with self._lock:
            found = next((q for q in self._queue if q.fits(run)), None)
            if found is not None:
                self._queue.remove(found)
        if found is None:
            return self.default(context())
        if found.reply is not None:
            return found.reply
        return _called(found.source, context())  # type: ignore[arg-type]

    def default(self, ctx: ReplyContext) -> Reply:
        """Deterministic and derived from the conversation; honours `tool_choice` (a
        forced function is called with arguments valid for its `parameters`, on the
        run's first turn) and a json response format."""
        forced = forced_function(ctx)
        if forced is not None:
            parameters = forced.get("parameters")
            return Reply(tool_calls=[ToolCall(forced["name"], default_arguments(parameters))])
        if searches(ctx):
            return Reply(file_search=ctx.question)
        response_format = ctx.run.get("response_format")
        if isinstance(response_format, dict) and response_format["type"] != "text":
            schema = response_format.get("json_schema", {}).get("schema")
            return Reply(text=default_json(schema, self.seed, ctx.question))
        return Reply(text=default_text(self.seed, ctx.question, named_outputs(ctx)))


# True while a reply function runs: what it reads through the fake must not move runs
# (a run read there took the model's next turn inside this one: two answers).
_REPLYING: ContextVar[bool] = ContextVar("fake_assistants_replying", default=False)


def replying() -> bool:
    """Whether a reply function is running (in this thread or task)."""
    return _REPLYING.get()


def _called(function: ReplyFunction, ctx: ReplyContext) -> Reply:
    """What a user's reply function answers. Its failure (an exception, a value that is
    no reply) is the test's bug, not the fake's: the run fails with a `server_error`
    that names the function, what went wrong and where."""
    token = _REPLYING.set(True)
    try:
        value = function(ctx)
    except Exception as error:
        return _failed(
            f"the reply function {_name(function)} raised {_detail(error)}{_where(error)}"
        )
    finally:
        _REPLYING.reset(token)
    if not isinstance(value, str | Reply):
        kind = type(value).__name__
        return _failed(
            f"the reply function {_name(function)}{_defined(function)} returned {kind}, "
            "not a str or a Reply"
        )
    try:
        return as_reply(value)
    except ValueError as error:  # a text with a lone surrogate
        return _failed(f"the reply function {_name(function)}{_defined(function)}: {error}")


def _name(function: object) -> str:
    return getattr(function, "__name__", None) or repr(function)


def _failed(message: str) -> Reply:
    return Reply(error={"code": "server_error", "message": f"fake-assistants: {message}"})


def _detail(error: Exception) -> str:
    return "".join(traceback.format_exception_only(error)).strip()


def _where(error: Exception) -> str:
    innermost = traceback.extract_tb(error.__traceback__)[-1:]
    return f" (at {innermost[0].filename}:{innermost[0].lineno})" if innermost else ""


def _defined(function: object) -> str:
    code = getattr(function, "__code__", None)
    return f" (defined at {code.co_filename}:{code.co_firstlineno})" if code else ""


def as_reply(value: str | Reply) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(text=value)
    raise TypeError(f"a reply function returns a str or a Reply, not {type(value).__name__}")


def searches(ctx: ReplyContext) -> bool:
    """Whether the default model searches the files first: the run has the file_search
    tool and stores to search, has not searched yet, and `tool_choice` allows it."""
    choice = ctx.run.get("tool_choice")
    allowed = choice in ("auto", "required", None) or (
        isinstance(choice, dict) and choice.get("type") == "file_search"
    )
    has_tool = any(tool["type"] == "file_search" for tool in ctx.run.get("tools", []))
    return allowed and has_tool and bool(ctx.vector_store_ids) and not ctx.searched


def forced_function(ctx: ReplyContext) -> dict[str, Any] | None:
    """The function `tool_choice` makes the model call on the run's first turn, if any."""
    if ctx.tool_outputs:
        return None  # forced once: after outputs the model answers
    choice = ctx.run.get("tool_choice")
    functions = [t["function"] for t in ctx.run.get("tools", []) if t["type"] == "function"]
    if choice == "required" and functions:
        return dict(functions[0])
    if isinstance(choice, dict) and choice.get("type") == "function":
        name = choice["function"]["name"]
        return next((dict(f) for f in functions if f["name"] == name), {"name": name})
    return None


def named_outputs(ctx: ReplyContext) -> list[dict[str, str]]:
    """The tool outputs with the name of the function each answers, for the default text."""
    names = {call["id"]: call["name"] for call in ctx.tool_calls}
    return [
        {**output, "name": names.get(output["tool_call_id"], "the tool")}
        for output in ctx.tool_outputs
    ]


def text_of(message: Mapping[str, Any]) -> str:
    """The text parts of a message, joined."""
    parts = [p["text"]["value"] for p in message.get("content", []) if p["type"] == "text"]
    return "\n".join(parts)
