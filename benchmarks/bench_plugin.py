"""What the pytest plugin costs a test session that never uses the fake.

Runs pytest in subprocesses on generated files of trivial tests (`def test_i(): pass`),
with the plugin (`-p fake_assistants.plugin`) and without, in interleaved rounds (ABBA
order), and prints medians and the ratio: for one test (start-up: loading the plugin)
and for N tests (start-up plus per-test cost). The per-test cost is the difference of
the two sides' (N tests - 1 test) times, over N - 1. It also prints the import time of
`fake_assistants.plugin` alone (`-X importtime`, pytest already imported). It measures
and prints: exit code 0 whatever the numbers.

    python benchmarks/bench_plugin.py [--quick] [--tests N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
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
    args = parser.parse_args(argv)
    args.tests = args.tests or (500 if args.quick else 2000)
    args.rounds = args.rounds or (3 if args.quick else 11)
    return args


def write_project(folder: Path, tests: int) -> dict[int, Path]:
    """An isolated rootdir with a one-test file and an N-test file."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    files = {}
    for count in (1, tests):
        path = folder / f"test_trivial_{count}.py"
        path.write_text("".join(f"def test_{i}():\n    pass\n\n\n" for i in range(count)))
        files[count] = path
    return files


def environment() -> dict[str, str]:
    """This environment without what would change pytest's plugins or options."""
    drop = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS"}
    kept = {k: v for k, v in os.environ.items() if k not in drop}
    return {**kept, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def run_pytest(folder: Path, path: Path, extra: tuple[str, ...]) -> float:
    """Seconds one pytest run takes; fails loudly if the tests did not all pass."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, *extra], cwd=folder, env=environment(), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
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


def measure(folder: Path, files: dict[int, Path], rounds: int) -> dict[tuple[int, bool], float]:
    """Median seconds per (tests, plugin loaded), from interleaved ABBA rounds."""
    times: dict[tuple[int, bool], list[float]] = {(n, p): [] for n in files for p in (True, False)}
    for round_index in range(rounds + 1):  # round 0 warms caches up and is not kept
        for count, path in files.items():
            for plugin in (True, False, False, True):
                elapsed = run_pytest(folder, path, WITH if plugin else ())
                if round_index:
                    times[count, plugin].append(elapsed)
    return {key: statistics.median(values) for key, values in times.items()}


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


def report(medians: dict[tuple[int, bool], float], tests: int, import_us: int) -> None:
    print(f"{'run':<18}{'plugin ms':>11}{'without ms':>12}{'diff ms':>10}{'ratio':>8}")
    for count in (1, tests):
        with_, without = medians[count, True] * 1e3, medians[count, False] * 1e3
        label = f"{count} test{'s' if count > 1 else ''}"
        print(
            f"{label:<18}{with_:>11.1f}{without:>12.1f}{with_ - without:>10.1f}"
            f"{with_ / without:>7.3f}x"
        )
    extra = (medians[tests, True] - medians[1, True]) - (medians[tests, False] - medians[1, False])
    print(f"per-test cost of the plugin: {extra / (tests - 1) * 1e6:.1f} us (noise: a few us)")
    print(f"import of {PLUGIN}.plugin after pytest: {import_us / 1e3:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, 1 and {args.tests} tests")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_project(folder, args.tests)
        check_sides(folder, files[1])
        medians = measure(folder, files, args.rounds)
    report(medians, args.tests, plugin_import_us())
    return 0


if __name__ == "__main__":
    sys.exit(main())
