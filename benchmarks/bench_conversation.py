"""What the fake adds to a conversation through the openai SDK, and how message pages scale.

Three measurements, each through `AzureOpenAI` (max_retries=0), fake against a floor: the
same SDK over a `MockTransport` that replays the bytes the fake answered for the same
requests (captured once), so the floor does all of the SDK's work (requests, parsing, the
stream parser) and none of the fake's.

1. one conversation turn: thread create, message create, `runs.create_and_poll` with a
   scripted reply, messages list; the SDK must never sleep (checked);
2. a streamed reply of about 200 words through `beta.threads.runs.stream(...)`,
   `until_done()`, the floor replaying the same event-stream bytes;
3. one page of `beta.threads.messages.list(limit=20)`, first and deep (`after=` the
   middle id), of a thread holding 10,000 messages against one holding 100.

Sides alternate call by call within every round; each result is the median over rounds
of the mean time per call. It measures and prints: exit code 0 whatever the numbers, 1
only when the workload itself went wrong (an error answered, a sleep, a reply not used).

    python benchmarks/bench_conversation.py [--quick] [--json PATH] [--rounds N] [--ops N]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any
from unittest import mock as patch
from urllib.parse import urlsplit

from bench_crud import (
    Config,
    Step,
    environment,
    http_module,
    make_client,
    measure,
    median_us,
    positive,
    quiet_deprecations,
    verdict,
)
from openai import AzureOpenAI
from openai._resource import SyncAPIResource

import fake_assistants

FAKE_ENDPOINT = "https://bench.openai.azure.com"
FLOOR_ENDPOINT = "https://floor.example.com"  # not an Azure host: the fake never answers it
TURN_TARGET = 1.25  # fake / floor, one conversation turn
STREAM_TARGET = 1.3  # fake / floor, one streamed reply
SCALING_TARGET = 1.25  # a page of the large thread / the same page of the small one
SMALL, LARGE = 100, 10_000  # messages in the two threads that are listed
PAGE_LIMIT = 20

QUESTION = "What were the sales in the north region in the second quarter, and why?"
TURN_REPLY = "North sold 1.2 M EUR in Q2, up 8% on Q1, mostly from the two new stores."
_SENTENCE = (
    "The north region sold 1.2 million euros in the second quarter, eight percent more "
    "than in the first, and most of the growth came from the two stores that opened in "
    "April, while the older stores stayed flat and online orders fell a little."
)
_WORDS = _SENTENCE.split()
STREAM_REPLY = " ".join(_WORDS[i % len(_WORDS)] for i in range(200))  # 200 words
SEEDED = (  # each stored message of the listed threads
    "Here are the figures for the north region: Q1 1.11 M EUR, Q2 1.20 M EUR, Q3 1.18 M "
    "EUR. Which quarter grew the most, and which stores drove it?"
)
ASSISTANT: dict[str, Any] = {
    "model": "gpt-4o",
    "name": "bench analyst",
    "instructions": "You are a careful analyst. Answer briefly and cite the table you used.",
}

Canned = dict[tuple[str, str], tuple[int, list[tuple[str, str]], bytes]]  # (method, target)


class WorkloadError(Exception):
    """The workload did not do what it measures: a number from it would mean nothing."""


# --- the floor ---------------------------------------------------------------------------


def target(url: str) -> str:
    """The path and query of a URL: what the floor looks its answers up by."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def capture(fake: fake_assistants.FakeAssistants, run_once: Callable[[], object]) -> Canned:
    """Runs the workload once against the fake; its responses by method and target.

    The floor answers with the ids the fake made, so its client sends the very same
    targets (only the host differs) and each lookup is one dict access.
    """
    fake.calls.clear()
    run_once()
    canned: Canned = {}
    for call in fake.calls:
        if call.status >= 400:
            raise WorkloadError(f"{call.method} {call.path} answered {call.status}")
        key = (call.method, target(call.request.url))
        if key in canned:
            raise WorkloadError(f"{call.method} {call.path} sent twice: the floor would replay one")
        response = call.response
        canned[key] = (response.status, list(response.headers), response.body)
    return canned


