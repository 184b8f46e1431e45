"""Fault injection: rules checked before a request is served, that answer it with an
error status, delay it, drop its connection, or make the run it creates fail.

A faulted request (status, drop) changes no state: the service never sees it. A delay
is served normally after the sleep; a run error lets the request through and the run
it creates fails at its first turn.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any, Literal

from ._errors import GatewayError
from ._replies import Reply

Action = Literal["status", "delay", "drop", "run_error"]
RUN_CREATES = ("/openai/threads/runs", "/openai/threads/{thread_id}/runs")
DEFAULT_RUN_ERROR = {"code": "server_error", "message": "Sorry, something went wrong."}
SERVER_ERROR = (
    "The server had an error processing your request. Sorry about that! You can retry your "
    "request, or contact us through our help center at help.openai.com if the error persists."
)
RATE_LIMITED = (
    "Requests to the {operation} Operation under Azure OpenAI API version {version} have "
    "exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after "
    "{seconds} second{s}. Please go here: https://aka.ms/oai/quotaincrease if you would like "
    "to further increase the default rate limit."
)
GATEWAY_BODIES = {
    408: ("Timeout", "The operation was timeout."),
    503: (
        "ServiceUnavailable",
        "The service is temporarily unable to process your request. Please try again later.",
    ),
}


class Fault:
    """One rule. `hits` counts the requests it answered; `remaining` is how many more it
    takes (None: no bound); `cancel()` removes it."""

    def __init__(self, owner: Faults, number: int, seed: object, **fields: Any) -> None:
        self._owner = owner
        self.number = number
        self.action: Action = fields["action"]
        self.method: str = fields["method"]
        self.paths: tuple[str, ...] = fields["paths"]
        self.status: int | None = fields.get("status")
        self.retry_after: float | None = fields.get("retry_after")
        self.delay_ms: float = fields.get("delay_ms", 0.0)
        self.body: Mapping[str, Any] | None = fields.get("body")
        self.run_error: Mapping[str, str] | None = fields.get("run_error")
        self.times: int | None = fields.get("times")
        self.probability: float | None = fields.get("probability")
        self.hits = 0
        self.claimed = 0  # requests it was picked for, answered or not yet
        self.cancelled = False
        # Its own stream: adding a rule never shifts another rule's draws.
        self._random = random.Random(f"faults/{seed}/{number}")

    def __repr__(self) -> str:
        what = {"status": f"status={self.status}", "delay": f"delay_ms={self.delay_ms}"}
        return (
            f"Fault(#{self.number} {self.action} {what.get(self.action, '')} "
            f"{self.method} {' | '.join(self.paths)}, hits={self.hits}, times={self.times})"
        ).replace("  ", " ")

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.claimed, 0)

    @property
    def active(self) -> bool:
        return self in self._owner.rules()

    def cancel(self) -> None:
        """Removes the rule; cancelling twice does nothing."""
        self._owner.remove(self)

    def matches(self, method: str, path: str, template: str | None) -> bool:
        if self.method not in ("*", method):
            return False
        return any(_path_fits(p, path, template) for p in self.paths)

    def fires(self) -> bool:
        """One draw, for a matching request: whether the rule acts on it."""
        return self.probability is None or self._random.random() < self.probability

    def run_reply(self) -> Reply | None:
        """What the model's first turn is, in a run a run-error rule acts on."""
        if self.action != "run_error":
            return None
        return Reply(error=dict(self.run_error or DEFAULT_RUN_ERROR))

    def answer(self, operation: str, version: str) -> tuple[int, Any, tuple[tuple[str, str], ...]]:
        """Status, JSON payload and extra headers of a status rule's answer."""
        status = self.status or 500
        headers = _retry_headers(self.retry_after)
        if self.body is not None:
            return status, dict(self.body), headers
        if status == 429:
            after = 1.0 if self.retry_after is None else self.retry_after
            return 429, _rate_limited(operation, version, after), _retry_headers(after)
        return status, _envelope(status), headers


def _path_fits(pattern: str, path: str, template: str | None) -> bool:
    """A template (`{name}` in it) names a route; anything else is a glob on the path."""
    if "{" in pattern:
        return pattern == template
    return fnmatchcase(path, pattern)


