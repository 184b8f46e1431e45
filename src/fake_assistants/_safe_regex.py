"""Regex search in bounded time, for patterns taken from users' JSON Schemas.

Python's `re` backtracks: a pattern with nested quantifiers (`^((a+)+)+$`) against a
130-character string never ends, holds the GIL and ignores Ctrl-C. `search` instead runs
the pattern, parsed by the standard library's own parser, as a Thompson NFA (a Pike VM
without captures): its cost grows with pattern size times text length, never more, and is
capped besides. It answers None, "cannot tell", for what it does not run (backreferences,
conditionals, atomic groups, possessive repeats) and for work past the cap.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_PROGRAM = 4_000  # NFA instructions (bounded repeats are unrolled)
MAX_STEPS = 200_000  # thread steps per search, about a tenth of a second

_PARSER: Any = importlib.import_module("re._parser")
_MAXREPEAT: int = _PARSER.MAXREPEAT

_I, _M, _S, _A = re.IGNORECASE, re.MULTILINE, re.DOTALL, re.ASCII
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}

Pred = Callable[[str], bool]


class _Unsupported(Exception):
    """A construct the NFA does not run, or a program past MAX_PROGRAM."""


class _OverBudget(Exception):
    pass


# Instructions: ("char", pred) | ("split", a, b) | ("jmp", a) | ("at", code, flags)
# | ("look", program, behind_width or None, negate) | ("match",)
Program = list[tuple[Any, ...]]


@dataclass
class _Pool:
    steps: int


_POOL: ContextVar[_Pool | None] = ContextVar("fake_assistants_regex_pool", default=None)


@contextlib.contextmanager
def pooled(steps: int) -> Iterator[None]:
    """Every search inside draws on one pool of `steps`: past it, they answer None at once
    (so many checks of one value stay bounded as a whole, not only one by one)."""
    token = _POOL.set(_Pool(steps))
    try:
        yield
    finally:
        _POOL.reset(token)


def search(pattern: str, text: str) -> bool | None:
    """Like `re.search(pattern, text) is not None`, or None when it cannot tell in bounds
    (or the pattern does not compile)."""
    program = _program(pattern)
    pool = _POOL.get()
    if program is None or (pool is not None and pool.steps <= 0):
        return None
    run = _Run(text, limit=min(MAX_STEPS, pool.steps) if pool else MAX_STEPS)
    try:
        return run.find(program, 0, len(text), "search")
    except (_OverBudget, _Unsupported, RecursionError):
        return None
    finally:
        if pool is not None:
            pool.steps -= run.steps


@lru_cache(maxsize=256)
def _program(pattern: str) -> Program | None:
    try:
        parsed = _PARSER.parse(pattern)
        program: Program = []
        _Compiler(program).emit(parsed, parsed.state.flags)
        program.append(("match",))
    except (_Unsupported, re.error, RecursionError, OverflowError, ValueError, TypeError):
        return None
    return program


class _Compiler:
    def __init__(self, program: Program) -> None:
        self.program = program

    def add(self, *instruction: Any) -> int:
        if len(self.program) >= MAX_PROGRAM:
            raise _Unsupported("too large")
        self.program.append(instruction)
        return len(self.program) - 1

    def emit(self, items: Any, flags: int) -> None:
        for op, arg in items:
            self.one(str(op), arg, flags)

    def one(self, name: str, arg: Any, flags: int) -> None:
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY"):
            self.add("char", _predicate(name, arg, flags))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):  # laziness does not change a yes/no
            self.repeat(arg, flags)
        elif name == "SUBPATTERN":
            _, add_flags, del_flags, sub = arg
            self.emit(sub, (flags | add_flags) & ~del_flags)
        elif name == "BRANCH":
            self.branch(arg[1], flags)
        elif name == "AT":
            self.add("at", str(arg), flags)
        elif name in ("ASSERT", "ASSERT_NOT"):
            self.look(arg, flags, negate=name == "ASSERT_NOT")
        else:  # GROUPREF, GROUPREF_EXISTS, ATOMIC_GROUP, POSSESSIVE_REPEAT, ...
            raise _Unsupported(name)

    def repeat(self, arg: Any, flags: int) -> None:
        low, high, sub = arg
        for _ in range(low):
            self.emit(sub, flags)
        if high == _MAXREPEAT:
            split = self.add("split", 0, 0)
            self.emit(sub, flags)
            self.add("jmp", split)
            self.program[split] = ("split", split + 1, len(self.program))
            return
        splits = []
        for _ in range(high - low):
            splits.append(self.add("split", 0, 0))
            self.emit(sub, flags)
        for split in splits:
            self.program[split] = ("split", split + 1, len(self.program))

    def branch(self, alternatives: Any, flags: int) -> None:
        jumps = []
        for index, alternative in enumerate(alternatives):
            last = index == len(alternatives) - 1
            split = -1 if last else self.add("split", 0, 0)
            self.emit(alternative, flags)
            if not last:
                jumps.append(self.add("jmp", 0))
                self.program[split] = ("split", split + 1, len(self.program))
        for jump in jumps:
            self.program[jump] = ("jmp", len(self.program))

    def look(self, arg: Any, flags: int, negate: bool) -> None:
        direction, sub = arg
        width = None
        if direction < 0:
            low, high = sub.getwidth()
            if low != high:
                raise _Unsupported("variable-width lookbehind")
            width = low
        inner: Program = []
        _Compiler(inner).emit(sub, flags)
        inner.append(("match",))
        if len(self.program) + len(inner) >= MAX_PROGRAM:
            raise _Unsupported("too large")
        self.add("look", inner, width, negate)


def _predicate(name: str, arg: Any, flags: int) -> Pred:
    fold = bool(flags & _I)
    if name == "LITERAL":
        return _literal(chr(arg), fold)
    if name == "NOT_LITERAL":
        same = _literal(chr(arg), fold)
        return lambda ch: not same(ch)
    if name == "ANY":
        return (lambda ch: True) if flags & _S else (lambda ch: ch != "\n")
    if name == "CATEGORY":
        return _category(str(arg), flags)
    return _in_set(arg, flags)


def _literal(char: str, fold: bool) -> Pred:
    if not fold:
        return lambda ch: ch == char
    forms = {char, char.lower(), char.upper(), char.casefold()}
    return lambda ch: ch in forms or ch.lower() in forms


def _category(category: str, flags: int) -> Pred:
    if category not in _CATEGORIES:
        raise _Unsupported(category)
    compiled = re.compile(_CATEGORIES[category], _A if flags & _A else 0)
    return lambda ch: compiled.fullmatch(ch) is not None  # one character: constant time


def _in_set(members: Any, flags: int) -> Pred:
    negate = False
    tests: list[Pred] = []
    fold = bool(flags & _I)
    for op, value in members:
        kind = str(op)
        if kind == "NEGATE":
            negate = True
        elif kind == "RANGE":
            tests.append(_range(value[0], value[1], fold))
        elif kind in ("LITERAL", "CATEGORY"):
            tests.append(_predicate(kind, value, flags))
        else:
            raise _Unsupported(kind)

    def member(ch: str) -> bool:
        return any(test(ch) for test in tests) != negate

    return member


def _range(low: int, high: int, fold: bool) -> Pred:
    if not fold:
        return lambda ch: low <= ord(ch) <= high
    return lambda ch: any(low <= ord(c) <= high for c in (ch, ch.lower(), ch.upper()))


@dataclass
class _Run:
    """One search over one text: the step budget and lookaround answers are shared by
    the main program and its lookarounds."""

    text: str
    limit: int = MAX_STEPS
    steps: int = 0
    looked: dict[tuple[int, int], bool] = field(default_factory=dict)

    def find(self, program: Program, start: int, stop: int, mode: str) -> bool:
        """mode "search": a match starting anywhere from `start`; "prefix": one starting
        at `start`; "exact": one from `start` ending exactly at `stop`."""
        current: set[int] = set()
        for position in range(start, stop + 1):
            if mode == "search" or position == start:
                current.add(0)
            following: set[int] = set()
            seen: set[int] = set()
            char = self.text[position] if position < stop else None
            for pc in current:
                matched = self.closure(program, pc, position, seen, following, char)
                if matched and (mode != "exact" or position == stop):
                    return True
            current = following
            if not current and mode != "search":
                return False
        return False

    def closure(
        self,
        program: Program,
        pc: int,
        position: int,
        seen: set[int],
        following: set[int],
        char: str | None,
    ) -> bool:
        """Follows the zero-width instructions from `pc`; threads that take `char` go on
        to `following`. True when MATCH is reached."""
        stack = [pc]
        matched = False
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            self.steps += 1
            if self.steps > self.limit:
                raise _OverBudget
            instruction = program[pc]
            op = instruction[0]
            if op == "char":
                if char is not None and instruction[1](char):
                    following.add(pc + 1)
            elif op == "split":
                stack += (instruction[2], instruction[1])
            elif op == "jmp":
                stack.append(instruction[1])
            elif op == "at":
                if _at(instruction[1], instruction[2], self.text, position):
                    stack.append(pc + 1)
            elif op == "look":
                if self.look(instruction, position):
                    stack.append(pc + 1)
            else:
                matched = True
        return matched

    def look(self, instruction: tuple[Any, ...], position: int) -> bool:
        _, inner, width, negate = instruction
        key = (id(inner), position)
        if key not in self.looked:
            if width is None:
                found = self.find(inner, position, len(self.text), "prefix")
            else:
                begin = position - width
                found = begin >= 0 and self.find(inner, begin, position, "exact")
            self.looked[key] = found
        return bool(self.looked[key] != negate)


def _at(code: str, flags: int, text: str, position: int) -> bool:
    end = len(text)
    if code == "AT_BEGINNING":
        return position == 0 or (bool(flags & _M) and text[position - 1] == "\n")
    if code == "AT_BEGINNING_STRING":
        return position == 0
    if code == "AT_END":
        if flags & _M:
            return position == end or text[position] == "\n"
        return position == end or (position == end - 1 and text[position] == "\n")
    if code == "AT_END_STRING":
        return position == end
    if code in ("AT_BOUNDARY", "AT_NON_BOUNDARY"):
        word = _category("CATEGORY_WORD", flags)
        before = position > 0 and word(text[position - 1])
        after = position < end and word(text[position])
        return (before != after) == (code == "AT_BOUNDARY")
    raise _Unsupported(code)
