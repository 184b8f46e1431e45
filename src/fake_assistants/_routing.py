"""Routing as a table: anchored path templates matched segment by segment, once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

H = TypeVar("H")


@dataclass
class _Node(Generic[H]):
    literals: dict[str, _Node[H]] = field(default_factory=dict)
    param: tuple[str, _Node[H]] | None = None
    methods: dict[str, tuple[H, str]] = field(default_factory=dict)  # handler, template


@dataclass(slots=True)  # not frozen: made for every request, and frozen costs 3x
class Match(Generic[H]):
    handler: H
    params: dict[str, str]
    template: str = field(default="", compare=False)  # the route's, as registered


class Router(Generic[H]):
    """Templates like `/openai/assistants/{assistant_id}`; `{name}` takes one segment.

    Literal segments win over parameters, so `/threads/runs` is not read as a thread id.
    Percent-escapes are decoded per segment, after splitting, so `%2F` stays in an id.
    """

    def __init__(self, routes: Iterable[tuple[str, str, H]]) -> None:
        self._root: _Node[H] = _Node()
        self._templates: list[tuple[str, str]] = []  # (method, template), as registered
        for method, template, handler in routes:
            self._add(method, template, handler)
            self._templates.append((method, template))

    def _add(self, method: str, template: str, handler: H) -> None:
        node = self._root
        for segment in template.strip("/").split("/"):
            if segment.startswith("{"):
                name = segment[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                elif node.param[0] != name:
                    raise ValueError(
                        f"{template}: {{{name}}} where another route has {{{node.param[0]}}}"
                    )
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Node())
        if method in node.methods:
            raise ValueError(f"duplicate route {method} {template}")
        node.methods[method] = (handler, template)

    def match(self, method: str, path: str) -> Match[H] | None:
        node = self._root
        params: dict[str, str] = {}
        escaped = "%" in path  # rare: then each segment is decoded
        for raw in path.removeprefix("/").split("/"):
            segment = unquote(raw) if escaped else raw
            child = node.literals.get(segment)
            if child is None:
                if node.param is None or not segment:
                    return None
                name, child = node.param
                params[name] = segment
            node = child
        found = node.methods.get(method)
        return None if found is None else Match(found[0], params, found[1])

    def nearby(self, path: str, limit: int = 4) -> list[tuple[str, list[str]]]:
        """The templates served closest to a path no route serves, each with its methods:
        those sharing the most leading segments with it, the nearest in length first
        (the collections, when no more than the first segment is shared). For saying
        what is served instead, so it may take its time (refused paths only)."""
        segments = [unquote(raw) for raw in path.removeprefix("/").split("/")]
        methods: dict[str, list[str]] = {}
        for method, template in self._templates:
            methods.setdefault(template, []).append(method)
        ranked = []
        for order, template in enumerate(methods):
            parts = template.strip("/").split("/")
            shared = _shared(segments, parts)
            wanted = len(segments) if shared > 1 else 2  # else: the collections
            ranked.append((-shared, abs(len(parts) - wanted), order, template))
        ranked.sort()
        best = ranked[0][0] if ranked else 0
        if best == 0:
            return []
        return [(t, methods[t]) for shared, _, _, t in ranked if shared == best][:limit]


def _shared(segments: list[str], parts: list[str]) -> int:
    """How many leading segments of a path a template's parts take."""
    count = 0
    for segment, part in zip(segments, parts, strict=False):
        if not (segment == part or (part.startswith("{") and segment)):
            break
        count += 1
    return count
