"""How much the fake adds to the openai SDK's own cost, and how list pages scale.

Runs the same create / retrieve / update / delete / list workload through `AzureOpenAI`
(max_retries=0) against the fake and against a floor: the same SDK over a `MockTransport`
that returns canned bytes captured from the fake (same bodies, same headers). Fake and
floor alternate call by call within every round; the result per operation is the median
over rounds of the mean time per call, and the ratio fake/floor. Then one page of
`beta.assistants.list(limit=20)`, first and deep (`after=` the middle id), with 1,000 and
50,000 assistants stored. It measures and prints: exit code 0 whatever the numbers.

    python benchmarks/bench_crud.py [--quick] [--json PATH] [--rounds N] [--ops N]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import openai
from openai import AzureOpenAI

import fake_assistants

API_VERSION = "2025-04-01-preview"
FAKE_ENDPOINT = "https://bench.openai.azure.com"
FLOOR_ENDPOINT = "https://floor.example.com"  # not an Azure host: the fake never answers it
SMALL_ENDPOINT = "https://small.openai.azure.com"
LARGE_ENDPOINT = "https://large.openai.azure.com"
OPERATIONS = ("create", "retrieve", "update", "delete", "list")
# How the floor's handler tells the operations apart: method, and whether the path has an id.
ROUTE_OF = {
    "create": ("POST", False),
    "retrieve": ("GET", True),
    "update": ("POST", True),
    "delete": ("DELETE", True),
    "list": ("GET", False),
}
OPERATION_TARGET = 1.4  # fake / floor, per operation
SCALING_TARGET = 1.25  # a list page with LARGE stored / one with SMALL stored
BASE_STORED = 100  # assistants stored while the CRUD workload runs
SMALL, LARGE = 1_000, 50_000
PAGE_LIMIT = 20

# A realistic assistant: every create sends it, every stored one holds it.
FIELDS: dict[str, Any] = {
    "model": "gpt-4o",
    "name": "bench assistant",
    "description": "Answers questions about the quarterly sales figures.",
    "instructions": "You are a careful analyst. Answer briefly, cite the table you used, "
    "and say so when the data does not answer the question.",
    "tools": [
        {"type": "code_interpreter"},
        {
            "type": "function",
            "function": {
                "name": "lookup_sales",
                "description": "Sales of one region and quarter.",
                "parameters": {
                    "type": "object",
                    "properties": {"region": {"type": "string"}, "quarter": {"type": "string"}},
                    "required": ["region", "quarter"],
                },
            },
        },
    ],
    "metadata": {"team": "analytics", "tier": "gold"},
    "temperature": 0.5,
}
# Sets the values already stored, so every stored assistant keeps the same size.
UPDATE: dict[str, Any] = {"name": FIELDS["name"], "metadata": FIELDS["metadata"]}


@dataclass(frozen=True)
class Config:
    rounds: int
    ops: int
    warmup_ops: int
    small: int
    large: int
    quick: bool = False


@dataclass
class Side:
    """One client under test, with the ids its operations use."""

    name: str
    client: AzureOpenAI
    stored_ids: list[str]
    created: list[str] = field(default_factory=list)  # made by `create`, used by `delete`


Canned = dict[tuple[str, bool], tuple[int, list[tuple[str, str]], bytes]]

# --- environment -------------------------------------------------------------------------


def http_module() -> ModuleType:
    """The httpx-like module the SDK is built on: httpx2 for openai 3.x, httpx before."""
    for cls in openai.DefaultHttpxClient.__mro__:
        root = cls.__module__.partition(".")[0]
        if cls.__name__ == "Client" and root in ("httpx", "httpx2"):
            return importlib.import_module(root)
    return importlib.import_module(
        "httpx2" if int(openai.__version__.split(".")[0]) >= 3 else "httpx"
    )


def make_client(endpoint: str, http_client: Any) -> AzureOpenAI:
    return AzureOpenAI(
        azure_endpoint=endpoint,
        api_key="bench-key",
        api_version=API_VERSION,
        max_retries=0,
        http_client=http_client,
    )


# --- timing ------------------------------------------------------------------------------

Step = Callable[[int], object]  # one call; gets the call's index


def interleaved(steps: dict[str, Step], n: int, round_index: int) -> dict[str, float]:
    """Mean seconds per call of each step, run `n` times each, alternating call by call.

    Alternating single calls (ABBA order) exposes both sides to the same machine noise;
    the garbage collector is off while the calls run.
    """
    names = list(steps)
    orders = (names, names[::-1])
    totals = dict.fromkeys(names, 0.0)
    clock = time.perf_counter
    gc.disable()
    try:
        for i in range(n):
            for name in orders[(i + round_index) % 2]:
                step = steps[name]
                start = clock()
                step(i)
                totals[name] += clock() - start
    finally:
        gc.enable()
    return {name: total / n for name, total in totals.items()}


def measure(
    make_steps: Callable[[str], dict[str, Step]], labels: tuple[str, ...], config: Config
) -> dict[str, dict[str, list[float]]]:
    """Per label, per side: the mean seconds per call of each round, after a warm-up."""
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in labels}
    for round_index in range(-1, config.rounds):  # round -1 warms up
        n = config.warmup_ops if round_index < 0 else config.ops
        for label in labels:
            times = interleaved(make_steps(label), n, round_index)
            for side, seconds in times.items():
                if round_index >= 0:
                    samples[label].setdefault(side, []).append(seconds)
    return samples


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


# --- the CRUD workload -------------------------------------------------------------------


def operation(side: Side, name: str) -> Step:
    """One call of one operation through the SDK."""
    assistants = side.client.beta.assistants
    stored = side.stored_ids

    def create(i: int) -> None:
        side.created.append(assistants.create(**FIELDS).id)

    def retrieve(i: int) -> None:
        assistants.retrieve(stored[i % len(stored)])

    def update(i: int) -> None:
        assistants.update(stored[i % len(stored)], **UPDATE)

    def delete(i: int) -> None:  # the ids `create` made, so the store keeps its size
        assistants.delete(side.created.pop())

    def list_page(i: int) -> None:
        assistants.list(limit=PAGE_LIMIT)

    steps = {"create": create, "retrieve": retrieve, "update": update, "delete": delete}
    return steps.get(name, list_page)


def capture(fake: fake_assistants.FakeAssistants, side: Side) -> Canned:
    """Each operation's response from the fake, keyed as the floor's handler looks it up."""
    canned: Canned = {}
    for op in OPERATIONS:
        operation(side, op)(0)
        response = fake.calls.last.response
        canned[ROUTE_OF[op]] = (response.status, list(response.headers), response.body)
    return canned


def floor_client(module: ModuleType, canned: Canned) -> AzureOpenAI:
    """The SDK over a transport that answers with canned bytes: the fake's ideal."""

    def handler(request: Any) -> Any:
        has_id = not request.url.path.endswith("/assistants")
        status, headers, body = canned[(request.method, has_id)]
        return module.Response(status, headers=headers, content=body)

    transport = module.MockTransport(handler)
    return make_client(FLOOR_ENDPOINT, module.Client(transport=transport))