def floor_client(module: ModuleType, canned: Canned) -> AzureOpenAI:
    """The SDK over a transport that answers with the fake's bytes: the fake's ideal."""

    def handler(request: Any) -> Any:
        status, headers, body = canned[(request.method, request.url.raw_path.decode())]
        return module.Response(status, headers=headers, content=body)

    transport = module.MockTransport(handler)
    return make_client(FLOOR_ENDPOINT, module.Client(transport=transport))


def check_journal(fake: fake_assistants.FakeAssistants) -> None:
    """Every request of the last round was answered with success; then forgets them."""
    failed = [call for call in fake.calls if call.status >= 400]
    if failed:
        call = failed[0]
        raise WorkloadError(f"{call.method} {call.path} answered {call.status}")
    fake.calls.clear()  # keeps memory flat; appending to the journal is still timed


def script_replies(fake: fake_assistants.FakeAssistants, text: str, count: int) -> None:
    """Tops the scripted replies up to `count`, so a round never falls to the default."""
    for _ in range(count - fake.replies_left):
        fake.add_reply(text)


@contextmanager
def no_sleeps() -> Iterator[list[float]]:
    """Records, instead of sleeping, every sleep the SDK asks for (none is expected)."""
    slept: list[float] = []

    def record(self: object, seconds: float) -> None:
        slept.append(seconds)

    with (
        patch.patch.object(SyncAPIResource, "_sleep", record),
        patch.patch.object(time, "sleep", lambda seconds: slept.append(seconds)),
    ):
        yield slept


# --- 1. one conversation turn --------------------------------------------------------------


def turn_step(client: AzureOpenAI, assistant_id: str) -> Step:
    threads = client.beta.threads

    def turn(i: int) -> None:
        thread = threads.create()
        threads.messages.create(thread.id, role="user", content=QUESTION)
        run = threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
        page = threads.messages.list(thread.id)
        if run.status != "completed" or page.data[0].role != "assistant":
            raise WorkloadError(f"run {run.status}, newest message by {page.data[0].role}")

    return turn


def run_turn(
    fake: fake_assistants.FakeAssistants, module: ModuleType, assistant_id: str, config: Config
) -> dict[str, Any]:
    fake_client = make_client(FAKE_ENDPOINT, module.Client())
    script_replies(fake, TURN_REPLY, 1)
    canned = capture(fake, lambda: turn_step(fake_client, assistant_id)(0))
    requests = len(fake.calls)
    answer = fake.calls.last.response.json()  # the messages list, newest first
    if answer["data"][0]["content"][0]["text"]["value"] != TURN_REPLY:
        raise WorkloadError("the turn's answer is not the scripted reply")
    steps = {
        "fake": turn_step(fake_client, assistant_id),
        "floor": turn_step(floor_client(module, canned), assistant_id),
    }

    def make_steps(label: str) -> dict[str, Step]:
        check_journal(fake)
        script_replies(fake, TURN_REPLY, config.ops)
        return steps

    samples = measure(make_steps, ("turn",), config)["turn"]
    check_journal(fake)
    result = ratio_result(samples["fake"], samples["floor"], TURN_TARGET)
    result["requests"] = requests
    result["response_bytes"] = sum(len(body) for _, _, body in canned.values())
    return result


# --- 2. a streamed reply -------------------------------------------------------------------


def stream_step(client: AzureOpenAI, assistant_id: str, thread_of: Callable[[int], str]) -> Step:
    runs = client.beta.threads.runs

    def streamed(i: int) -> None:
        with runs.stream(thread_id=thread_of(i), assistant_id=assistant_id) as stream:
            stream.until_done()

    return streamed


