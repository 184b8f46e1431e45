"""The `fake-assistants` command: `demo` (see _demo.py), `--version`, help."""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from ._demo import demo


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="fake-assistants", description="An offline fake of the Azure OpenAI Assistants API."
    )
    made.add_argument("--version", action="version", version=f"fake-assistants {__version__}")
    commands = made.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="run a whole conversation with a tool call against the fake, offline"
    )
    return made


def main(argv: list[str] | None = None) -> int:
    """Runs a command; no command prints the help and exits 2, as a usage error."""
    cli = parser()
    command = cli.parse_args(argv).command
    if command is None:
        cli.print_help()
        return 2
    try:
        status = demo()
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
    except BrokenPipeError:
        # What the CPython docs recommend (signal module, "Note on SIGPIPE"): point stdout
        # at devnull so the flush at exit cannot fail again, and exit without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
