"""file_search in a run, rendered: the search step's tool call, and the markers and
annotations of the answer's citations (what to say is the neutral turn's, `_turn`).

Citation markers follow the service's format `【<message>:<result>†<source>】`; Azure
writes the word `source` where OpenAI writes the file name (captured), and so does the
fake. Annotations cover the marker exactly (`start_index`..`end_index`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._turn import NOTHING_FOUND as NOTHING_FOUND  # its old home: still importable
from ..._turn import Message, Passage
from ..._turn import Sentence as Sentence
from ..._turn import composed_answer as composed_answer
from ..._turn import sentences as sentences

RANKER = "default_2024_08_21"
DEFAULT_MAX_RESULTS = 20
SOURCE = "source"


def options(tools: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """`max_num_results` and `ranking_options` of the run's file_search tool."""
    tool = next((t for t in tools if t["type"] == "file_search"), {})
    settings = tool.get("file_search") or {}
    ranking = settings.get("ranking_options") or {}
    shown = {"ranker": RANKER, "score_threshold": float(ranking.get("score_threshold", 0.0))}
    return int(settings.get("max_num_results", DEFAULT_MAX_RESULTS)), shown


def call(call_id: str, ranking: dict[str, Any], results: Sequence[Passage]) -> dict[str, Any]:
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


def cite(message: Message, message_index: int) -> tuple[str, list[dict[str, Any]]]:
    """The message's text with a marker at each citation, and the `file_citation`
    annotations over the markers."""
    text, done, annotations = "", 0, []
    for index, citation in enumerate(message.citations):
        text += message.text[done : citation.index]
        done = citation.index
        marker = f"【{message_index}:{index}†{SOURCE}】"
        annotations.append(
            {
                "type": "file_citation",
                "text": marker,
                "start_index": len(text),
                "end_index": len(text) + len(marker),
                "file_citation": {"file_id": citation.file_id},
            }
        )
        text += marker
    return text + message.text[done:], annotations
