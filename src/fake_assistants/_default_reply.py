"""The default responder: what a run answers when the test scripted no reply.

Everything here is a pure function of its arguments, so the same conversation gets the
same answer in every process (hashlib, never the salted `hash()`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ._schema_values import example

QUOTE_LIMIT = 60  # characters of the question or a tool output quoted in an answer
_TOKEN = re.compile(r"\w+|[^\w\s]")

_ANSWERS = (
    'You asked: "{question}". This is the default reply from fake-assistants, '
    "since no answer was scripted for this run (ref {ref}).",
    'About "{question}": no answer was scripted for this run, so fake-assistants '
    "gives this default reply instead (ref {ref}).",
    'Default reply from fake-assistants to "{question}": script an answer for this '
    "run to see your own text here (ref {ref}).",
)
_NO_QUESTION = (
    "Hello from fake-assistants. No answer was scripted for this run, so this is "
    "the default reply (ref {ref})."
)
_FROM_TOOLS = (
    "{results} That is what I found for your question (default reply from "
    "fake-assistants, ref {ref}).",
    "{results} Based on that result, this is the default answer from fake-assistants (ref {ref}).",
)


def default_text(
    seed: object, question: str, tool_outputs: Sequence[Mapping[str, str]] = ()
) -> str:
    """The answer of a run with no scripted reply: one to three short sentences.

    It quotes the question (or, after tool calls, what each tool returned) and ends with
    a short reference derived from `str(seed)`, the question and the outputs, so two
    conversations that differ get different answers. `tool_outputs` items have
    `tool_call_id` and `output`, and optionally the function `name`.
    """
    digest = _digest(seed, question, tool_outputs)
    ref = digest[:6]
    pick = int(digest[6:14], 16)
    if tool_outputs:
        results = " ".join(_sentence(_tool_result(item)) for item in tool_outputs)
        return _FROM_TOOLS[pick % len(_FROM_TOOLS)].format(results=results, ref=ref)
    quoted = _quote(question)
    if not quoted:
        return _NO_QUESTION.format(ref=ref)
    return _ANSWERS[pick % len(_ANSWERS)].format(question=quoted, ref=ref)


def default_arguments(parameters: Mapping[str, Any] | None) -> str:
    """The arguments of a function call forced by `tool_choice`: a compact JSON value
    that validates against the function's `parameters` (`"{}"` when it has none)."""
    if not parameters:
        return "{}"
    return _compact(example(parameters))


def default_json(schema: Mapping[str, Any] | None, seed: object, question: str) -> str:
    """The answer under a JSON response format: for `json_schema`, a compact value valid
    against `schema` (it depends on the schema only); for `json_object` (`schema`
    None), `{"answer": <default_text>}`."""
    if schema is None:
        return _compact({"answer": default_text(seed, question)})
    return _compact(example(schema))


def count_tokens(text: str) -> int:
    """Tokens for `usage`: the number of matches of `\\w+|[^\\w\\s]`, that is each run of
    word characters and each punctuation mark or symbol, whitespace not counted.
    `"get_weather returned: 21."` is 5 tokens; `""` is 0."""
    if len(text) > _CACHED_TEXT:
        return len(_TOKEN.findall(text))
    return _count_short(text)


# Each turn counts the instructions and every message again: short texts are counted
# once. Long ones are not kept (the cache would hold them).
_CACHED_TEXT = 2048


@lru_cache(maxsize=4096)
def _count_short(text: str) -> int:
    return len(_TOKEN.findall(text))


def _digest(seed: object, question: str, tool_outputs: Sequence[Mapping[str, str]]) -> str:
    outputs = [
        [item.get("name", ""), item.get("tool_call_id", ""), item.get("output", "")]
        for item in tool_outputs
    ]
    material = json.dumps([str(seed), question, outputs], ensure_ascii=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


def _tool_result(item: Mapping[str, str]) -> str:
    who = item.get("name") or f"Tool call {item.get('tool_call_id', '?')}"
    output = _quote(str(item.get("output", "")))
    return f"{who} returned: {output}" if output else f"{who} returned nothing"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _quote(text: str) -> str:
    """The text on one line, cut to QUOTE_LIMIT characters (at a space when there is
    one) with `...`."""
    line = " ".join(text.split())
    if len(line) <= QUOTE_LIMIT:
        return line
    cut = line[: QUOTE_LIMIT - 3]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
