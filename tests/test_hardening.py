"""Hostile-review findings (issue 14, item 6) through the openai SDK: what used to hang,
crash or lose data now answers, in bounded time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# A pattern whose failing match backtracks for ever under `re`, with a minLength the
# pattern's shortest string does not reach: the old generator's padded value failed it.
EVIL = {
    "type": "object",
    "properties": {"s": {"type": "string", "pattern": "^((a+)+)+$", "minLength": 130}},
    "required": ["s"],
}


def run_child(code: str, timeout: float = 60) -> str:
    """Runs `code` in a fresh interpreter (a hung regex holds the GIL: no thread could
    time it out), failing the test when it does not finish in `timeout` seconds."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")
    assert done.returncode == 0, done.stderr
    return done.stdout


SDK_PRELUDE = """
import json, sys
import openai
import fake_assistants
schema = json.loads(sys.argv[1] if len(sys.argv) > 1 else {schema!r})
fake = fake_assistants.mock(endpoint="https://res.openai.azure.com").__enter__()
sdk = openai.AzureOpenAI(azure_endpoint="https://res.openai.azure.com", api_key="k",
                         api_version="2025-04-01-preview", max_retries=0)
thread = sdk.beta.threads.create(messages=[{{"role": "user", "content": "Hi"}}])
"""


def test_a_nested_quantifier_pattern_is_answered_quickly() -> None:
    """In a forced function's parameters and in a json_schema response format."""
    code = SDK_PRELUDE.format(schema=json.dumps(EVIL)) + textwrap.dedent("""
        tool = {"type": "function", "function": {"name": "f", "parameters": schema}}
        asst = sdk.beta.assistants.create(model="m", tools=[tool])
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=asst.id,
            tool_choice={"type": "function", "function": {"name": "f"}})
        print(run.required_action.submit_tool_outputs.tool_calls[0].function.arguments)
        thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=asst.id,
            response_format={"type": "json_schema",
                             "json_schema": {"name": "r", "schema": schema}})
        print(run.status)
        messages = sdk.beta.threads.messages.list(thread_id=thread.id, order="desc")
        print(messages.data[0].content[0].text.value)
    """)
    arguments, status, text = run_child(code, timeout=30).splitlines()
    assert set(json.loads(arguments)["s"]) == {"a"} and len(json.loads(arguments)["s"]) >= 130
    assert status == "completed"
    assert set(json.loads(text)["s"]) == {"a"} and len(json.loads(text)["s"]) >= 130
