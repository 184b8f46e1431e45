"""The protocol-neutral model turn: what a reply makes the model say and cite, as plain
outputs (no runs, no markers), and the assistants rendering of those outputs."""

from __future__ import annotations

from helpers import client

import fake_assistants
from fake_assistants import Reply, ReplyContext
from fake_assistants._apis.runs import citations, sandbox
from fake_assistants._apis.vector_stores import Result
from fake_assistants._turn import (
    NOTHING_FOUND,
    Citation,
    CodeCall,
    Error,
    FunctionCall,
    MadeFile,
    Message,
    SearchCall,
    Usage,
    answer,
    cited_message,
    error_of,
    function_calls,
)

PASSAGE = Result("file-a", "hours.txt", "The office opens at nine. It closes at five.", 0.8)


def test_a_text_reply_is_a_message_without_citations() -> None:
    assert answer(Reply(text="Hello.")) == Message("Hello.")


def test_a_reply_without_text_says_nothing() -> None:
    assert answer(Reply(tool_calls=[{"name": "f"}])) is None


def test_citations_stand_before_the_final_period_as_offsets_in_plain_text() -> None:
    message = answer(Reply(text="It opens at nine.", citations=["file-a", "file-b"]))
    assert message == Message("It opens at nine.", (Citation("file-a", 16), Citation("file-b", 16)))
    assert cited_message("No period", ["file-a"]).citations == (Citation("file-a", 9),)


def test_a_search_without_text_composes_the_answer_from_the_best_passage() -> None:
    search = SearchCall("When does the office open?", (PASSAGE,))
    message = answer(Reply(file_search=search.query), search)
    assert message == Message("The office opens at nine.", (Citation("file-a", 24, "hours.txt"),))


def test_a_search_cites_the_best_passage_under_a_scripted_text() -> None:
    search = SearchCall("open?", (PASSAGE,))
    assert answer(Reply(text="Nine.", file_search="open?"), search) == Message(
        "Nine.", (Citation("file-a", 4, "hours.txt"),)
    )
    named = answer(Reply(text="Nine.", file_search="open?", citations=["file-b"]), search)
    assert named is not None and named.citations == (Citation("file-b", 4),)


def test_a_search_that_finds_nothing_says_so_and_cites_nothing() -> None:
    search = SearchCall("open?", ())
    assert answer(Reply(file_search="open?"), search) == Message(NOTHING_FOUND)
    assert search.tokens == 0


def test_calls_and_usage_are_neutral_values() -> None:
    reply = Reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Oslo"}}])
    assert function_calls(reply) == (FunctionCall("get_weather", '{"city": "Oslo"}'),)
    assert function_calls(reply)[0].tokens > 0
    assert CodeCall("print(6*7)", "42").tokens == 6  # print ( 6 * 7 )
    assert SearchCall("q", (PASSAGE,)).tokens > 0
    assert Usage(3, 4).total_tokens == 7
    failed = Reply(error={"code": "rate_limit_exceeded", "message": "Slow down."})
    assert error_of(failed) == Error("rate_limit_exceeded", "Slow down.")
    assert error_of(Reply(error={"message": "No code."})) == Error(None, "No code.")
    assert error_of(Reply(text="Fine.")) is None


def test_assistants_render_citations_as_markers_over_their_annotations() -> None:
    message = Message("Nine. Five.", (Citation("file-a", 4), Citation("file-b", 10)))
    text, annotations = citations.cite(message, 2)
    assert text == "Nine【2:0†source】. Five【2:1†source】."
    for annotation in annotations:
        assert text[annotation["start_index"] : annotation["end_index"]] == annotation["text"]
    assert [a["file_citation"]["file_id"] for a in annotations] == ["file-a", "file-b"]
    assert citations.cite(Message("Plain."), 0) == ("Plain.", [])


def test_assistants_point_file_path_annotations_at_the_files_a_code_call_made() -> None:
    made = CodeCall("plot()", None, (MadeFile("file-1", "/mnt/data/a.csv", image=False),))
    text = "Saved to sandbox:/mnt/data/a.csv for you."
    (found,) = sandbox.file_paths(text, made.files)
    assert text[found["start_index"] : found["end_index"]] == "sandbox:/mnt/data/a.csv"
    assert found["file_path"] == {"file_id": "file-1"}
    picture = MadeFile("file-2", "a.png", image=True)
    assert sandbox.file_paths("sandbox:a.png", [picture]) == []


def test_a_reply_function_is_told_the_protocol_beside_the_neutral_view(
    fake: fake_assistants.FakeAssistants,
) -> None:
    seen: list[ReplyContext] = []

    def reply(ctx: ReplyContext) -> str:
        seen.append(ctx)
        return f"{ctx.protocol}: {ctx.question}"

    fake.add_reply(reply)
    sdk = client()
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi?"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    (ctx,) = seen
    assert (ctx.protocol, ctx.question, ctx.tool_outputs, ctx.tool_calls) == (
        "assistants",
        "Hi?",
        [],
        [],
    )
    answer_text = sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0]
    assert answer_text.type == "text" and answer_text.text.value == "assistants: Hi?"
