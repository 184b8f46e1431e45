"""Runs the conversation turn of `bench_conversation.py` N times on one side, untimed.

For counting instructions instead of timing them: on a shared machine a time moves by
±10% from run to run, an instruction count by well under 0.1%. Under valgrind, the
difference between two counts (N and 6N turns, say) is the cost of 5N turns, start-up
and imports cancelled out:

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no \\
        --cachegrind-out-file=/dev/null python benchmarks/turn_workload.py fake 20

    python benchmarks/turn_workload.py {fake,floor} TURNS
"""

from __future__ import annotations

import argparse
import gc

from bench_conversation import (
    ASSISTANT,
    FAKE_ENDPOINT,
    TURN_REPLY,
    capture,
    floor_client,
    no_sleeps,
    turn_step,
)
from bench_crud import http_module, make_client, positive, quiet_deprecations

import fake_assistants

WARM_UP = 30  # turns before the counted ones, so caches and specialisations settle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=("fake", "floor"))
    parser.add_argument("turns", type=positive)
    args = parser.parse_args()
    module = http_module()
    with quiet_deprecations(), fake_assistants.mock(seed=1) as fake, no_sleeps() as slept:
        client = make_client(FAKE_ENDPOINT, module.Client())
        assistant_id = client.beta.assistants.create(**ASSISTANT).id
        fake.add_reply(TURN_REPLY)
        canned = capture(fake, lambda: turn_step(client, assistant_id)(0))
        side = client if args.side == "fake" else floor_client(module, canned)
        turn = turn_step(side, assistant_id)
        for _ in range(WARM_UP + args.turns):
            fake.add_reply(TURN_REPLY)
        for i in range(WARM_UP):
            turn(i)
        fake.calls.clear()
        gc.disable()  # as the timed benchmark runs its calls
        for i in range(args.turns):
            turn(i)
    if slept:
        raise SystemExit(f"the SDK asked to sleep {slept}")


if __name__ == "__main__":
    main()
