"""What the pytest plugin costs a test session that never uses the fake, and (with
`--fixture`) what a test that uses the `fake_assistants` fixture costs.

Runs pytest in subprocesses on generated files of trivial tests (`def test_i(): pass`),
with the plugin (`-p fake_assistants.plugin`) and without, in interleaved rounds (ABBA
order), and prints medians and the ratio: for one test (start-up: loading the plugin)
and for N tests (start-up plus per-test cost). The per-test cost is the difference of
the two sides' (N tests - 1 test) times, over N - 1. With `--fixture`, the tests on the
plugin's side take the fixture (`def test_i(fake_assistants): pass`): a fresh fake,
started and stopped, per test, pytest's fixture machinery included; a third side runs
the same tests with a do-nothing fixture of that name, the floor no fixture goes under,
and each side is run once more per round to read the median setup + teardown time of
its tests as pytest reports them (much steadier on a busy machine than whole runs).
It also prints the
import time of `fake_assistants.plugin` alone (`-X importtime`, pytest already
imported). With `--cpu`, each run is timed by its CPU time (user + system) instead of
the wall clock: on a machine others are using, that moves much less. It measures and
prints: exit code 0 whatever the numbers.

    python benchmarks/bench_plugin.py [--quick] [--fixture] [--cpu] [--tests N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLUGIN = "fake_assistants"
# Other installed plugins stay out of both sides (autoload off): they cost the same on
# both, but their start-up noise (hypothesis, schemathesis...) would hide the difference.
WITH = ("-p", f"{PLUGIN}.plugin")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 500 tests: shows it runs")
    parser.add_argument("--tests", type=int, help="tests in the large file (default 2000)")
    parser.add_argument("--rounds", type=int, help="timed rounds (default 11)")
    parser.add_argument(
        "--fixture", action="store_true", help="tests on the plugin's side use the fixture"
    )
    parser.add_argument(
        "--cpu", action="store_true", help="time each run's CPU use, not the wall clock"
    )
    args = parser.parse_args(argv)
    args.tests = args.tests or (500 if args.quick else 2000)
    args.rounds = args.rounds or (3 if args.quick else 11)
    return args


FLOOR = "do_nothing_fixture"  # a plugin whose `fake_assistants` fixture yields None
PROBE = "phase_probe"  # a plugin that writes the median setup + teardown time of a test
PROBE_CODE = """import os, statistics
times = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        times[report.nodeid] = times.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open(os.environ["PHASE_PROBE_OUT"], "w") as out:
        out.write(str(statistics.median(times.values())))
"""
SIDES = {"plugin": WITH, "without": (), "floor": ("-p", FLOOR)}


def write_project(folder: Path, tests: int, fixture: bool) -> dict[tuple[int, str], Path]:
    """An isolated rootdir with a one-test file and an N-test file per side: the plugin
    loaded, or not. With `fixture`, the plugin side's tests take the fixture, and a
    third side, the floor, runs them with a do-nothing fixture of the same name: what
    pytest's fixture machinery costs whatever the fixture does."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / f"{PROBE}.py").write_text(PROBE_CODE)
    (folder / f"{FLOOR}.py").write_text(
        f"import pytest\n\n\n@pytest.fixture\ndef {PLUGIN}(request):\n    yield None\n"
    )
    files = {}
    for count in (1, tests):
        for side in ("plugin", "without", "floor") if fixture else ("plugin", "without"):
            argument = PLUGIN if fixture and side != "without" else ""
            name = "fixture" if argument else "trivial"
            path = folder / f"test_{name}_{count}.py"
            body = "".join(f"def test_{i}({argument}):\n    pass\n\n\n" for i in range(count))
            path.write_text(body)
            files[count, side] = path
    return files