def run_stream(
    fake: fake_assistants.FakeAssistants, module: ModuleType, assistant_id: str, config: Config
) -> dict[str, Any]:
    """Each streamed run of the fake gets a thread of its own, made before the round
    (untimed, directly), so every run reads the same one-message thread."""
    fake_client = make_client(FAKE_ENDPOINT, module.Client())
    threads: list[str] = []

    def new_threads(count: int) -> None:
        threads[:] = [
            fake.threads.create(messages=[{"role": "user", "content": QUESTION}])["id"]
            for _ in range(count)
        ]

    new_threads(1)
    script_replies(fake, STREAM_REPLY, 1)
    fake_step = stream_step(fake_client, assistant_id, threads.__getitem__)
    canned = capture(fake, lambda: fake_step(0))
    (_, _, body), *more = canned.values()
    streamed = fake.threads[threads[0]].messages.list(order="desc")[0]
    if more or streamed["content"][0]["text"]["value"] != STREAM_REPLY:
        raise WorkloadError("the streamed run did not write the scripted reply")
    floor_thread = threads[0]
    steps = {
        "fake": fake_step,
        "floor": stream_step(floor_client(module, canned), assistant_id, lambda i: floor_thread),
    }

    def make_steps(label: str) -> dict[str, Step]:
        check_journal(fake)
        script_replies(fake, STREAM_REPLY, config.ops)
        new_threads(config.ops)
        return steps

    samples = measure(make_steps, ("stream",), config)["stream"]
    check_journal(fake)
    result = ratio_result(samples["fake"], samples["floor"], STREAM_TARGET)
    result["events"] = body.count(b"\nevent: ") + 1
    result["response_bytes"] = len(body)
    return result


# --- 3. message pages of a small and a large thread ----------------------------------------


def seed_thread(fake: fake_assistants.FakeAssistants, count: int) -> tuple[str, list[str]]:
    """A thread with `count` user messages, stored directly (no HTTP): its id, and the
    messages' ids, oldest first."""
    thread_id = fake.threads.create()["id"]
    view = fake.threads[thread_id].messages
    gc.disable()  # records hold no cycles; collecting a growing heap is only slow
    try:
        return thread_id, [view.create(role="user", content=SEEDED)["id"] for _ in range(count)]
    finally:
        gc.enable()


def page_step(client: AzureOpenAI, thread_id: str, after: str | None) -> Step:
    messages = client.beta.threads.messages
    if after is None:
        return lambda i: messages.list(thread_id, limit=PAGE_LIMIT)
    return lambda i: messages.list(thread_id, limit=PAGE_LIMIT, after=after)


