"""Replays recorded real Azure OpenAI traffic against the fake and compares the answers.

Each file in tests/data/azure_recordings/ transcribes one recorded sequence (the Azure SDK
teams' session records in the `Azure/azure-sdk-assets` repository; the file names its
source and commit). The requests are sent in the recorded order over raw httpx; ids are
bound as the fake makes them so later requests name the fake's ids. Each answer is
compared with the recorded one's status, keys and their order (recursively), value types,
enum values and literal values, and error envelopes. The format is described in the
README.md next to the data; what is not compared is written there with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import API_KEY, ENDPOINT

from fake_assistants import mock

DATA = Path(__file__).parent / "data" / "azure_recordings"
SEQUENCES = sorted(DATA.glob("*.json"))
REF = re.compile(r"@([A-Za-z][A-Za-z0-9_]*)")
EMBEDDED = re.compile(r"\{@([A-Za-z][A-Za-z0-9_]*)\}")  # an id inside a text: "... '{@vs1}'."
AUTH = {"api-key": API_KEY}
TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "num": (int, float),
    "float": (float,),
    "bool": (bool,),
    "null": (type(None),),
    "object": (dict,),
    "list": (list,),
}


class Replay:
    """One sequence being replayed: the ids bound so far and the differences found."""

    def __init__(self) -> None:
        self.ids: dict[str, Any] = {}
        self.differences: list[str] = []

    # --- requests ------------------------------------------------------------------------

    def fill(self, value: Any) -> Any:
        """A recorded request value with each `@name` replaced by the fake's id."""
        if isinstance(value, str):
            if REF.fullmatch(value):
                return self.ids[value[1:]]
            return value
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    def path(self, path: str) -> str:
        return REF.sub(lambda match: str(self.ids[match.group(1)]), path)

    # --- answers -------------------------------------------------------------------------

    def differ(self, where: str, what: str) -> None:
        self.differences.append(f"{where}: {what}")

    def compare(self, expected: Any, actual: Any, where: str) -> None:
        if isinstance(expected, dict):
            self._object(expected, actual, where)
        elif isinstance(expected, list):
            if not isinstance(actual, list) or len(actual) != len(expected):
                self.differ(where, f"expected a list of {len(expected)}, got {actual!r}")
                return
            for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
                self.compare(want, got, f"{where}[{index}]")
        elif isinstance(expected, str) and expected.startswith("<") and expected.endswith(">"):
            self._typed(expected[1:-1], actual, where)
        elif isinstance(expected, str) and REF.fullmatch(expected):
            self._bound(expected[1:], actual, where)
        elif isinstance(expected, str) and EMBEDDED.search(expected):
            text = EMBEDDED.sub(lambda match: str(self.ids.get(match.group(1))), expected)
            self.compare(text, actual, where)
        elif expected != actual or type(expected) is not type(actual):
            self.differ(where, f"expected {expected!r}, got {actual!r}")

    def _object(self, expected: dict[str, Any], actual: Any, where: str) -> None:
        if not isinstance(actual, dict):
            self.differ(where, f"expected an object, got {actual!r}")
            return
        if list(expected) != list(actual):
            self.differ(where, f"keys {list(actual)} (recorded {list(expected)})")
        for key in expected.keys() & actual.keys():
            self.compare(expected[key], actual[key], f"{where}.{key}")

    def _typed(self, spec: str, actual: Any, where: str) -> None:
        """`<int>`, `<str|null>`: one of these types; `<in:a|b>`: one of these values."""
        if spec.startswith("in:"):
            if actual not in spec[3:].split("|"):
                self.differ(where, f"{actual!r} is not one of {spec[3:]}")
            return
        allowed = tuple(t for name in spec.split("|") for t in TYPES[name])
        a_bool_for_a_number = isinstance(actual, bool) and bool not in allowed
        if a_bool_for_a_number or not isinstance(actual, allowed):
            self.differ(where, f"expected {spec}, got {actual!r}")

    def _bound(self, name: str, actual: Any, where: str) -> None:
        """An id: bound the first time it is seen, the same value every time after."""
        if name not in self.ids:
            if not isinstance(actual, str):
                self.differ(where, f"expected an id for @{name}, got {actual!r}")
            self.ids[name] = actual
        elif self.ids[name] != actual:
            self.differ(where, f"expected @{name} = {self.ids[name]!r}, got {actual!r}")


