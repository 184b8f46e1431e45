"""What run requests may carry, per api-version."""

from __future__ import annotations

from functools import cache

from ..._validation import Arr, Bool, Enum, Node, Num, Obj, OneOf, Str, Tagged
from ..._versions import ApiVersion
from .. import _shared, messages, threads
from .._shared import METADATA, TYPE

MAX_TOOLS = 20
INCLUDE_VALUES = ("step_details.tool_calls[*].file_search.results[*].content",)
PARALLEL_TOOL_CALLS_FROM = "2024-07-01-preview"  # absent in 2024-05-01, seen in 2025-01-01

TRUNCATION = Obj(
    fields={
        "type": Enum(values=("auto", "last_messages")),
        "last_messages": Num(minimum=1, integer=True, nullable=True),
    },
    required=("type",),
    nullable=True,
)
TOOL_CHOICE = OneOf(
    options=(
        Enum(values=("none", "auto", "required")),
        Tagged(
            variants={
                "function": Obj(
                    fields={
                        "type": TYPE,
                        "function": Obj(fields={"name": Str()}, required=("name",)),
                    },
                    required=("function",),
                ),
                "code_interpreter": Obj(fields={"type": TYPE}),
                "file_search": Obj(fields={"type": TYPE}),
            }
        ),
    ),
    nullable=True,
)
TOKENS = Num(minimum=256, integer=True, nullable=True)


def has_parallel_tool_calls(version: ApiVersion) -> bool:
    return version.at_least(PARALLEL_TOOL_CALLS_FROM)


def _overrides(version: ApiVersion) -> dict[str, Node]:
    """The fields a run takes on create and on create-thread-and-run alike."""
    fields: dict[str, Node] = {
        "assistant_id": Str(),
        "model": Str(min_length=1, nullable=True),
        "instructions": Str(max_length=256_000, nullable=True),
        "tools": Arr(items=_shared.tools(version, 128).items, max_items=MAX_TOOLS, nullable=True),
        "metadata": METADATA,
        "temperature": Num(minimum=0, maximum=2, nullable=True),
        "top_p": Num(minimum=0, maximum=1, nullable=True),
        "stream": Bool(nullable=True),
        "max_prompt_tokens": TOKENS,
        "max_completion_tokens": TOKENS,
        "truncation_strategy": TRUNCATION,
        "tool_choice": TOOL_CHOICE,
        "response_format": _shared.response_format(version),
    }
    if has_parallel_tool_calls(version):
        fields["parallel_tool_calls"] = Bool(nullable=True)
    return fields


@cache
def create_body(version: ApiVersion) -> Obj:
    fields = _overrides(version)
    fields["additional_instructions"] = Str(max_length=256_000, nullable=True)
    fields["additional_messages"] = Arr(items=messages.body_schema(version), nullable=True)
    return Obj(fields=fields, required=("assistant_id",))


@cache
def create_thread_and_run_body(version: ApiVersion) -> Obj:
    fields = _overrides(version)
    fields["thread"] = Obj(fields=threads.body_schema(version, on_create=True).fields)
    fields["tool_resources"] = _shared.tool_resources(on_create=False)
    return Obj(fields=fields, required=("assistant_id",))


MODIFY = Obj(fields={"metadata": METADATA})
SUBMIT = Obj(
    fields={
        "tool_outputs": Arr(
            items=Obj(fields={"tool_call_id": Str(), "output": Str()}, required=("tool_call_id",))
        ),
        "stream": Bool(nullable=True),
    },
    required=("tool_outputs",),
)
