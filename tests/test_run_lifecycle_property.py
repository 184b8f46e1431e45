"""The run lifecycle against a small reference model (hypothesis state machine).

The model knows only statuses, the scripted replies still to come and the clock; the fake
must agree with it after every request, through `Service.handle`.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_assistants import FakeAssistants, Reply, Request

HOST = "https://model.openai.azure.com"
VERSION = "2025-04-01-preview"
ACTIVE = {"queued", "in_progress", "requires_action", "cancelling"}
TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}
REPLIES = {
    "text": Reply(text="Fine."),
    "tool": Reply(tool_calls=[{"name": "f", "arguments": {}}]),
    "two-tools": Reply(tool_calls=[{"name": "f"}, {"name": "f"}]),
    "error": Reply(error={"code": "server_error", "message": "boom"}),
    "incomplete": Reply(incomplete="max_prompt_tokens"),
}
OUTCOME = {
    "text": "completed",
    "tool": "requires_action",
    "two-tools": "requires_action",
    "error": "failed",
    "incomplete": "incomplete",
}


class RunLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 1_800_000_000
        self.fake = FakeAssistants(endpoint=HOST, clock=lambda: self.now)
        self.assistant = self.call(
            "POST", "/assistants", {"model": "m", "instructions": "Be brief."}
        )[1]["id"]
        self.thread = self.call("POST", "/threads", {})[1]["id"]
        self.script: list[str] = []  # the replies the model will take, in order
        self.run: dict[str, Any] | None = None  # the model's view of the newest run
        self.messages = 0

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        url = f"{HOST}/openai{path}?api-version={VERSION}"
        content = b"" if body is None else json.dumps(body).encode()
        response = self.fake.handle(Request(method, url, {"api-key": "k"}, content))
        assert response.status < 500, response.body
        return response.status, response.json()

    @property
    def status(self) -> str | None:
        return None if self.run is None else self.run["status"]

    def observed(self) -> None:
        """What one observation does to the model's run."""
        run = self.run
        if run is None or run["status"] in TERMINAL:
            return
        if self.now >= run["expires_at"]:
            run["status"] = "expired"
        elif run["status"] == "cancelling":
            run["status"] = "cancelled"
        elif run["status"] in ("queued", "in_progress"):
            kind = self.script.pop(0) if self.script else "text"
            run["status"] = OUTCOME[kind]
            run["calls"] = 2 if kind == "two-tools" else 1

    # --- rules ------------------------------------------------------------------------

    @rule(kind=st.sampled_from(sorted(REPLIES)))
    def script_reply(self, kind: str) -> None:
        self.fake.add_reply(REPLIES[kind])
        self.script.append(kind)

    @rule()
    def create_run(self) -> None:
        self.expire_if_due()
        path = f"/threads/{self.thread}/runs"
        status, body = self.call("POST", path, {"assistant_id": self.assistant})
        if self.status in ACTIVE:
            assert status == 400
            active = self.run["id"]  # type: ignore[index]
            assert body["error"]["message"].endswith(f"already has an active run {active}.")
            return
        assert (status, body["status"]) == (200, "queued")
        self.run = {"id": body["id"], "status": "queued", "expires_at": body["expires_at"]}

    @precondition(lambda self: self.run is not None)
    @rule()
    def retrieve(self) -> None:
        assert self.run is not None
        self.observed()
        status, body = self.call("GET", f"/threads/{self.thread}/runs/{self.run['id']}")
        assert (status, body["status"]) == (200, self.status)

    @precondition(lambda self: self.run is not None)
    @rule(all_outputs=st.booleans())
    def submit(self, all_outputs: bool) -> None:
        assert self.run is not None
        self.expire_if_due()
        outputs: list[dict[str, str]] = []
        if self.status == "requires_action":
            calls = self.required_calls()
            chosen = calls if all_outputs else calls[:-1]
            outputs = [{"tool_call_id": c, "output": "x"} for c in chosen]
        path = f"/threads/{self.thread}/runs/{self.run['id']}/submit_tool_outputs"
        status, body = self.call("POST", path, {"tool_outputs": outputs})
        if self.status != "requires_action":
            assert status == 400
            expected = f'Runs in status "{self.status}" do not accept tool outputs.'
            assert body["error"]["message"] == expected
        elif not all_outputs:
            assert status == 400
            assert body["error"]["message"].startswith("Expected tool outputs for call_ids")
        else:
            assert (status, body["status"]) == (200, "queued")
            self.run["status"] = "queued"

    def expire_if_due(self) -> None:
        """What a write that checks the run (submit, cancel, a new run or message) does."""
        if self.run is not None and self.status in ACTIVE and self.now >= self.run["expires_at"]:
            self.run["status"] = "expired"

    def required_calls(self) -> list[str]:
        steps = self.fake.threads[self.thread].runs[self.run["id"]].steps.list()  # type: ignore[index]
        waiting = [s for s in steps if s["status"] == "in_progress"]
        assert len(waiting) == 1
        return [c["id"] for c in waiting[0]["step_details"]["tool_calls"]]

    @precondition(lambda self: self.run is not None)
    @rule()
    def cancel(self) -> None:
        assert self.run is not None
        self.expire_if_due()
        status, body = self.call("POST", f"/threads/{self.thread}/runs/{self.run['id']}/cancel")
        if self.status in {"queued", "in_progress", "requires_action"}:
            assert (status, body["status"]) == (200, "cancelling")
            self.run["status"] = "cancelling"
        else:
            assert status == 400
            assert body["error"]["message"] == f"Cannot cancel run with status '{self.status}'."

    @rule()
    def add_message(self) -> None:
        self.expire_if_due()
        status, _ = self.call(
            "POST", f"/threads/{self.thread}/messages", {"role": "user", "content": "hi"}
        )
        assert status == (400 if self.status in ACTIVE else 200)

    @rule(seconds=st.sampled_from([1, 60, 300, 599, 600, 601]))
    def tick(self, seconds: int) -> None:
        self.now += seconds

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def stored_runs_agree(self) -> None:
        resource = self.fake.service.resources["model.openai.azure.com"]
        stored = {r["id"]: r for r in resource.store("threads", self.thread, "runs")}
        active = [r for r in stored.values() if r["status"] in ACTIVE]
        assert len(active) <= 1
        for run in stored.values():
            assert (run["expires_at"] is None) == (run["status"] in TERMINAL)
            assert (run["required_action"] is not None) == (run["status"] == "requires_action")
        if self.run is not None:
            assert stored[self.run["id"]]["status"] == self.status


TestRunLifecycle = RunLifecycle.TestCase
TestRunLifecycle.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, derandomize=True
)