def _retry_headers(after: float | None) -> tuple[tuple[str, str], ...]:
    if after is None:
        return ()
    return (("retry-after", str(math.ceil(after))), ("retry-after-ms", str(round(after * 1000))))


def _rate_limited(operation: str, version: str, after: float) -> dict[str, Any]:
    seconds = max(math.ceil(after), 1)
    text = RATE_LIMITED.format(
        operation=operation, version=version, seconds=seconds, s="" if seconds == 1 else "s"
    )
    return GatewayError(429, "429", text).body()


def _envelope(status: int) -> dict[str, Any]:
    if status == 500:
        return {
            "error": {"message": SERVER_ERROR, "type": "server_error", "param": None, "code": None}
        }
    code, message = GATEWAY_BODIES.get(status, (str(status), _phrase(status)))
    return GatewayError(status, code, message).body()


def _phrase(status: int) -> str:
    """The reason phrase; a status without one (499) gets `Error <status>`."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


@dataclass(frozen=True)
class Spec:
    """What a rule matches and how often, checked once when it is made."""

    method: str = "*"
    path: str | Sequence[str] = "*"
    times: int | None = None
    probability: float | None = None

    def fields(self) -> dict[str, Any]:
        paths = (self.path,) if isinstance(self.path, str) else tuple(self.path)
        if not paths or not all(p == "*" or p.startswith(("/", "*")) for p in paths):
            raise ValueError(f"path: a route template or glob starting with '/', not {paths}")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ValueError("times: a number of requests, 1 or more, or None for no bound")
        if self.probability is not None and not 0 < self.probability <= 1:
            raise ValueError("probability: a number in (0, 1], or None for every request")
        method = self.method.upper()
        if method != "*" and method not in HTTP_METHODS:
            raise ValueError(f"method: an HTTP method ({', '.join(HTTP_METHODS)}) or '*'")
        for template in (p for p in paths if "{" in p):
            _check_template(method, template)
        return dict(method=method, paths=paths, times=self.times, probability=self.probability)


HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _check_template(method: str, template: str) -> None:
    """A template is matched exactly, so one that no route has would never fire: it is
    refused, with the likeliest one meant."""
    import difflib

    from ._apis import ROUTES  # the routes' registry; imported late, it imports the APIs

    served = {t for m, t, _ in ROUTES if method in ("*", m)}
    if template in served:
        return
    close = difflib.get_close_matches(template, sorted(served), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    verb = "any method" if method == "*" else method
    raise ValueError(f"path: {template!r} is no route template served for {verb}{hint}")


class Faults:
    """The rules of one service, oldest first: the first that matches and fires acts."""

    def __init__(self, seed: object) -> None:
        self._seed = seed
        self._rules: list[Fault] = []
        self._made = 0
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def rules(self) -> tuple[Fault, ...]:
        return tuple(self._rules)

    def add(self, spec: Spec, **fields: Any) -> Fault:
        with self._lock:
            self._made += 1
            fault = Fault(self, self._made, self._seed, **spec.fields(), **fields)
            self._rules.append(fault)
            return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            fault.cancelled = True
            if fault in self._rules:
                self._rules.remove(fault)

    def clear(self) -> None:
        with self._lock:
            for fault in self._rules:
                fault.cancelled = True
            self._rules.clear()

    def pick(self, method: str, path: str, template: str | None) -> Fault | None:
        """The rule that acts on this request, if any. The request is claimed here, under
        the lock (a rule with `times=1` acts on one of many concurrent requests, even
        while a delay sleeps); its hit is counted when answered (`spend`)."""
        with self._lock:
            for fault in self._rules:
                if fault.matches(method, path, template) and fault.fires():
                    fault.claimed += 1
                    if fault.remaining == 0:
                        self._rules.remove(fault)  # no request left for it
                    return fault
            return None

    def spend(self, fault: Fault) -> None:
        """Counts a hit of a rule `pick` claimed the request for."""
        with self._lock:
            fault.hits += 1

    def unclaim(self, fault: Fault) -> None:
        """Gives back a claim the rule did not act on (a run-error rule whose run was
        refused): it stays for the next request, in its place among the rules."""
        with self._lock:
            fault.claimed -= 1
            if not fault.cancelled and fault not in self._rules:
                self._rules.append(fault)
                self._rules.sort(key=lambda rule: rule.number)