def environment() -> dict[str, str]:
    """This environment without what would change pytest's plugins or options."""
    drop = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS"}
    kept = {k: v for k, v in os.environ.items() if k not in drop}
    return {**kept, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def cpu_seconds() -> float:
    """CPU time (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(folder: Path, path: Path, extra: tuple[str, ...], cpu: bool = False) -> float:
    """Seconds one pytest run takes (wall clock, or its CPU time with `cpu`); fails loudly
    if the tests did not all pass."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name]
    clock = cpu_seconds if cpu else time.perf_counter
    start = clock()
    done = subprocess.run(
        [*command, *extra], cwd=folder, env=environment(), capture_output=True, text=True
    )
    elapsed = clock() - start
    if done.returncode != 0:
        raise SystemExit(f"pytest failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def check_sides(folder: Path, path: Path) -> None:
    """The plugin is loaded on one side and absent on the other, or the figures mean nothing."""
    for extra, expected in ((WITH, True), ((), False)):
        command = [sys.executable, "-m", "pytest", "--fixtures", "-p", "no:cacheprovider"]
        shown = subprocess.run(
            [*command, *extra, path.name], cwd=folder, env=environment(), capture_output=True
        )
        if (b"fake_assistants" in shown.stdout) != expected:
            raise SystemExit(f"the plugin is {'not ' if expected else ''}loaded {extra}")


def measure(
    folder: Path, files: dict[tuple[int, str], Path], rounds: int, cpu: bool
) -> dict[tuple[int, str], float]:
    """Median seconds per (tests, side), from interleaved ABBA rounds (ABCCBA)."""
    times: dict[tuple[int, str], list[float]] = {key: [] for key in files}
    counts = sorted({count for count, _ in files})
    sides = list(dict.fromkeys(side for _, side in files))
    for round_index in range(rounds + 1):  # round 0 warms caches up and is not kept
        for count in counts:
            for side in sides + sides[::-1]:
                elapsed = run_pytest(folder, files[count, side], SIDES[side], cpu)
                if round_index:
                    times[count, side].append(elapsed)
    return {key: statistics.median(values) for key, values in times.items()}


def phase_medians(
    folder: Path, files: dict[tuple[int, str], Path], tests: int, rounds: int
) -> dict[str, float]:
    """Per side, the median over rounds of the median setup + teardown time of one of
    the N tests, as pytest reports it (wall clock): a median over N tests shrugs off
    the bursts of a busy machine that whole runs collect."""
    sides = [side for count, side in files if count == tests]
    found: dict[str, list[float]] = {side: [] for side in sides}
    out = folder / "phase_probe.out"
    env = {**environment(), "PHASE_PROBE_OUT": str(out)}
    for round_index in range(rounds):
        for side in sides if round_index % 2 else sides[::-1]:
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            extra = (*SIDES[side], "-p", PROBE, files[tests, side].name)
            subprocess.run([*command, *extra], cwd=folder, env=env, capture_output=True, check=True)
            found[side].append(float(out.read_text()))
    return {side: statistics.median(values) for side, values in found.items()}


def report_phases(phases: dict[str, float]) -> None:
    plain = phases["without"]
    print("median setup + teardown of one test, over a trivial test without the plugin:")
    print(f"  a test using the fixture: {(phases['plugin'] - plain) * 1e6:.1f} us")
    print(f"  a do-nothing fixture (pytest's own): {(phases['floor'] - plain) * 1e6:.1f} us")


def plugin_import_us() -> int:
    """Microseconds to import fake_assistants.plugin (and what it imports) after pytest."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import pytest; import {PLUGIN}.plugin"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = re.search(rf"\|\s*(\d+) \| {PLUGIN}\.plugin$", done.stderr, flags=re.MULTILINE)
    if line is None:
        raise SystemExit(f"no import time found for {PLUGIN}.plugin:\n{done.stderr}")
    return int(line.group(1))


def report(
    medians: dict[tuple[int, str], float], tests: int, import_us: int, fixture: bool
) -> None:
    print(f"{'run':<18}{'plugin ms':>11}{'without ms':>12}{'diff ms':>10}{'ratio':>8}")
    for count in (1, tests):
        with_, without = medians[count, "plugin"] * 1e3, medians[count, "without"] * 1e3
        label = f"{count} test{'s' if count > 1 else ''}"
        print(
            f"{label:<18}{with_:>11.1f}{without:>12.1f}{with_ - without:>10.1f}"
            f"{with_ / without:>7.3f}x"
        )

    def per_test(side: str) -> float:
        """Microseconds a test costs on this side more than a trivial test without."""
        extra = (medians[tests, side] - medians[1, side]) - (
            medians[tests, "without"] - medians[1, "without"]
        )
        return extra / (tests - 1) * 1e6

    what = "a test using the fixture" if fixture else "the plugin"
    print(f"per-test cost of {what}: {per_test('plugin'):.1f} us (noise: a few us)")
    if fixture:
        floor = per_test("floor")
        print(f"  of which pytest's, for a do-nothing fixture: {floor:.1f} us")
        print(f"  and the fake's own: {per_test('plugin') - floor:.1f} us")
    print(f"import of {PLUGIN}.plugin after pytest: {import_us / 1e3:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = (", fixture in every test" if args.fixture else "") + (", CPU time" if args.cpu else "")
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, 1 and {args.tests} tests{mode}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_project(folder, args.tests, args.fixture)
        check_sides(folder, files[1, "without"])
        medians = measure(folder, files, args.rounds, args.cpu)
        phases = phase_medians(folder, files, args.tests, args.rounds) if args.fixture else {}
    report(medians, args.tests, plugin_import_us(), args.fixture)
    if phases:
        report_phases(phases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
