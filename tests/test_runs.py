"""Runs through the openai SDK: the documented flows (poll, tool calls, cancel, expiry),
scripted replies, the refusals the service answers with, and run steps."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import openai
import pytest
import time_machine
from helpers import ENDPOINT, client

import fake_assistants
from fake_assistants import FakeAssistants, Reply, ReplyContext

API_VERSION = "2025-04-01-preview"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def thread_with(sdk: openai.AzureOpenAI, text: str = "What is the weather in Paris?") -> str:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": text}])
    return thread.id


def assistant(sdk: openai.AzureOpenAI, **fields: Any) -> str:
    return sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER], **fields).id


def raw(sdk: openai.AzureOpenAI, path: str) -> dict[str, Any]:
    """The JSON the service sent for a GET, exactly (keys in order)."""
    response = sdk.get(path, cast_to=httpx_response())
    return json.loads(response.content)  # type: ignore[no-any-return]


def httpx_response() -> Any:
    import httpx

    return httpx.Response


def reply_texts(sdk: openai.AzureOpenAI, thread_id: str) -> list[tuple[str, str]]:
    listed = sdk.beta.threads.messages.list(thread_id, order="asc")
    return [(m.role, m.content[0].text.value) for m in listed if m.content[0].type == "text"]


# --- the flows ---------------------------------------------------------------------------


def test_create_and_poll_returns_the_scripted_answer_without_sleeping(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, no_sleep: list[float]
) -> None:
    fake.add_reply("It is sunny.")
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))

    assert run.status == "completed"
    assert no_sleep == []
    assert reply_texts(sdk, thread_id) == [
        ("user", "What is the weather in Paris?"),
        ("assistant", "It is sunny."),
    ]
    assert [c.method for c in fake.calls][-3:] == ["POST", "GET", "GET"]


def test_the_create_response_is_queued_with_the_captured_defaults(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread_id = thread_with(sdk)
    assistant_id = assistant(sdk, instructions="Be brief.")
    raw_run = sdk.beta.threads.runs.with_raw_response.create(
        thread_id=thread_id, assistant_id=assistant_id
    )
    shown = json.loads(raw_run.http_response.content)

    assert list(shown) == [
        "id", "object", "created_at", "assistant_id", "thread_id", "status", "started_at",
        "expires_at", "cancelled_at", "failed_at", "completed_at", "required_action",
        "last_error", "model", "instructions", "tools", "tool_resources", "metadata",
        "temperature", "top_p", "max_completion_tokens", "max_prompt_tokens",
        "truncation_strategy", "incomplete_details", "usage", "response_format",
        "tool_choice", "parallel_tool_calls",
    ]  # fmt: skip
    assert shown["status"] == "queued"
    assert shown["started_at"] is None and shown["usage"] is None
    assert shown["expires_at"] == shown["created_at"] + 600
    assert shown["instructions"] == "Be brief."
    assert shown["truncation_strategy"] == {"type": "auto", "last_messages": None}
    assert (shown["tool_choice"], shown["response_format"]) == ("auto", "auto")
    assert (shown["temperature"], shown["top_p"], shown["tool_resources"]) == (1.0, 1.0, {})
    assert (
        shown["tools"]
        == sdk.beta.assistants.retrieve(assistant_id).model_dump(exclude_unset=True)["tools"]
    )
    assert shown["id"].startswith("run_") and len(shown["id"]) == 28


def test_parallel_tool_calls_is_absent_before_its_api_version(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    old = client(api_version="2024-05-01-preview")
    thread_id = thread_with(old)
    run = old.beta.threads.runs.with_raw_response.create(
        thread_id=thread_id, assistant_id=assistant(old)
    )
    assert "parallel_tool_calls" not in json.loads(run.http_response.content)


def test_a_tool_call_round_trip(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    fake.add_reply("It is 21 degrees and sunny in Paris.")
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))

    assert run.status == "requires_action"
    assert run.required_action is not None
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    assert (call.type, call.function.name) == ("function", "get_weather")
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert call.id.startswith("call_") and len(call.id) == 29

    waiting = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert [(s.type, s.status) for s in waiting] == [("tool_calls", "in_progress")]
    assert waiting[0].usage is None

    done = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread_id,
        tool_outputs=[{"tool_call_id": call.id, "output": "21C"}],
    )
    assert done.status == "completed"
    assert reply_texts(sdk, thread_id)[-1] == ("assistant", "It is 21 degrees and sunny in Paris.")

    steps = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    assert [(s.type, s.status) for s in steps] == [
        ("tool_calls", "completed"),
        ("message_creation", "completed"),
    ]
    assert steps[0].step_details.tool_calls[0].function.output == "21C"  # type: ignore[union-attr]
    message_id = steps[1].step_details.message_creation.message_id  # type: ignore[union-attr]
    message = sdk.beta.threads.messages.retrieve(message_id, thread_id=thread_id)
    assert (message.run_id, message.assistant_id) == (run.id, run.assistant_id)
    assert done.usage is not None
    total = [s.usage for s in steps if s.usage is not None]
    assert done.usage.prompt_tokens == sum(u.prompt_tokens for u in total)
    assert done.usage.completion_tokens == sum(u.completion_tokens for u in total)
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens
    assert all(s.expires_at is None for s in steps)


def test_the_run_after_submit_is_queued_with_its_first_start_time(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": "{}"}])
    thread_id = thread_with(sdk)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread_id, assistant_id=assistant(sdk)
        )
        started = run.started_at
        traveller.shift(15)
        call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
        queued = sdk.beta.threads.runs.submit_tool_outputs(
            run_id=run.id,
            thread_id=thread_id,
            tool_outputs=[{"tool_call_id": call.id, "output": ""}],
        )
        assert (queued.status, queued.started_at, queued.required_action) == (
            "queued",
            started,
            None,
        )
        final = sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    assert final.status == "completed"
    assert final.started_at == started + 15  # re-stamped when it went on
    assert final.completed_at == started + 15 and final.expires_at is None


def test_parallel_calls_need_every_output(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply(
        tool_calls=[
            {"name": "get_weather", "arguments": {"city": "Paris"}},
            {"name": "get_weather", "arguments": {"city": "Rome"}},
        ]
    )
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    first, second = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]

    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.submit_tool_outputs(
            run_id=run.id,
            thread_id=thread_id,
            tool_outputs=[{"tool_call_id": first.id, "output": "x"}],
        )
    assert caught.value.body == {
        "message": f"Expected tool outputs for call_ids ['{first.id}', '{second.id}'], "
        f"got ['{first.id}']",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status == "requires_action"
    done = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread_id,
        tool_outputs=[
            {"tool_call_id": second.id, "output": "rain"},
            {"tool_call_id": first.id, "output": "sun"},
        ],
    )
    assert done.status == "completed"
    step = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data[0]
    outputs = [c.function.output for c in step.step_details.tool_calls]  # type: ignore[union-attr]
    assert outputs == ["sun", "rain"]


def test_a_failing_reply_fails_the_run_as_captured(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    error = {
        "code": "rate_limit_exceeded",
        "message": "Rate limit is exceeded. Try again in 4 seconds.",
    }
    fake.add_reply(error=error)
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))

    assert run.status == "failed"
    assert run.last_error is not None and run.last_error.model_dump() == error
    assert run.failed_at is not None and run.expires_at is None
    assert run.usage is not None
    assert run.usage.model_dump(exclude_unset=True) == {
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "total_tokens": 0,
        "prompt_token_details": {"cached_tokens": 0},  # from 2025-03-01-preview, as recorded
    }
    assert reply_texts(sdk, thread_id) == [("user", "What is the weather in Paris?")]


def test_create_thread_and_run_poll(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply("Hello!")
    run = sdk.beta.threads.create_and_run_poll(
        assistant_id=assistant(sdk),
        thread={"messages": [{"role": "user", "content": "Hi"}], "metadata": {"k": "v"}},
    )
    assert run.status == "completed"
    assert sdk.beta.threads.retrieve(run.thread_id).metadata == {"k": "v"}
    assert reply_texts(sdk, run.thread_id) == [("user", "Hi"), ("assistant", "Hello!")]


def test_run_overrides_are_shown_and_used(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    seen: list[ReplyContext] = []

    def answer(ctx: ReplyContext) -> str:
        seen.append(ctx)
        return f"{len(ctx.messages)} messages"

    fake.add_reply(answer)
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread_id,
        assistant_id=assistant(sdk, instructions="Base."),
        model="gpt-4o-mini",
        additional_instructions="Extra.",
        additional_messages=[{"role": "user", "content": "Also Rome?"}],
        tools=[],
        metadata={"a": "1"},
        temperature=0.5,
        top_p=0.5,
        max_prompt_tokens=1000,
        max_completion_tokens=500,
        truncation_strategy={"type": "last_messages", "last_messages": 2},
        tool_choice="none",
        response_format={"type": "text"},
        parallel_tool_calls=False,
    )
    assert run.status == "completed"
    assert (run.model, run.instructions, run.tools) == ("gpt-4o-mini", "Base.\nExtra.", [])
    assert (run.metadata, run.temperature, run.top_p) == ({"a": "1"}, 0.5, 0.5)
    assert (run.max_prompt_tokens, run.max_completion_tokens) == (1000, 500)
    assert run.truncation_strategy is not None and run.truncation_strategy.last_messages == 2
    assert (run.tool_choice, run.parallel_tool_calls) == ("none", False)
    (ctx,) = seen
    assert [ctx.question, ctx.run["id"], ctx.run["status"]] == ["Also Rome?", run.id, "in_progress"]
    assert [m["content"][0]["text"]["value"] for m in ctx.messages] == [
        "What is the weather in Paris?",
        "Also Rome?",
    ]
    assert ctx.tool_outputs == [] and ctx.assistant["instructions"] == "Base."
    assert reply_texts(sdk, thread_id)[-1] == ("assistant", "2 messages")


def test_a_reply_function_sees_the_tool_outputs(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(Reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Oslo"}}]))
    fake.add_reply(lambda ctx: Reply(text=f"It is {ctx.tool_outputs[0]['output']}."))
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    sdk.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread_id,
        tool_outputs=[{"tool_call_id": call.id, "output": "cold"}],
    )
    assert reply_texts(sdk, thread_id)[-1] == ("assistant", "It is cold.")


def test_a_reply_function_that_raises_fails_the_run_naming_it(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    def broken(ctx: ReplyContext) -> str:
        return str(1 / 0)

    fake.add_reply(broken)
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))

    assert run.status == "failed" and run.last_error is not None
    assert run.last_error.code == "server_error"
    message = run.last_error.message
    expected = "fake-assistants: the reply function broken raised ZeroDivisionError: "
    assert message.startswith(f"{expected}division by zero (at {__file__}:")
    assert reply_texts(sdk, thread_id) == [("user", "What is the weather in Paris?")]
    assert fake.calls.last.status == 200  # the test's bug is no 500 of the fake's


def test_a_reply_function_that_returns_no_reply_fails_the_streamed_run(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(lambda ctx: 42)  # type: ignore[arg-type,return-value]
    thread_id = thread_with(sdk)
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant(sdk)) as stream:
        events = [event.event for event in stream]

    assert events[-1] == "thread.run.failed"
    run = sdk.beta.threads.runs.list(thread_id).data[0]
    assert run.last_error is not None
    assert run.last_error.message.startswith(
        f"fake-assistants: the reply function <lambda> (defined at {__file__}:"
    )
    assert run.last_error.message.endswith(") returned int, not a str or a Reply")
    assert sdk.beta.threads.messages.create(thread_id, role="user", content="again").id


def test_an_empty_reply_is_refused() -> None:
    fake = FakeAssistants()
    with pytest.raises(TypeError, match="an empty reply does nothing"):
        fake.add_reply()
    with pytest.raises(TypeError, match="an empty reply does nothing"):
        fake.add_reply(tool_calls=[])
    with pytest.raises(TypeError, match="an empty reply does nothing"):
        Reply(citations=["assistant-1"])
    assert fake.replies_left == 0
    assert Reply(hold=True).hold and Reply(text="").text == ""


def test_replies_can_be_kept_for_one_thread(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    first, second = thread_with(sdk, "one"), thread_with(sdk, "two")
    fake.add_reply("for the second", thread_id=second)
    fake.add_reply("for anyone")
    assistant_id = assistant(sdk)
    sdk.beta.threads.runs.create_and_poll(thread_id=first, assistant_id=assistant_id)
    sdk.beta.threads.runs.create_and_poll(thread_id=second, assistant_id=assistant_id)
    assert reply_texts(sdk, first)[-1] == ("assistant", "for anyone")
    assert reply_texts(sdk, second)[-1] == ("assistant", "for the second")
    assert fake.replies_left == 0


def test_the_default_reply_is_deterministic_and_follows_the_question(
    sdk: openai.AzureOpenAI,
) -> None:
    def answers(seed: int) -> list[str]:
        with fake_assistants.mock(endpoint=ENDPOINT, seed=seed):
            out = []
            for question in ("What is 2 + 2?", "Who wrote Hamlet?"):
                thread_id = thread_with(sdk, question)
                sdk.beta.threads.runs.create_and_poll(
                    thread_id=thread_id, assistant_id=assistant(sdk)
                )
                out.append(reply_texts(sdk, thread_id)[-1][1])
            return out

    once, again = answers(3), answers(3)
    assert once == again
    assert once[0] != once[1]


# --- polling -----------------------------------------------------------------------------


def test_run_polls_keeps_a_run_working_and_tells_the_sdk_not_to_wait(
    sdk: openai.AzureOpenAI, no_sleep: list[float]
) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, run_polls=3) as fake:
        thread_id = thread_with(sdk)
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread_id, assistant_id=assistant(sdk)
        )
        seen = [
            c.response.json()["status"]
            for c in fake.calls
            if "/runs" in c.path and c.method == "GET"
        ]
        headers = [c.response.header("openai-poll-after-ms") for c in fake.calls[-4:]]
    assert run.status == "completed"
    assert seen == ["in_progress", "in_progress", "in_progress", "completed"]
    assert no_sleep == [0.001, 0.001, 0.001]
    assert headers == ["1", "1", "1", None]


def test_without_run_polls_no_poll_header_is_sent(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread_id = thread_with(sdk)
    sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    assert all(c.response.header("openai-poll-after-ms") is None for c in fake.calls)


def test_a_held_run_stays_in_progress_until_released(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(Reply(text="Finally.", hold=True))
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant(sdk))
    for _ in range(3):
        assert sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status == "in_progress"
    assert fake.release() == 1
    assert sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status == "completed"
    assert reply_texts(sdk, thread_id)[-1] == ("assistant", "Finally.")
    assert fake.release() == 0


# --- time: expiry ------------------------------------------------------------------------


def test_a_run_left_waiting_expires_and_refuses_outputs(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {}}])
    thread_id = thread_with(sdk)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread_id, assistant_id=assistant(sdk)
        )
        call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
        traveller.shift(599)
        assert (
            sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status == "requires_action"
        )
        traveller.shift(1)
        expired = sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
        with pytest.raises(openai.BadRequestError) as caught:
            sdk.beta.threads.runs.submit_tool_outputs(
                run_id=run.id,
                thread_id=thread_id,
                tool_outputs=[{"tool_call_id": call.id, "output": ""}],
            )
    assert (expired.status, expired.expires_at, expired.required_action) == ("expired", None, None)
    assert caught.value.body == {
        "message": 'Runs in status "expired" do not accept tool outputs.',
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    (step,) = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert (step.status, step.expires_at) == ("expired", None)
    sdk.beta.threads.messages.create(thread_id, role="user", content="still there?")


def test_an_expiring_reply_expires_the_run(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply(Reply(expire=True))
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    assert (run.status, run.expires_at) == ("expired", None)


# --- the refusals --------------------------------------------------------------------------


def refusal(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def waiting_run(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> tuple[str, Any]:
    fake.add_reply(tool_calls=[{"name": "get_weather", "arguments": {}}])
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    return thread_id, run


def test_an_active_run_blocks_new_runs_and_messages(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread_id, run = waiting_run(fake, sdk)
    with pytest.raises(openai.BadRequestError) as new_run:
        sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=run.assistant_id)
    with pytest.raises(openai.BadRequestError) as new_message:
        sdk.beta.threads.messages.create(thread_id, role="user", content="hello?")
    assert new_run.value.body == refusal(f"Thread {thread_id} already has an active run {run.id}.")
    assert new_message.value.body == refusal(
        f"Can't add messages to {thread_id} while a run {run.id} is active."
    )
    assert len(sdk.beta.threads.runs.list(thread_id).data) == 1
    assert len(sdk.beta.threads.messages.list(thread_id).data) == 1


def test_a_queued_run_blocks_messages_too(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant(sdk))
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.messages.create(thread_id, role="user", content="hello?")
    assert caught.value.body == refusal(
        f"Can't add messages to {thread_id} while a run {run.id} is active."
    )


def test_outputs_for_a_run_that_is_not_waiting(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread_id = thread_with(sdk)
    queued = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant(sdk))
    with pytest.raises(openai.BadRequestError) as early:
        sdk.beta.threads.runs.submit_tool_outputs(
            run_id=queued.id, thread_id=thread_id, tool_outputs=[]
        )
    sdk.beta.threads.runs.poll(queued.id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError) as late:
        sdk.beta.threads.runs.submit_tool_outputs(
            run_id=queued.id, thread_id=thread_id, tool_outputs=[]
        )
    assert early.value.body == refusal('Runs in status "queued" do not accept tool outputs.')
    assert late.value.body == refusal('Runs in status "completed" do not accept tool outputs.')


def test_an_unknown_output_id_is_refused(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id, run = waiting_run(fake, sdk)
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.submit_tool_outputs(
            run_id=run.id,
            thread_id=thread_id,
            tool_outputs=[
                {"tool_call_id": call.id, "output": "a"},
                {"tool_call_id": "call_other", "output": "b"},
            ],
        )
    assert caught.value.body == refusal(
        f"Expected tool outputs for call_ids ['{call.id}'], got ['{call.id}', 'call_other']"
    )


def test_cancel_goes_through_cancelling(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id, run = waiting_run(fake, sdk)
    cancelling = sdk.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError) as again:
        sdk.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    cancelled = sdk.beta.threads.runs.poll(run.id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError) as after:
        sdk.beta.threads.runs.cancel(run.id, thread_id=thread_id)

    assert cancelling.status == "cancelling"
    assert (cancelled.status, cancelled.expires_at) == ("cancelled", None)
    assert cancelled.cancelled_at is not None
    assert again.value.body == refusal("Cannot cancel run with status 'cancelling'.")
    assert after.value.body == refusal("Cannot cancel run with status 'cancelled'.")
    (step,) = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert (step.status, step.cancelled_at) == ("cancelled", cancelled.cancelled_at)


def test_cancel_a_completed_run(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    assert caught.value.body == refusal("Cannot cancel run with status 'completed'.")


TOO_MANY_TOOLS = (
    "Invalid 'tools': array too long. Expected an array with maximum length 20, "
    "but got an array with length 21 instead."
)
LOW_PROMPT = (
    "Invalid 'max_prompt_tokens': integer below minimum value. "
    "Expected a value >= 256, but got 100 instead."
)
LOW_LAST = (
    "Invalid 'truncation_strategy.last_messages': integer below minimum value. "
    "Expected a value >= 1, but got 0 instead."
)
BAD_RUN_BODIES = {
    "no-assistant": (
        {},
        refusal(
            "Missing required parameter: 'assistant_id'.",
            "assistant_id",
            "missing_required_parameter",
        ),
    ),
    "bad-prefix": (
        {"assistant_id": "nope"},
        refusal(
            "Invalid 'assistant_id': 'nope'. Expected an ID that begins with 'asst'.",
            "assistant_id",
            "invalid_value",
        ),
    ),
    "21-tools": (
        {"assistant_id": "asst_x", "tools": [{"type": "code_interpreter"}] * 21},
        refusal(TOO_MANY_TOOLS, "tools", "array_above_max_length"),
    ),
    "prompt-tokens": (
        {"assistant_id": "asst_x", "max_prompt_tokens": 100},
        refusal(LOW_PROMPT, "max_prompt_tokens", "integer_below_min_value"),
    ),
    "instructions-type": (
        {"assistant_id": "asst_x", "instructions": 5},
        refusal(
            "Invalid type for 'instructions': expected a string, but got an integer instead.",
            "instructions",
            "invalid_type",
        ),
    ),
    "role": (
        {"assistant_id": "asst_x", "additional_messages": [{"role": "system", "content": "x"}]},
        refusal(
            "Invalid value: 'system'. Supported values are: 'user' and 'assistant'.",
            "additional_messages[0].role",
            "invalid_value",
        ),
    ),
    "last-messages": (
        {
            "assistant_id": "asst_x",
            "truncation_strategy": {"type": "last_messages", "last_messages": 0},
        },
        refusal(LOW_LAST, "truncation_strategy.last_messages", "integer_below_min_value"),
    ),
    "unknown": (
        {"assistant_id": "asst_x", "file_ids": []},
        refusal("Unknown parameter: 'file_ids'.", "file_ids", "unknown_parameter"),
    ),
}


@pytest.mark.parametrize(("body", "expected"), BAD_RUN_BODIES.values(), ids=BAD_RUN_BODIES)
def test_bad_run_bodies(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    thread_id = thread_with(sdk)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.post(f"/threads/{thread_id}/runs", body=body, cast_to=object)
    assert caught.value.body == expected
    assert sdk.beta.threads.runs.list(thread_id).data == []
    assert len(sdk.beta.threads.messages.list(thread_id).data) == 1


def test_unknown_objects_are_404(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    with pytest.raises(openai.NotFoundError) as no_assistant:
        sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id="asst_missing")
    with pytest.raises(openai.NotFoundError) as no_thread:
        sdk.beta.threads.runs.create(thread_id="thread_missing", assistant_id="asst_missing")
    with pytest.raises(openai.NotFoundError) as no_run:
        sdk.beta.threads.runs.retrieve("run_missing", thread_id=thread_id)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    with pytest.raises(openai.NotFoundError) as no_step:
        sdk.beta.threads.runs.steps.retrieve("step_missing", thread_id=thread_id, run_id=run.id)
    assert no_assistant.value.body == refusal("No assistant found with id 'asst_missing'.")
    assert no_thread.value.body == refusal("No thread found with id 'thread_missing'.")
    assert no_run.value.body == refusal("No run found with id 'run_missing'.")
    assert no_step.value.body == refusal("No run step found with id 'step_missing'.")


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"order": "sideways"}, {"after": "step_missing"}, {"before": "x"}],
    ids=["limit", "order", "unknown-cursor", "bad-cursor"],
)
def test_a_refused_step_request_does_not_move_the_run(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, query: dict[str, Any]
) -> None:
    """Found by the fuzz tests: listing or reading steps observes the run, and did so
    before checking the query or the step id, so a 400 or 404 moved a queued run on."""
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant(sdk))
    with pytest.raises(openai.APIStatusError):
        sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id, **query)
    with pytest.raises(openai.NotFoundError):
        sdk.beta.threads.runs.steps.retrieve("step_missing", thread_id=thread_id, run_id=run.id)
    stored = fake.service.resources["res.openai.azure.com"].store("threads", thread_id, "runs")
    assert stored.get(run.id)["status"] == "queued"  # type: ignore[index]
    assert sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data != []


def test_modify_takes_metadata_only(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    updated = sdk.beta.threads.runs.update(run.id, thread_id=thread_id, metadata={"k": "v"})
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.post(f"/threads/{thread_id}/runs/{run.id}", body={"instructions": "x"}, cast_to=object)
    assert updated.metadata == {"k": "v"}
    assert caught.value.body == refusal(
        "Unknown parameter: 'instructions'.", "instructions", "unknown_parameter"
    )


# --- more scripted turns ------------------------------------------------------------------


def test_code_interpreter_steps_come_before_the_answer(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(
        Reply(code_interpreter=[{"input": "print(6 * 7)", "logs": "42\n"}], text="It is 42.")
    )
    thread_id = thread_with(sdk, "What is 6 times 7?")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    steps = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    (call,) = steps[0].step_details.tool_calls  # type: ignore[union-attr]
    assert call.type == "code_interpreter"
    assert call.code_interpreter.input == "print(6 * 7)"  # type: ignore[union-attr]
    assert [o.model_dump() for o in call.code_interpreter.outputs] == [  # type: ignore[union-attr]
        {"type": "logs", "logs": "42\n"}
    ]
    assert reply_texts(sdk, thread_id)[-1] == ("assistant", "It is 42.")


def test_max_completion_tokens_cuts_the_answer(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    fake.add_reply(" ".join(["word"] * 300))
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant(sdk), max_completion_tokens=256
    )
    assert run.status == "incomplete"
    assert run.incomplete_details is not None
    assert run.incomplete_details.reason == "max_completion_tokens"
    assert run.usage is not None and run.usage.completion_tokens == 256
    text = reply_texts(sdk, thread_id)[-1][1]
    assert text == " ".join(["word"] * 256)


def test_a_scripted_incomplete_reason(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    fake.add_reply(Reply(incomplete="max_prompt_tokens"))
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    assert run.status == "incomplete"
    assert (
        run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"
    )


def test_deleting_a_thread_drops_its_runs(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    sdk.beta.threads.delete(thread_id)
    with pytest.raises(openai.NotFoundError):
        sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    assert all(
        key[:2] != ("threads", thread_id) for key in fake.service.resources[ENDPOINT[8:]].stores()
    )


def test_the_direct_api_reads_runs_and_steps(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant(sdk))
    runs = fake.threads[thread_id].runs
    assert [r["id"] for r in runs.list()] == [run.id]
    assert runs.retrieve(run.id)["status"] == "completed"
    assert [s["type"] for s in runs[run.id].steps.list()] == ["message_creation"]
    assert [m["role"] for m in fake.threads[thread_id].messages] == ["user", "assistant"]
    assert all(not key.startswith("_") for key in runs.retrieve(run.id))


# --- the default responder honours the request ----------------------------------------------


def test_a_forced_function_is_called_with_valid_arguments(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    parameters = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 2},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
            "unit": {"enum": ["c", "f"]},
        },
        "required": ["city", "days", "unit"],
        "additionalProperties": False,
    }
    forecast = {"type": "function", "function": {"name": "forecast", "parameters": parameters}}
    thread_id = thread_with(sdk)
    assistant_id = sdk.beta.assistants.create(model="m", tools=[WEATHER, forecast]).id
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread_id,
        assistant_id=assistant_id,
        tool_choice={"type": "function", "function": {"name": "forecast"}},
    )
    (call,) = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
    assert call.function.name == "forecast"
    jsonschema.validate(json.loads(call.function.arguments), parameters)
    done = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread_id,
        tool_outputs=[{"tool_call_id": call.id, "output": "7 days of sun"}],
    )
    assert done.status == "completed"  # forced once: then the model answers
    assert "7 days of sun" in reply_texts(sdk, thread_id)[-1][1]


def test_required_tool_choice_calls_a_function(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    thread_id = thread_with(sdk)
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant(sdk), tool_choice="required"
    )
    (call,) = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
    assert call.function.name == "get_weather"
    jsonschema.validate(json.loads(call.function.arguments), WEATHER["function"]["parameters"])  # type: ignore[index]


def test_a_json_schema_format_gets_valid_json(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
        "required": ["answer", "confidence"],
        "additionalProperties": False,
    }
    thread_id = thread_with(sdk)
    sdk.beta.threads.runs.create_and_poll(
        thread_id=thread_id,
        assistant_id=assistant(sdk),
        response_format={"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}},
    )
    jsonschema.validate(json.loads(reply_texts(sdk, thread_id)[-1][1]), schema)
