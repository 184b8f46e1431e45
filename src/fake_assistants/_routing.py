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
        for method, template, handler in routes:
            self._add(method, template, handler)

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
