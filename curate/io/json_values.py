"""What a JSON row may hold and come back unchanged: how deep it nests, integers within 64
bits, finite numbers, valid UTF-8. orjson reads most rows; the stdlib parser, with hooks that
mark what orjson would refuse or round, reads the rest, so a row is rejected with a reason
instead of changing silently.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import orjson

SURROGATES = re.compile("[\udc80-\udcff\ud800-\udfff]")
BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark some editors put at the start of a file
# Rows nested deeper are rejected: orjson writes at most 254 levels, and rejected.jsonl puts a
# row two levels deeper (under "example", its fields under curate_meta), so 200 leaves room.
MAX_DEPTH = 200
INT_RANGE = (-(2**63), 2**64 - 1)  # the integers orjson reads and writes exactly
# orjson reads an integer outside INT_RANGE as a float, silently rounded: such a float is at
# least 2**63 in size, and its text has 19 digits or more in a row.
_FLOAT_OF_BIG_INT = 2.0**63
DIGITS = bytes.maketrans(b"123456789", b"000000000")
LONG_NUMBER = b"0" * 19


class RowProblem(Exception):
    """A row that is not JSON, or holds a value curate would not keep unchanged."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def parse_json_line(raw: bytes) -> tuple[Any, bool]:
    """Parse one JSON document into ``(value, utf8_ok)``; invalid UTF-8 and lone surrogates are
    repaired (``utf8_ok`` False), a leading byte-order mark is dropped. Raises ``RowProblem``
    when the text is not JSON or holds a value curate would not keep unchanged."""
    raw = raw.removeprefix(BOM)
    try:
        return orjson.loads(raw), True
    except orjson.JSONDecodeError:
        pass
    try:
        text, utf8_ok = raw.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8_ok = raw.decode("utf-8", errors="replace"), False
    try:
        return orjson.loads(text), utf8_ok
    except orjson.JSONDecodeError as exc:
        error = str(exc)
    # The stdlib parser reads what orjson refuses: lone surrogate escapes (repaired here), and
    # NaN, Infinity and out-of-range numbers, which the hooks mark so that the row is rejected.
    try:
        value = marked_loads(text)
    except RecursionError:
        raise RowProblem("parse.too_deep", f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:
        raise RowProblem("parse.invalid_json", error) from None
    check_marked(value)
    clean = scrub_surrogates(value)
    return clean, utf8_ok and clean == value


def nesting_depth(value: Any) -> int:
    """How many lists and objects deep ``value`` goes (0 for a scalar), without recursion."""
    deepest = 0
    stack = [(value, 1)] if type(value) in (dict, list) else []
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in item.values() if type(item) is dict else item:
            if type(child) in (dict, list):
                stack.append((child, depth + 1))
    return deepest


def passthrough_problem(fields: dict[str, Any], line: bytes | None) -> RowProblem | None:
    """Why a row's passthrough fields (parsed by orjson) would not come back unchanged, if
    they would not: nested deeper than ``MAX_DEPTH``, or, given the row's JSONL ``line``, an
    integer beyond 64 bits that orjson read as a rounded float."""
    deepest, suspect = 1, False
    stack: list[tuple[Any, int]] = [(fields, 1)]
    while stack:  # a loop, not recursion: the fields may nest hundreds of levels
        item, depth = stack.pop()
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
                deepest = max(deepest, depth + 1)
            elif kind is float and not -_FLOAT_OF_BIG_INT < child < _FLOAT_OF_BIG_INT:
                suspect = True
    if deepest > MAX_DEPTH:
        return _too_deep(deepest)
    if not suspect or line is None:
        return None
    try:  # read the line again with exact integers, to tell 1e20 from a 21-digit integer
        check_marked(marked_loads(line.removeprefix(BOM).decode("utf-8", errors="replace")))
    except RowProblem as problem:
        return problem
    except RecursionError:  # deep in a field that canonical rows do not keep
        return RowProblem("parse.too_deep", f"nested more than {MAX_DEPTH} levels deep")
    return None


def _too_deep(depth: int) -> RowProblem:
    return RowProblem(
        "parse.too_deep", f"nested {depth} levels deep; curate keeps rows up to {MAX_DEPTH}"
    )


def _check_depth(value: Any) -> None:
    depth = nesting_depth(value)
    if depth > MAX_DEPTH:
        raise _too_deep(depth)


@dataclass(frozen=True, slots=True)
class _Marked:
    """Stands in for a number that curate would not keep unchanged; the row is rejected."""

    reason: str
    message: str
    text: str  # as written in the file


def _marked_int(text: str) -> int | _Marked:
    digits = len(text.lstrip("-"))
    if digits <= 20 and INT_RANGE[0] <= (number := int(text)) <= INT_RANGE[1]:
        return number
    shown = text if len(text) <= 24 else f"{text[:20]}... ({digits} digits)"
    return _Marked(
        "parse.integer_too_large",
        f"the integer {shown} is beyond the 64-bit range that JSON tools keep exactly; "
        "write it as a string",
        text,
    )


def _marked_float(text: str) -> float | _Marked:
    number = float(text)
    if math.isfinite(number):
        return number
    shown = text if len(text) <= 24 else f"{text[:20]}..."
    return _Marked("parse.non_finite_number", f"the number {shown} is too large for a float", text)


def _marked_constant(text: str) -> _Marked:
    return _Marked(
        "parse.non_finite_number", f"{text} is not a JSON number (write null or a string)", text
    )


def marked_loads(text: str) -> Any:
    """``json.loads`` with exact integers, and NaN, Infinity and overflowing numbers marked."""
    return json.loads(
        text, parse_int=_marked_int, parse_float=_marked_float, parse_constant=_marked_constant
    )


def check_marked(value: Any) -> None:
    """Raise ``RowProblem`` for a value with a marked number in it, or nested too deep."""
    _check_depth(value)
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Marked:
            raise RowProblem(item.reason, item.message)
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)


def scrub_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value