def run_pages(
    fake: fake_assistants.FakeAssistants, module: ModuleType, config: Config
) -> dict[str, Any]:
    started = time.perf_counter()
    seeded = {"small": seed_thread(fake, config.small), "large": seed_thread(fake, config.large)}
    seconds_to_seed = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # the stored messages: later collections skip them
    fake_client = make_client(FAKE_ENDPOINT, module.Client())
    cursors = {
        size: {"first": None, "deep": ids[len(ids) // 2]} for size, (_, ids) in seeded.items()
    }
    small_id = seeded["small"][0]

    def capture_small() -> None:
        for after in cursors["small"].values():
            page_step(fake_client, small_id, after)(0)

    floor = floor_client(module, capture(fake, capture_small))

    def make_steps(page: str) -> dict[str, Step]:
        check_journal(fake)
        steps = {
            size: page_step(fake_client, thread_id, cursors[size][page])
            for size, (thread_id, _) in seeded.items()
        }
        steps["floor"] = page_step(floor, small_id, cursors["small"][page])
        return steps

    samples = measure(make_steps, ("first", "deep"), config)
    check_journal(fake)
    gc.unfreeze()
    result: dict[str, Any] = {"seed_seconds": round(seconds_to_seed, 2)}
    for page, by_side in samples.items():
        small_us, large_us = median_us(by_side["small"]), median_us(by_side["large"])
        ratio = large_us / small_us
        result[page] = {
            "small_us": round(small_us, 1),
            "large_us": round(large_us, 1),
            "floor_us": round(median_us(by_side["floor"]), 1),
            "ratio": round(ratio, 3),
            "target": SCALING_TARGET,
            "ok": ratio <= SCALING_TARGET,
        }
    return result


def ratio_result(fake: list[float], floor: list[float], target: float) -> dict[str, Any]:
    fake_us, floor_us = median_us(fake), median_us(floor)
    ratio = fake_us / floor_us
    return {
        "fake_us": round(fake_us, 1),
        "floor_us": round(floor_us, 1),
        "ratio": round(ratio, 3),
        "target": target,
        "ok": ratio <= target,
    }


# --- report ------------------------------------------------------------------------------


def print_report(results: dict[str, Any]) -> None:
    env, config = results["environment"], results["config"]
    print(f"fake-assistants conversation benchmark: openai {env['openai']} over ", end="")
    print(f"{env['http']}, Python {env['python']}")
    print(f"{config['rounds']} rounds x {config['ops']} calls per measurement, median of rounds;")
    print("sides alternate call by call; floor: the SDK over the fake's bytes, replayed.\n")
    print(
        f"{'measurement':<18}{'bytes':>7}{'fake us':>10}{'floor us':>10}{'fake/floor':>12}  target"
    )
    turn, stream = results["turn"], results["stream"]
    rows = [
        (f"turn ({turn['requests']} req)", turn),
        (f"stream ({stream['events']} ev)", stream),
    ]
    for label, row in rows:
        print(
            f"{label:<18}{row['response_bytes']:>7}{row['fake_us']:>10.1f}{row['floor_us']:>10.1f}"
            f"{row['ratio']:>11.2f}x  <= {row['target']:.2f}x {verdict(row['ok'])}"
        )
    pages = results["pages"]
    small, large = f"{config['small']:,}", f"{config['large']:,}"
    print(f"\nmessages.list(limit={PAGE_LIMIT}), one thread with {small} messages and one ", end="")
    print(f"with {large} (seeded in {pages['seed_seconds']:.1f} s), alternating.\n")
    print(f"{'page':<8}{small + ' us':>10}{large + ' us':>12}{'ratio':>9}  target{'':<19}floor us")
    for page in ("first", "deep"):
        row = pages[page]
        print(
            f"{page:<8}{row['small_us']:>10.1f}{row['large_us']:>12.1f}{row['ratio']:>8.2f}x"
            f"  <= {row['target']:.2f}x {verdict(row['ok']):<13}{row['floor_us']:>10.1f}"
        )
    print(f"\n(deep page: after= the middle id; floor: the SDK over the {small} thread's bytes)")
    if config["quick"]:
        print("--quick: a smoke run, too short for the verdicts to mean much; run it without.")


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> tuple[Config, str | None]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results to PATH")
    parser.add_argument("--rounds", type=positive, help="rounds (default 15, quick 3)")
    parser.add_argument(
        "--ops", type=positive, help="calls per measurement per round (default 100, quick 10)"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 15)
    ops = args.ops or (10 if args.quick else 100)
    large = 2_000 if args.quick else LARGE
    warmup = min(ops, 20)
    config = Config(rounds, ops, warmup, small=SMALL, large=large, quick=args.quick)
    return config, args.json


def main(argv: list[str]) -> int:
    config, json_path = parse_args(argv)
    module = http_module()
    with (
        quiet_deprecations(),
        no_sleeps() as slept,
        fake_assistants.mock(endpoint=FAKE_ENDPOINT) as fake,
    ):
        assistant_id = fake.assistants.create(**ASSISTANT)["id"]
        try:
            turn = run_turn(fake, module, assistant_id, config)
            stream = run_stream(fake, module, assistant_id, config)
            pages = run_pages(fake, module, config)
        except WorkloadError as error:
            print(f"the workload went wrong: {error}", file=sys.stderr)
            return 1
        if slept or fake.replies_left:
            print(f"the SDK slept {len(slept)} time(s); {fake.replies_left} replies unused")
            return 1
    results = {
        "environment": environment(module),
        "config": config.__dict__,
        "turn": turn,
        "stream": stream,
        "pages": pages,
        "sleeps": len(slept),
    }
    print_report(results)
    if json_path:
        with open(json_path, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
