"""The fake over real HTTP on loopback under concurrent load, next to the in-process fake.

20 clients (threads, one httpx.Client each) send 500 requests each: per client a thread
first, then in turn create an assistant, add a message, retrieve the thread, list the
thread's messages. The same workload runs through `fake.http_client()` (in process, no
sockets) and through `fake_assistants.serve()` (uvicorn on 127.0.0.1). After each run it
counts what was stored: every assistant and message written must be there. Prints
requests/s and p50/p99 latency per transport; exits 1 on any error, lost write or a run
past its time bound, else 0.

    python benchmarks/bench_server.py [--quick] [--clients N] [--requests N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

import fake_assistants

V = {"api-version": "2025-04-01-preview"}
HEADERS = {"api-key": "bench"}
ENDPOINT = "https://local.openai.azure.com"
TIME_BOUND = 300.0  # seconds a whole run may take
STEPS = ("create assistant", "add message", "retrieve thread", "list messages")


@dataclass
class Client:
    """One client's results: latencies in seconds, errors, what it wrote."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    assistants: int = 0
    messages: int = 0
    thread: str = ""


def step(http: httpx.Client, me: Client, index: int) -> httpx.Response:
    kind = index % len(STEPS)
    if kind == 0:
        me.assistants += 1
        return http.post("/openai/assistants", params=V, json={"model": "gpt-4o"})
    path = f"/openai/threads/{me.thread}"
    if kind == 1:
        me.messages += 1
        body = {"role": "user", "content": f"message {index}"}
        return http.post(f"{path}/messages", params=V, json=body)
    if kind == 2:
        return http.get(path, params=V)
    return http.get(f"{path}/messages", params={**V, "limit": "5"})


def client_loop(http: httpx.Client, me: Client, requests: int, deadline: float) -> None:
    try:
        me.thread = http.post("/openai/threads", params=V, json={}).json()["id"]
        for index in range(requests):
            if time.monotonic() > deadline:
                me.errors.append("time bound passed")
                return
            start = time.perf_counter()
            response = step(http, me, index)
            me.latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                me.errors.append(f"{response.status_code} {response.text[:100]}")
    except Exception as error:  # a transport failure is a result, reported below
        me.errors.append(repr(error))
    finally:
        http.close()


def load(
    make_client: Callable[[], httpx.Client], clients: int, requests: int
) -> tuple[list[Client], float]:
    results = [Client() for _ in range(clients)]
    deadline = time.monotonic() + TIME_BOUND
    workers = [
        threading.Thread(target=client_loop, args=(make_client(), me, requests, deadline))
        for me in results
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIME_BOUND + 30)
    return results, time.perf_counter() - start


def lost_writes(fake: fake_assistants.FakeAssistants, results: list[Client]) -> list[str]:
    lost = []
    stored = len(list(fake.assistants))
    if stored != sum(me.assistants for me in results):
        lost.append(f"{stored} assistants stored, {sum(me.assistants for me in results)} created")
    for me in results:
        if me.thread and len(list(fake.threads[me.thread].messages)) != me.messages:
            lost.append(f"thread {me.thread}: messages lost")
    return lost


def summary(name: str, results: list[Client], seconds: float, lost: list[str]) -> dict[str, Any]:
    latencies = sorted(x for me in results for x in me.latencies)
    errors = [error for me in results for error in me.errors]
    cut = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "transport": name,
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "requests_per_s": round(len(latencies) / seconds),
        "p50_ms": round(cut[49] * 1000, 3),
        "p99_ms": round(cut[98] * 1000, 3),
        "errors": errors[:5],
        "error_count": len(errors),
        "lost": lost,
    }


@contextmanager
def in_process() -> Iterator[tuple[fake_assistants.FakeAssistants, Callable[[], httpx.Client]]]:
    fake = fake_assistants.FakeAssistants(endpoint=ENDPOINT)
    yield fake, lambda: fake.http_client(base_url=ENDPOINT, headers=HEADERS)


@contextmanager
def over_http() -> Iterator[tuple[fake_assistants.FakeAssistants, Callable[[], httpx.Client]]]:
    with fake_assistants.serve() as server:
        yield server.fake, lambda: httpx.Client(base_url=server.url, headers=HEADERS, timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 clients x 40 requests")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    clients = args.clients or (4 if args.quick else 20)
    requests = args.requests or (40 if args.quick else 500)
    print(f"{clients} clients x {requests} requests; python {platform.python_version()}")
    rows = []
    for name, setup in (("in-process", in_process), ("http (uvicorn)", over_http)):
        with setup() as (fake, make_client):
            results, seconds = load(make_client, clients, requests)
            rows.append(summary(name, results, seconds, lost_writes(fake, results)))
    for row in rows:
        print(
            f"{row['transport']:>15}: {row['requests']} requests in {row['seconds']} s, "
            f"{row['requests_per_s']} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
            f"errors {row['error_count']}, lost writes {len(row['lost'])}"
        )
        for problem in row["errors"] + row["lost"]:
            print(f"  {problem}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    expected = clients * requests
    failed = any(r["error_count"] or r["lost"] or r["requests"] != expected for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
