"""The `fake-assistants` command: `demo` (see _demo.py), `serve` (see _server.py),
`--version`, help."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

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
    add_serve(commands)
    return made


def add_serve(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="serve the fake over HTTP (needs the 'server' extra: uvicorn)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (8765; 0: a free one)")
    serve.add_argument("--seed", help="seed of ids and generated values (0, or the state's)")
    serve.add_argument("--api-key", help="the only api-key accepted (default: any)")
    serve.add_argument("--run-polls", type=int, default=0, help="polls a run stays queued")
    serve.add_argument(
        "--ingestion-polls", type=int, default=0, help="polls a vector store file ingests"
    )
    serve.add_argument(
        "--resource",
        default="local",
        help="the resource /openai/... is served as: NAME.openai.azure.com (local)",
    )
    serve.add_argument("--state", help="start from a snapshot file that fake.save() wrote")


def serve(args: argparse.Namespace) -> int:
    from ._server import MISSING, run
    from ._snapshot import SnapshotError

    try:
        options = {"seed": args.seed, "api_key": args.api_key, "state": args.state}
        run(
            args.host,
            args.port,
            args.resource,
            run_polls=args.run_polls,
            ingestion_polls=args.ingestion_polls,
            **{key: value for key, value in options.items() if value is not None},
        )
    except RuntimeError as error:
        if str(error) != MISSING:
            raise
        print(f"fake-assistants: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError, SnapshotError) as error:  # port in use, a bad name or file
        print(f"fake-assistants: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # uvicorn shut down gracefully, then passed Ctrl-C on
        return 0
    return 0


def main(argv: list[str] | None = None) -> int:
    """Runs a command; no command prints the help and exits 2, as a usage error."""
    cli = parser()
    args = cli.parse_args(argv)
    if args.command is None:
        cli.print_help()
        return 2
    if args.command == "serve":
        return serve(args)
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