def drop(value: Any, path: list[str]) -> None:
    """Removes the field at `path` (`*` for every list item) so it is not compared."""
    if not path:
        return
    head, rest = path[0], path[1:]
    items: list[Any]
    if head == "*" and isinstance(value, list):
        items = value
    elif isinstance(value, dict) and head in value:
        if not rest:
            del value[head]
            return
        items = [value[head]]
    else:
        return
    for item in items:
        drop(item, rest)


def events(body: str) -> list[tuple[str, Any]]:
    """Server-sent events as (name, data), consecutive events of one name kept once
    (the number of deltas depends on the text; their order and shape do not)."""
    found: list[tuple[str, Any]] = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        name = fields.get("event", "")
        data = fields.get("data", "")
        value = data if data == "[DONE]" else json.loads(data)
        if not found or found[-1][0] != name:
            found.append((name, value))
    return found


def send(http: httpx.Client, replay: Replay, exchange: dict[str, Any]) -> httpx.Response:
    url = ENDPOINT + replay.path(exchange["path"])
    if "upload" in exchange:
        upload = exchange["upload"]
        files = {"file": (upload["filename"], upload["content"].encode())}
        return http.post(url, files=files, data={"purpose": upload["purpose"]})
    body = exchange.get("body")
    content = None if body is None else json.dumps(replay.fill(body))
    headers = {"content-type": "application/json"} if content is not None else {}
    return http.request(exchange["method"], url, content=content, headers=headers)


def check(replay: Replay, exchange: dict[str, Any], response: httpx.Response, where: str) -> None:
    if response.status_code != exchange["status"]:
        replay.differ(where, f"status {response.status_code}, recorded {exchange['status']}")
    if "events" in exchange:
        got = events(response.text)
        names = [name for name, _ in got]
        wanted = [name for name, _ in exchange["events"]]
        if names != wanted:
            replay.differ(where, f"events {names}, recorded {wanted}")
            return
        for (name, expected), (_, actual) in zip(exchange["events"], got, strict=True):
            if expected is not None:
                for field in exchange.get("excluded", {}):
                    drop(actual, field.split("."))
                replay.compare(expected, actual, f"{where} {name}")
        return
    actual = response.json()
    for field in exchange.get("excluded", {}):
        drop(actual, field.split("."))
    replay.compare(exchange["response"], actual, where)


def test_every_sequence_names_its_source() -> None:
    assert SEQUENCES
    for path in SEQUENCES:
        sequence = json.loads(path.read_text())
        assert set(sequence["source"]) == {"repo", "path", "commit"}, path.name
        for exchange in sequence["exchanges"]:
            reasons = [
                exchange.get("skip"),
                exchange.get("notes"),
                *exchange.get("excluded", {}).values(),
            ]
            assert all(reason is None or reason.strip() for reason in reasons), path.name


@pytest.mark.parametrize("path", SEQUENCES, ids=[path.stem for path in SEQUENCES])
def test_recorded_sequence_replays(path: Path) -> None:
    sequence = json.loads(path.read_text())
    replay = Replay()
    with mock(**sequence.get("options", {})) as fake, httpx.Client(headers=AUTH) as http:
        for reply in sequence.get("replies", []):  # what the recorded model answered, scripted
            fake.add_reply(**reply)
        for index, exchange in enumerate(sequence["exchanges"]):
            if "skip" in exchange:  # not sent: its reason is written with it
                continue
            where = f"#{index} {exchange['method']} {exchange['path']}"
            check(replay, exchange, send(http, replay, exchange), where)
    assert not replay.differences, "\n".join(replay.differences)