def run_crud(
    fake: fake_assistants.FakeAssistants, module: ModuleType, config: Config
) -> dict[str, dict[str, Any]]:
    stored = [fake.assistants.create(**FIELDS)["id"] for _ in range(BASE_STORED)]
    fake_side = Side("fake", make_client(FAKE_ENDPOINT, module.Client()), stored)
    canned = capture(fake, fake_side)
    sides = [fake_side, Side("floor", floor_client(module, canned), stored)]

    def make_steps(op: str) -> dict[str, Step]:
        fake.calls.clear()  # keeps memory flat; appending to the journal is still timed
        return {side.name: operation(side, op) for side in sides}

    samples = measure(make_steps, OPERATIONS, config)
    return {
        op: operation_result(samples[op]["fake"], samples[op]["floor"], canned[ROUTE_OF[op]][2])
        for op in OPERATIONS
    }


def operation_result(fake: list[float], floor: list[float], body: bytes) -> dict[str, Any]:
    fake_us, floor_us = median_us(fake), median_us(floor)
    ratio = fake_us / floor_us
    return {
        "fake_us": round(fake_us, 1),
        "floor_us": round(floor_us, 1),
        "ratio": round(ratio, 3),
        "target": OPERATION_TARGET,
        "ok": ratio <= OPERATION_TARGET,
        "response_bytes": len(body),
    }


# --- list-page scaling -------------------------------------------------------------------


def seed(fake: fake_assistants.FakeAssistants, endpoint: str, count: int) -> list[str]:
    """Stores `count` assistants directly (no HTTP); their ids, oldest first."""
    view = fake.resource(endpoint).assistants
    gc.disable()  # records hold no cycles; collecting a growing heap is only slow
    try:
        return [view.create(**FIELDS)["id"] for _ in range(count)]
    finally:
        gc.enable()


def page_step(client: AzureOpenAI, after: str | None) -> Step:
    assistants = client.beta.assistants
    if after is None:
        return lambda i: assistants.list(limit=PAGE_LIMIT)
    return lambda i: assistants.list(limit=PAGE_LIMIT, after=after)


