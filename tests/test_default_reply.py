"""The default responder: deterministic, conversation-derived, short, and schema-valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from fake_assistants._default_reply import (
    count_tokens,
    default_arguments,
    default_json,
    default_text,
)
from fake_assistants._schema_values import validates

WEATHER = {
    "type": "object",
    "properties": {
        "location": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["location"],
}
WEATHER_OUTPUT = [{"tool_call_id": "call_abc", "output": '{"temp": 21}', "name": "get_weather"}]
QUESTIONS = [
    "What's the weather in Paris?",
    "What's the weather in Paris? ",
    "What's the weather in Lima?",
    "Summarise this document in two sentences, keeping the numbers exact. " * 3,
    "Summarise this document in two sentences, keeping the numbers exact. " * 4,
    "hi",
    "",
]

SCRIPT = """
import json, sys
from fake_assistants._default_reply import default_arguments, default_json, default_text
weather = json.loads(sys.argv[1])
print(json.dumps([
    default_text(7, "What's the weather in Paris?"),
    default_text("seed", "", [{"tool_call_id": "call_1", "output": "21"}]),
    default_arguments(weather),
    default_json(weather, 7, "q"),
    default_json(None, 7, "q"),
]))
"""


def run_elsewhere(hash_seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(WEATHER)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answers: list[str] = json.loads(result.stdout)
    return answers


def test_answers_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    first, second = run_elsewhere("1"), run_elsewhere("4242")
    assert first == second
    assert first[0] == default_text(7, "What's the weather in Paris?")


def test_the_same_conversation_gets_the_same_answer() -> None:
    assert default_text(1, "Hello?") == default_text(1, "Hello?")
    assert default_text(1, "Q", WEATHER_OUTPUT) == default_text(1, "Q", list(WEATHER_OUTPUT))


def test_different_questions_and_seeds_get_different_answers() -> None:
    answers = [default_text(0, question) for question in QUESTIONS]
    assert len(set(answers)) == len(answers)
    assert default_text(0, "Hello?") != default_text(1, "Hello?")
    assert default_text(0, "Q", WEATHER_OUTPUT) != default_text(0, "Q")
    other_output = [{**WEATHER_OUTPUT[0], "output": '{"temp": 22}'}]
    assert default_text(0, "Q", WEATHER_OUTPUT) != default_text(0, "Q", other_output)


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_are_short_plain_sentences(question: str) -> None:
    text = default_text("s", question)
    assert 15 <= len(text.split()) <= 40, text
    assert "\n" not in text and text.isprintable()
    assert text.endswith(".")
    assert "fake-assistants" in text


def test_the_question_is_quoted_on_one_line_and_cut() -> None:
    assert '"What\'s the weather in Paris?"' in default_text(0, QUESTIONS[0])
    assert '"two lines"' in default_text(0, "two\n  lines")
    long = default_text(0, QUESTIONS[3])
    assert '"Summarise this document in two sentences, keeping the..."' in long


def test_tool_outputs_are_what_the_answer_reports() -> None:
    text = default_text(0, "What's the weather in Paris?", WEATHER_OUTPUT)
    assert text.startswith('get_weather returned: {"temp": 21}. ')
    assert 10 <= len(text.split()) <= 40


def test_several_outputs_and_unnamed_calls() -> None:
    outputs = [
        {"tool_call_id": "call_1", "output": "Sunny."},
        {"tool_call_id": "call_2", "output": ""},
        {"tool_call_id": "call_3", "output": "x" * 500, "name": "read_file"},
    ]
    text = default_text(0, "Q", outputs)
    assert text.startswith(
        "Tool call call_1 returned: Sunny. Tool call call_2 returned nothing. "
        "read_file returned: xxx"
    )
    assert "x" * 58 not in text  # long outputs are cut
    assert "\n" not in text


@pytest.mark.parametrize("parameters", [None, {}])
def test_no_parameters_give_an_empty_object(parameters: dict[str, Any] | None) -> None:
    assert default_arguments(parameters) == "{}"


@pytest.mark.parametrize(
    "parameters",
    [
        WEATHER,
        {"type": "object", "properties": {}},
        {
            "type": "object",
            "properties": {
                "ids": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
                "when": {"type": "string", "format": "date-time"},
                "note": {"type": ["string", "null"], "maxLength": 3},
            },
            "required": ["ids", "when", "note"],
            "additionalProperties": False,
        },
    ],
)
def test_forced_arguments_validate_and_are_compact(parameters: dict[str, Any]) -> None:
    arguments = default_arguments(parameters)
    value = json.loads(arguments)
    assert validates(parameters, value)
    assert arguments == json.dumps(value, separators=(",", ":"))
    assert default_arguments(parameters) == arguments


def test_weather_arguments() -> None:
    assert default_arguments(WEATHER) == '{"location":"Paris, France","unit":"celsius"}'


def test_json_schema_answers_validate() -> None:
    schema = {
        "type": "object",
        "properties": {
            "answer": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "sources": {"type": "array", "items": {"type": "string", "format": "uri"}},
        },
        "required": ["answer", "confidence", "sources"],
        "additionalProperties": False,
    }
    text = default_json(schema, 0, "Which sources?")
    assert validates(schema, json.loads(text))


def test_json_object_answers_are_derived_from_the_question() -> None:
    text = default_json(None, 0, "What is 2+2?")
    value = json.loads(text)
    assert list(value) == ["answer"]
    assert value["answer"] == default_text(0, "What is 2+2?")
    assert json.loads(default_json(None, 0, "Other?")) != value


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", 0),
        ("   \n\t", 0),
        ("Hello", 1),
        ("Hello, world!", 4),
        ("get_weather returned: 21.", 5),
        ('{"temp": 21}', 7),
        ("l'été dernier", 4),
        ("a  b\nc", 3),
    ],
)
def test_count_tokens(text: str, tokens: int) -> None:
    assert count_tokens(text) == tokens
