"""file_search in a run: the search step, and answers that cite what it found.

Citation markers follow the service's format `【<message>:<result>†<source>】`; Azure
writes the word `source` where OpenAI writes the file name (captured), and so does the
fake. Annotations cover the marker exactly (`start_index`..`end_index`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..._default_reply import count_tokens
from ..vector_stores import Result

RANKER = "default_2024_08_21"
DEFAULT_MAX_RESULTS = 20
SOURCE = "source"
NOTHING_FOUND = "I could not find anything about that in the files I can search."
_PARAGRAPH = re.compile(r"\n\s*\n")
# A line that starts a block of its own: a list item, a heading, a table row.
_BLOCK_START = re.compile(r"\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#|\|)")
# A sentence ends at . ! or ? (and closing quotes or brackets) before white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?![a-z])")  # not "e.g. a"
_WORD = re.compile(r"\w+")
SHORT_LINE = 0.6  # of the paragraph's widest line: shorter lines end a block


def options(tools: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """`max_num_results` and `ranking_options` of the run's file_search tool."""
    tool = next((t for t in tools if t["type"] == "file_search"), {})
    settings = tool.get("file_search") or {}
    ranking = settings.get("ranking_options") or {}
    shown = {"ranker": RANKER, "score_threshold": float(ranking.get("score_threshold", 0.0))}
    return int(settings.get("max_num_results", DEFAULT_MAX_RESULTS)), shown


def call(call_id: str, ranking: dict[str, Any], results: Sequence[Result]) -> dict[str, Any]:
    """The step's tool call, results with their content (shown only when asked for)."""
    found = [
        {
            "file_id": result.file_id,
            "file_name": result.filename,
            "score": result.score,
            "content": [{"type": "text", "text": result.text}],
        }
        for result in results
    ]
    return {
        "id": call_id,
        "type": "file_search",
        "file_search": {"ranking_options": ranking, "results": found},
    }


def without_content(step_call: dict[str, Any]) -> dict[str, Any]:
    if step_call["type"] != "file_search":
        return step_call
    search = step_call["file_search"]
    results = [{k: v for k, v in r.items() if k != "content"} for r in search["results"]]
    return {**step_call, "file_search": {**search, "results": results}}


def composed_answer(question: str, results: Sequence[Result]) -> tuple[str, list[str]]:
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


def cite(
    text: str, file_ids: Sequence[str], message_index: int
) -> tuple[str, list[dict[str, Any]]]:
    """`text` with one marker per cited file, before its final period as the service
    writes them, and the `file_citation` annotations over the markers."""
    if not file_ids:
        return text, []
    tail = "." if text.endswith(".") else ""
    body = text[: len(text) - len(tail)]
    annotations = []
    for index, file_id in enumerate(file_ids):
        marker = f"【{message_index}:{index}†{SOURCE}】"
        start = len(body)
        body += marker
        annotations.append(
            {
                "type": "file_citation",
                "text": marker,
                "start_index": start,
                "end_index": start + len(marker),
                "file_citation": {"file_id": file_id},
            }
        )
    return body + tail, annotations


def tokens(results: Sequence[Result]) -> int:
    return sum(count_tokens(result.text) for result in results)