def run_scaling(
    fake: fake_assistants.FakeAssistants, module: ModuleType, config: Config
) -> dict[str, Any]:
    started = time.perf_counter()
    ids = {"small": seed(fake, SMALL_ENDPOINT, config.small)}
    ids["large"] = seed(fake, LARGE_ENDPOINT, config.large)
    seconds_to_seed = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # the stored records: later collections skip them
    endpoints = {"small": SMALL_ENDPOINT, "large": LARGE_ENDPOINT}
    clients = {size: make_client(url, module.Client()) for size, url in endpoints.items()}
    cursors = {size: {"first": None, "deep": ids[size][len(ids[size]) // 2]} for size in ids}

    def make_steps(page: str) -> dict[str, Step]:
        fake.calls.clear()
        return {size: page_step(clients[size], cursors[size][page]) for size in clients}

    samples = measure(make_steps, ("first", "deep"), config)
    gc.unfreeze()
    result: dict[str, Any] = {"seed_seconds": round(seconds_to_seed, 2)}
    for page, by_size in samples.items():
        small_us, large_us = median_us(by_size["small"]), median_us(by_size["large"])
        ratio = large_us / small_us
        result[page] = {
            "small_us": round(small_us, 1),
            "large_us": round(large_us, 1),
            "ratio": round(ratio, 3),
            "target": SCALING_TARGET,
            "ok": ratio <= SCALING_TARGET,
        }
    return result


# --- report ------------------------------------------------------------------------------


def environment(module: ModuleType) -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "openai": openai.__version__,
        "http": f"{module.__name__} {module.__version__}",
        "fake_assistants": fake_assistants.__version__,
        "platform": platform.platform(),
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "ABOVE TARGET"


def print_report(results: dict[str, Any]) -> None:
    env, config = results["environment"], results["config"]
    print(f"fake-assistants benchmark: openai {env['openai']} over {env['http']}, ", end="")
    print(f"Python {env['python']}")
    print(f"{config['rounds']} rounds x {config['ops']} calls per operation, median of rounds;")
    print("fake and floor alternate call by call; floor: the SDK over canned bytes.\n")
    print(f"{'operation':<10}{'bytes':>7}{'fake us':>10}{'floor us':>10}{'fake/floor':>12}  target")
    for op, row in results["operations"].items():
        print(
            f"{op:<10}{row['response_bytes']:>7}{row['fake_us']:>10.1f}{row['floor_us']:>10.1f}"
            f"{row['ratio']:>11.2f}x  <= {row['target']:.2f}x {verdict(row['ok'])}"
        )
    scaling = results["scaling"]
    small, large = f"{config['small']:,}", f"{config['large']:,}"
    print(f"\nlist(limit={PAGE_LIMIT}) with {small} vs {large} stored ", end="")
    print(f"(seeded in {scaling['seed_seconds']:.1f} s), median of rounds, alternating.\n")
    print(f"{'page':<10}{small + ' us':>12}{large + ' us':>12}{'ratio':>9}  target")
    for page in ("first", "deep"):
        row = scaling[page]
        print(
            f"{page:<10}{row['small_us']:>12.1f}{row['large_us']:>12.1f}"
            f"{row['ratio']:>8.2f}x  <= {row['target']:.2f}x {verdict(row['ok'])}"
        )
    print("\n(deep page: after= the id in the middle of the store)")
    if config["quick"]:
        print("--quick: a smoke run, too short for the verdicts to mean much; run it without.")


# --- main --------------------------------------------------------------------------------


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def parse_args(argv: list[str]) -> tuple[Config, str | None]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results to PATH")
    parser.add_argument("--rounds", type=positive, help="rounds (default 15, quick 3)")
    parser.add_argument(
        "--ops", type=positive, help="calls per operation per round (default 200, quick 20)"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 15)
    ops = args.ops or (20 if args.quick else 200)
    large = 10_000 if args.quick else LARGE
    warmup = min(ops, 50)
    config = Config(rounds, ops, warmup, small=SMALL, large=large, quick=args.quick)
    return config, args.json


@contextmanager
def quiet_deprecations() -> Iterator[None]:
    """The SDK marks every assistants method deprecated; the methods still work."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def main(argv: list[str]) -> int:
    config, json_path = parse_args(argv)
    module = http_module()
    with quiet_deprecations(), fake_assistants.mock(endpoint=FAKE_ENDPOINT) as fake:
        operations = run_crud(fake, module, config)
        scaling = run_scaling(fake, module, config)
    results = {
        "environment": environment(module),
        "config": config.__dict__,
        "operations": operations,
        "scaling": scaling,
    }
    print_report(results)
    if json_path:
        with open(json_path, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
