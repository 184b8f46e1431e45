"""Runs the conversation turn of `bench_conversation.py` N times on one side.

For counting instructions instead of timing them: on a shared machine a time moves by
±10% from run to run, an instruction count by well under 0.1%. Under valgrind, the
difference between two counts (N and 6N turns, say) is the cost of 5N turns, start-up
and imports cancelled out:

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no \\
        --cachegrind-out-file=/dev/null python benchmarks/turn_workload.py fake 20

Sides: `fake` (the SDK over the fake), `floor` (the SDK over the fake's bytes, replayed)
and `core` (the turn's five requests sent to `Service.handle` alone, no SDK, no
adapter: the core's cost when its code and state stay in the caches). It prints the
mean time of a turn, which means something only outside valgrind.

    python benchmarks/turn_workload.py {fake,floor,core} TURNS
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable

from bench_conversation import (
    ASSISTANT,
    FAKE_ENDPOINT,
    TURN_REPLY,
    WorkloadError,
    capture,
    floor_client,
    no_sleeps,
    turn_step,
)
from bench_crud import http_module, make_client, positive, quiet_deprecations

import fake_assistants
from fake_assistants import Request, Response

WARM_UP = 30  # turns before the counted ones, so caches and specialisations settle


def core_turn(fake: fake_assistants.FakeAssistants) -> Callable[[int], None]:
    """The last turn's requests, sent again with the ids of a new thread and run."""
    calls = list(fake.calls)
    thread_id = calls[0].response.json()["id"]
    run_id = calls[2].response.json()["id"]
    handle = fake.service.handle

    def send(index: int, new_thread: str, new_run: str = "") -> Response:
        sent = calls[index].request
        url = sent.url.replace(thread_id, new_thread)
        if new_run:
            url = url.replace(run_id, new_run)
        response = handle(Request(sent.method, url, sent.headers, sent.body, sent.via))
        if response.status != 200:
            raise WorkloadError(f"{sent.method} {url} answered {response.status}")
        return response

    def turn(i: int) -> None:
        thread = send(0, thread_id).json()["id"]
        send(1, thread)
        run = send(2, thread).json()["id"]
        if send(3, thread, run).json()["status"] != "completed":
            raise WorkloadError("the replayed run did not complete")
        send(4, thread)

    return turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=("fake", "floor", "core"))
    parser.add_argument("turns", type=positive)
    args = parser.parse_args()
    module = http_module()
    with quiet_deprecations(), fake_assistants.mock(seed=1) as fake, no_sleeps() as slept:
        client = make_client(FAKE_ENDPOINT, module.Client())
        assistant_id = client.beta.assistants.create(**ASSISTANT).id
        fake.add_reply(TURN_REPLY)
        canned = capture(fake, lambda: turn_step(client, assistant_id)(0))
        if args.side == "core":
            turn = core_turn(fake)
        else:
            side = client if args.side == "fake" else floor_client(module, canned)
            turn = turn_step(side, assistant_id)
        for _ in range(WARM_UP + args.turns):
            fake.add_reply(TURN_REPLY)
        for i in range(WARM_UP):
            turn(i)
        fake.calls.clear()
        gc.disable()  # as the timed benchmark runs its calls
        started = time.perf_counter()
        for i in range(args.turns):
            turn(i)
        elapsed = time.perf_counter() - started
    if slept:
        raise SystemExit(f"the SDK asked to sleep {slept}")
    summary = {"side": args.side, "turns": args.turns, "us_per_turn": elapsed / args.turns * 1e6}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
