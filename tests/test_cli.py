"""The `fake-assistants` command: help, version, the demo, and a closed stdout."""

from __future__ import annotations

import os
import subprocess
import sys

import fake_assistants

COMMAND = [sys.executable, "-m", "fake_assistants._cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60)


def test_no_command_prints_the_help() -> None:
    done = run()

    assert done.returncode == 2
    assert done.stdout.startswith("usage: fake-assistants")
    assert "demo" in done.stdout
    assert done.stderr == ""


def test_version() -> None:
    done = run("--version")

    assert (done.returncode, done.stdout) == (0, f"fake-assistants {fake_assistants.__version__}\n")


def test_demo_runs() -> None:
    done = run("demo")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "user: What's the weather in Paris today?" in lines
    assert any(line.startswith('tool call  get_weather({"city": "Paris"})') for line in lines)
    assert "assistant: It is 21 °C and sunny in Paris today." in lines
    assert any(line.startswith("run completed: ") for line in lines)
    assert (
        "assistant: Hotel nights are reimbursed up to 150 euros in Europe【1:0†source】." in lines
    )
    assert any(line.endswith("cites travel-policy.md", 0, line.find(" (")) for line in lines)
    assert lines[-1] == "18 requests served offline by fake-assistants."


def test_a_closed_stdout_ends_the_demo_quietly() -> None:
    # `fake-assistants demo | head -1`, made deterministic: the reader is gone before any
    # write, so the first flush fails with EPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*COMMAND, "demo"], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60
        )
    finally:
        os.close(write_end)

    assert done.stderr == ""
    assert done.returncode == 1
