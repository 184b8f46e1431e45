"""file_search in a run: the search step, and answers that cite what it found.

Citation markers follow the service's format `【<message>:<result>†<source>】`; Azure
writes the word `source` where OpenAI writes the file name (captured), and so does the
fake. Annotations cover the marker exactly (`start_index`..`end_index`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..._default_reply import count_tokens
from ..vector_stores import Result

RANKER = "default_2024_08_21"
DEFAULT_MAX_RESULTS = 20
SOURCE = "source"
NOTHING_FOUND = "I could not find anything about that in the files I can search."
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_WORD = re.compile(r"\w+")


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
    """The default answer: the sentence of the best passage that shares most words with
    the question, and the file it cites."""
    if not results:
        return NOTHING_FOUND, []
    asked = {word.lower() for word in _WORD.findall(question)}
    sentences = [s.strip() for s in _SENTENCE.findall(results[0].text) if s.strip()]
    best = max(sentences, key=lambda s: len(asked & {w.lower() for w in _WORD.findall(s)}))
    return best, [results[0].file_id]


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
