"""The model's turn, protocol-neutral: what a `Reply` makes the model do, as outputs any
protocol can render. It knows nothing of runs, steps, threads or HTTP: the assistants
runs write these outputs as run steps, messages and `thread.*` events; a responses
renderer would write the same outputs as output items and events.

- `SearchCall`: a file_search call, its query and the passages it found.
- `CodeCall`: a code interpreter call, its code, its logs and the files it made.
- `Message`: the answer's plain text and the files it cites, each at an offset in the
  text (no markers: a renderer writes its own, as assistants' `【i:j†source】`).
- `FunctionCall`: a call the model waits on (the caller gives it an id).
- `Usage`: input and output tokens.
- `Error`: why the turn failed (an incomplete turn's reason is the reply's `incomplete`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from ._default_reply import count_tokens
from ._replies import Reply

NOTHING_FOUND = "I could not find anything about that in the files I can search."
_PARAGRAPH = re.compile(r"\n\s*\n")
# A line that starts a block of its own: a list item, a heading, a table row.
_BLOCK_START = re.compile(r"\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#|\|)")
# A sentence ends at . ! or ? (and closing quotes or brackets) before white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?![a-z])")  # not "e.g. a"
_WORD = re.compile(r"\w+")
SHORT_LINE = 0.6  # of the paragraph's widest line: shorter lines end a block


class Passage(Protocol):
    """A passage a search found (the vector stores' `Result` is one)."""

    @property
    def file_id(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float: ...


@dataclass(frozen=True)
class Citation:
    """A cited file, at `index` in the message's plain text (where a marker would go;
    the responses `file_citation` annotation's `index`)."""

    file_id: str
    index: int
    filename: str | None = None  # known when a search found the file; else the renderer's


@dataclass(frozen=True)
class Message:
    text: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class SearchCall:
    query: str
    results: tuple[Passage, ...]

    @property
    def tokens(self) -> int:
        """What reading the results costs the model (input tokens)."""
        return sum(count_tokens(result.text) for result in self.results)


@dataclass(frozen=True)
class MadeFile:
    """A file a code call made: its id (once stored), name and whether it is an image."""

    id: str
    name: str
    image: bool


@dataclass(frozen=True)
class CodeCall:
    code: str
    logs: str | None
    files: tuple[MadeFile, ...] = ()

    @property
    def tokens(self) -> int:
        return count_tokens(self.code)  # the model writes the code (output tokens)


@dataclass(frozen=True)
class FunctionCall:
    name: str
    arguments: str

    @property
    def tokens(self) -> int:
        return count_tokens(self.name + self.arguments)


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Error:
    """The turn failed: a run's `last_error`, a response's `error`."""

    code: str | None
    message: str | None


def error_of(reply: Reply) -> Error | None:
    return (
        None if reply.error is None else Error(reply.error.get("code"), reply.error.get("message"))
    )


def function_calls(reply: Reply) -> tuple[FunctionCall, ...]:
    return tuple(FunctionCall(call.name, call.arguments) for call in reply.calls)


def answer(reply: Reply, search: SearchCall | None = None) -> Message | None:
    """The answer a reply gives, if any: its text, or (after a search with no scripted
    text) one composed from the best passage; citing the reply's files, or else the
    best passage's file."""
    text, cited = reply.text, list(reply.citations)
    if search is not None:
        if text is None:
            text, cited = composed_answer(search.query, search.results)
        elif not cited and search.results:
            cited = [search.results[0].file_id]
    if text is None:
        return None
    names = {result.file_id: result.filename for result in search.results} if search else {}
    return cited_message(text, cited, names)


def cited_message(
    text: str, file_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> Message:
    """The citations stand at the end of the text, before its final period, as the
    service writes them (both protocols: a marker there, or an annotation's `index`)."""
    at = len(text) - 1 if text.endswith(".") else len(text)
    found = names or {}
    return Message(text, tuple(Citation(f, at, found.get(f)) for f in file_ids))


def composed_answer(question: str, results: Sequence[Passage]) -> tuple[str, list[str]]:
    """The default answer: the whole sentence of the best passage that shares most words
    with the question, and the file it cites."""
    if not results:
        return NOTHING_FOUND, []
    asked = {word.lower() for word in _WORD.findall(question)}
    found = sentences(results[0].text)
    if not found:  # a passage of symbols only
        return NOTHING_FOUND, []
    best = max(found, key=lambda s: (s.whole, len(asked & _words(s.text))))
    return best.text, [results[0].file_id]


class Sentence(NamedTuple):
    text: str
    whole: bool  # not cut off by the chunk's window at either end


def sentences(passage: str) -> list[Sentence]:
    """The passage's sentences. Hard-wrapped lines (of text files and PDF pages) are
    joined first; a blank line, a list item, a heading or a table row starts anew. A
    chunk is a window of tokens, so its first sentence may lack its start (it begins
    in lower case) and its last its end (no final punctuation): those are not whole."""
    found: list[Sentence] = []
    blocks = [block for paragraph in _PARAGRAPH.split(passage) for block in _blocks(paragraph)]
    for number, block in enumerate(blocks):
        parts = [part for part in _SENTENCE_END.split(block) if _WORD.search(part)]
        for index, part in enumerate(parts):
            cut_start = number == 0 and index == 0 and part[0].islower()
            cut_end = number == len(blocks) - 1 and index == len(parts) - 1
            cut_end = cut_end and not part.rstrip("\"')]").endswith((".", "!", "?"))
            found.append(Sentence(part.lstrip("-*+•# "), not (cut_start or cut_end)))
    return found


def _blocks(paragraph: str) -> list[str]:
    """A paragraph's lines joined into blocks, white space collapsed. A wrapped line
    fills most of the width, so a line after a much shorter one (a heading, the end of
    a paragraph in a PDF, which has no blank lines) starts a block too, unless it is
    indented."""
    lines = [line for line in paragraph.splitlines() if line.strip()]
    widest = max((len(line.strip()) for line in lines), default=0)
    blocks: list[list[str]] = []
    for line in lines:
        indented = line[0].isspace()  # goes on, as a list item's wrapped lines do
        short = bool(blocks) and len(blocks[-1][-1].strip()) < SHORT_LINE * widest
        short = short and not indented
        if not blocks or short or _BLOCK_START.match(line):
            blocks.append([])
        blocks[-1].append(line)
    return [" ".join(" ".join(block).split()) for block in blocks]


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}
