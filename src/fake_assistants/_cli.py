"""`fake-assistants demo`: the reference walkthrough through the real openai SDK, offline."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import Any

from . import __version__
from ._fake import FakeAssistants

ENDPOINT = "https://demo-resource.openai.azure.com"
API_VERSION = "2024-08-01-preview"


def _show(step: str, value: Any) -> None:
    if hasattr(value, "model_dump"):  # show the fields the service sent, as it sent them
        value = value.model_dump(mode="json", exclude_unset=True)
    print(f"# {step}")
    print(json.dumps(value, indent=2))


def demo() -> int:
    try:
        from openai import AzureOpenAI, BadRequestError
    except ImportError:
        print("The demo needs the openai SDK: pip install 'fake-assistants[demo]'", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    with FakeAssistants(endpoint=ENDPOINT) as fake:
        client = AzureOpenAI(api_key="demo-key", api_version=API_VERSION, azure_endpoint=ENDPOINT)
        assistant = client.beta.assistants.create(
            instructions="You are an AI assistant that can write code to help answer "
            "math questions",
            model="gpt-4o",
            tools=[{"type": "code_interpreter"}],
        )
        _show("create an assistant", assistant)
        _show("list assistants", client.beta.assistants.list(order="desc", limit=20))
        _show("retrieve the assistant", client.beta.assistants.retrieve(assistant.id))
        update: dict[str, Any] = dict(
            instructions="You are an HR bot, and you have access to files to answer employee "
            "questions about company policies. Always respond with info from either of the files.",
            name="HR Helper",
            tools=[{"type": "code-interpreter"}],
            model="gpt-4",
        )
        try:
            client.beta.assistants.update(assistant.id, **update)
        except BadRequestError as error:
            _show("modify as the reference writes it ('code-interpreter'): rejected", error.body)
        update["tools"] = [{"type": "code_interpreter"}]
        updated = client.beta.assistants.update(assistant.id, **update)
        _show("modify with the right tool type", updated)
        _show("delete the assistant", client.beta.assistants.delete(assistant.id))
        _show("list assistants again", client.beta.assistants.list())
        print(f"# {fake.call_count} requests served offline by fake-assistants")
    return 0


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="fake-assistants", description="An offline fake of the Azure OpenAI Assistants API."
    )
    made.add_argument("--version", action="version", version=f"fake-assistants {__version__}")
    commands = made.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="run the reference walkthrough against the fake")
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
