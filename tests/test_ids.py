"""Ids: the real services' shape, and the same sequence for the same seed in any process."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import uuid

import pytest

from fake_assistants import FakeAssistants, Request, Service
from fake_assistants._ids import ALPHABET, ID_LENGTH, IdFactory

ID = re.compile(r"^(?P<prefix>[a-z_]+_)(?P<rest>[A-Za-z0-9]{24})$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ENDPOINT = "https://ids.openai.azure.com"


def test_alphabet_and_length() -> None:
    assert ID_LENGTH == 24
    assert sorted(ALPHABET) == sorted(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    )


@pytest.mark.parametrize(
    "prefix", ["asst_", "thread_", "msg_", "run_", "step_", "call_", "vs_", "vsfb_"]
)
def test_format(prefix: str) -> None:
    factory = IdFactory("format")
    ids = [factory.new(prefix) for _ in range(200)]
    for object_id in ids:
        match = ID.match(object_id)
        assert match is not None, object_id
        assert match["prefix"] == prefix
    assert len(set(ids)) == len(ids)
    # mixed case and digits, as real ids are: over 200 ids every class shows up
    joined = "".join(i.removeprefix(prefix) for i in ids)
    assert re.search("[A-Z]", joined) and re.search("[a-z]", joined) and re.search("[0-9]", joined)


def test_same_seed_same_sequence() -> None:
    first, second = IdFactory("s"), IdFactory("s")
    assert [first.new("asst_") for _ in range(50)] == [second.new("asst_") for _ in range(50)]
    assert [first.request_id() for _ in range(5)] == [second.request_id() for _ in range(5)]


def test_different_seeds_differ() -> None:
    assert IdFactory("a").new("asst_") != IdFactory("b").new("asst_")
    assert IdFactory("a").request_id() != IdFactory("b").request_id()


def test_prefix_does_not_change_the_random_part_sequence() -> None:
    """The sequence is one stream: the n-th id has the same random part whatever the prefix."""
    first, second = IdFactory("p"), IdFactory("p")
    assert first.new("asst_").removeprefix("asst_") == second.new("vs_").removeprefix("vs_")


def test_request_ids_are_uuid4_and_do_not_shift_object_ids() -> None:
    plain, busy = IdFactory("r"), IdFactory("r")
    expected = [plain.new("asst_") for _ in range(10)]
    got = []
    for _ in range(10):
        request_id = busy.request_id()
        assert UUID4.match(request_id), request_id
        assert uuid.UUID(request_id).version == 4
        got.append(busy.new("asst_"))
    assert got == expected


def test_the_global_random_state_is_neither_used_nor_touched() -> None:
    random.seed(1)
    first = IdFactory("g").new("asst_")
    random.seed(2)
    assert IdFactory("g").new("asst_") == first  # the global seed does not matter
    before = random.getstate()
    factory = IdFactory("h")
    factory.new("asst_")
    factory.request_id()
    assert random.getstate() == before  # and making ids leaves the global state alone


def test_an_issued_id_is_never_issued_again(monkeypatch: pytest.MonkeyPatch) -> None:
    factory = IdFactory("dup")
    draws = iter(["A" * 24, "A" * 24, "B" * 24])
    monkeypatch.setattr(factory, "_draw", lambda alphabet, length: next(draws))
    assert factory.new("asst_") == "asst_" + "A" * 24
    assert factory.new("asst_") == "asst_" + "B" * 24


# --- through the service -----------------------------------------------------------------


def create_request(host: str = "ids.openai.azure.com") -> Request:
    return Request(
        "POST",
        f"https://{host}/openai/assistants?api-version=2024-05-01-preview",
        {"api-key": "k"},
        b'{"model": "gpt-4o"}',
    )


def created_ids(service: Service, count: int, host: str = "ids.openai.azure.com") -> list[str]:
    return [service.handle(create_request(host)).json()["id"] for _ in range(count)]


def test_services_with_the_same_seed_give_the_same_ids() -> None:
    first, second = Service(), Service()
    assert created_ids(first, 5) == created_ids(second, 5)
    for object_id in created_ids(first, 5):
        assert re.fullmatch(r"asst_[A-Za-z0-9]{24}", object_id)


def test_seed_option_changes_the_ids() -> None:
    base = FakeAssistants(endpoint=ENDPOINT, seed=1).assistants.create(model="m")["id"]
    same = FakeAssistants(endpoint=ENDPOINT, seed=1).assistants.create(model="m")["id"]
    other = FakeAssistants(endpoint=ENDPOINT, seed=2).assistants.create(model="m")["id"]
    assert base == same
    assert base != other


def test_each_host_has_its_own_sequence_and_host_case_does_not_matter() -> None:
    service = Service()
    a = created_ids(service, 3, "a.openai.azure.com")
    b = created_ids(service, 3, "b.openai.azure.com")
    assert a != b
    assert set(a).isdisjoint(b)
    assert created_ids(Service(), 3, "A.OpenAI.Azure.com") == a


def test_reads_and_failed_writes_do_not_advance_the_id_sequence() -> None:
    quiet, noisy = Service(), Service()
    expected = created_ids(quiet, 2)
    url = "https://ids.openai.azure.com/openai/assistants?api-version=2024-05-01-preview"
    first = created_ids(noisy, 1)
    noisy.handle(Request("GET", url, {"api-key": "k"}))
    noisy.handle(Request("POST", url, {"api-key": "k"}, b'{"model": 5}'))
    noisy.handle(Request("POST", url, {}, b'{"model": "m"}'))  # 401
    assert first + created_ids(noisy, 1) == expected


def test_request_id_headers_are_uuid4_and_deterministic() -> None:
    first, second = Service(), Service()
    r1, r2 = first.handle(create_request()), second.handle(create_request())
    for name in ("x-request-id", "apim-request-id"):
        assert UUID4.match(r1.header(name) or ""), name
        assert r1.header(name) == r2.header(name)
    assert r1.header("x-request-id") != r1.header("apim-request-id")


# --- across processes ------------------------------------------------------------------

SCRIPT = """
import json
from fake_assistants import Request, Service
from fake_assistants._ids import IdFactory

service = Service()
url = "https://ids.openai.azure.com/openai/assistants?api-version=2024-05-01-preview"
responses = [
    service.handle(Request("POST", url, {"api-key": "k"}, b'{"model": "m"}')) for _ in range(3)
]
factory = IdFactory("cross-process")
print(json.dumps({
    "service": [r.json()["id"] for r in responses],
    "request_ids": [r.header("x-request-id") for r in responses],
    "factory": [factory.new("thread_") for _ in range(3)] + [factory.request_id()],
    "hash_differs": hash("some string"),
}))
"""


def run_elsewhere(hash_seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_ids_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    first, second = run_elsewhere("1"), run_elsewhere("4242")
    assert first["hash_differs"] != second["hash_differs"]  # the hash seed did change
    service = Service()
    here = [created_ids(service, 1)[0] for _ in range(3)]
    factory = IdFactory("cross-process")
    here_factory = [factory.new("thread_") for _ in range(3)] + [factory.request_id()]
    here_requests = [
        Service().handle(create_request()).header("x-request-id"),
    ]
    for other in (first, second):
        assert other["service"] == here
        assert other["request_ids"][:1] == here_requests
        assert other["factory"] == here_factory
    assert first["request_ids"] == second["request_ids"]
