"""JSON from files and programs we do not control: bounded, and every refusal with its line.

`json.loads` alone accepts `NaN` and `Infinity`, numbers of any length, lone surrogates
(`"\\ud800"`, which SQLite and UTF-8 cannot store) and nesting until the interpreter's
recursion limit (then a RecursionError). `loads` refuses all of these with a `JsonError`
that carries the line and column, so each importer can name the place in its own words.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # objects and lists inside each other
MAX_NUMBER_DIGITS = 40
_DECODER_ERRORS = (ValueError, RecursionError, OverflowError)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_NUMBER_DIGITS + 1},}}")
_CONSTANT = re.compile(r"-?Infinity|NaN")
_BIG_FLOAT = re.compile(r"[0-9.]+[eE][+-]?[0-9]{3,}")
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonError(ValueError):
    """Why a JSON text was refused, and where (1-based line and column; 0 when unknown)."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def at(self, first_line: int = 1) -> str:
        """`line N, column M: reason` (lines counted from `first_line`)."""
        if not self.line:
            return self.reason
        return f"line {self.line + first_line - 1}, column {self.column}: {self.reason}"


def decode_utf8(data: bytes) -> str:
    """The text of UTF-8 bytes (a BOM is dropped), or JsonError at the first bad byte."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x})"
        raise JsonError(reason, line, column) from None


def loads(data: str | bytes) -> Any:
    """The value of a JSON text, refusing what the app cannot hold (see the module)."""
    text = decode_utf8(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except JsonError as problem:
        raise _placed(problem, text) from None
    except json.JSONDecodeError as error:
        raise JsonError(error.msg, error.lineno, error.colno) from None
    except RecursionError:
        raise _too_deep(text) from None
    except _DECODER_ERRORS as error:  # an int of more digits than Python converts
        raise JsonError(str(error)) from None
    _check_value(value, text)
    return value


def _refuse_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a number JSON allows")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        count = len(digits.lstrip("-"))
        raise JsonError(f"a number of {count} digits (at most {MAX_NUMBER_DIGITS})")
    return int(digits)


def _bounded_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")) or len(text) > 4 * MAX_NUMBER_DIGITS:
        raise JsonError(f"the number {text[:20]}… is too large")
    return value


def _check_value(value: Any, text: str) -> None:
    """Depth and lone surrogates, walked without recursion."""
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            if surrogates and isinstance(item, str) and _has_surrogate(item):
                raise _placed(JsonError("a lone surrogate (\\ud800–\\udfff) in a string"), text)
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(text)
        stack.extend((child, depth + 1) for child in children)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _placed(problem: JsonError, text: str) -> JsonError:
    """The problem with the place of its cause, when it can be found in the text."""
    if problem.line:
        return problem
    for words, pattern in (
        ("surrogate", _SURROGATE_ESCAPE),
        ("digits", _LONG_NUMBER),
        ("JSON allows", _CONSTANT),
        ("too large", _BIG_FLOAT),
    ):
        found = pattern.search(text) if words in problem.reason else None
        if found:
            line, column = _line_and_column(text, found.start())
            return JsonError(problem.reason, line, column)
    return problem


def _too_deep(text: str) -> JsonError:
    """A problem at the bracket that goes deeper than MAX_DEPTH."""
    reason = f"nested more than {MAX_DEPTH} levels deep"
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _line_and_column(text, match.start())
                return JsonError(reason, line, column)
        elif token in "]}":
            depth -= 1
    return JsonError(reason)


def _line_and_column(text: str | bytes, offset: int) -> tuple[int, int]:
    if isinstance(text, bytes):
        line, start = text.count(b"\n", 0, offset) + 1, text.rfind(b"\n", 0, offset) + 1
    else:
        line, start = text.count("\n", 0, offset) + 1, text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    """The index after the white space at `at`."""
    found = _SPACE.match(text, at)
    return found.end() if found else at


def element_lines(text: str, key: str | None = None) -> list[int]:
    """The line on which each element of a list begins: the top-level list (`key` None) or
    the list under `key` of the top-level object. For a text `loads` accepted; [] when the
    list is not there."""
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    try:
        if key is not None:
            at = _member(text, at, key, decoder)
        if at < 0 or text[at : at + 1] != "[":
            return []
        lines: list[int] = []
        line, counted = 1, 0
        at = _skip(text, at + 1)
        while text[at : at + 1] not in ("]", ""):
            line += text.count("\n", counted, at)
            counted = at
            lines.append(line)
            _, at = decoder.raw_decode(text, at)
            at = _skip(text, at)
            if text[at : at + 1] == ",":
                at = _skip(text, at + 1)
        return lines
    except (ValueError, IndexError, RecursionError):
        return []


def _member(text: str, at: int, key: str, decoder: json.JSONDecoder) -> int:
    """Where the value of `key` in the object starting at `at` begins (-1: no such key)."""
    if text[at : at + 1] != "{":
        return -1
    at = _skip(text, at + 1)
    while text[at : at + 1] == '"':
        name, at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        at = _skip(text, at + 1)  # after ":"
        if name == key:
            return at
        _, at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        if text[at : at + 1] == ",":
            at = _skip(text, at + 1)
    return -1
