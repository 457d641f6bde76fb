"""Stream rows out of JSONL, JSON, CSV, Parquet files and Hugging Face dataset folders.

Each reader yields chunks of ``RawRow`` so that a large file never sits in memory as
Python objects all at once. A row that cannot be parsed, or that holds a value curate could
not keep unchanged (nested too deep, NaN, an integer beyond 64 bits), is yielded with its raw
text, a reason code and the parser's message instead of raising: ingest turns it into a
rejection.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from curate.errors import InputError
from curate.formats.convert import detect_format

Container = Literal["jsonl", "json", "csv", "parquet", "hf"]
UNIT: dict[Container, str] = {
    "jsonl": "line",
    "json": "item",
    "csv": "line",
    "parquet": "row",
    "hf": "row",
}
_SURROGATES = re.compile("[\udc80-\udcff\ud800-\udfff]")
ProgressFn = Callable[[int], None]
BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark some editors put at the start of a file
# Rows nested deeper are rejected: orjson writes at most 254 levels, and rejected.jsonl puts a
# row two levels deeper (under "example", its fields under curate_meta), so 200 leaves room.
MAX_DEPTH = 200
INT_RANGE = (-(2**63), 2**64 - 1)  # the integers orjson reads and writes exactly
# orjson reads an integer outside INT_RANGE as a float, silently rounded: such a float is at
# least 2**63 in size, and its text has 19 digits or more in a row.
_FLOAT_OF_BIG_INT = 2.0**63
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


@dataclass(slots=True)
class RawRow:
    """One source row: parsed ``data``, or ``raw`` text with the parser's ``error``."""

    pos: int
    data: Any
    raw: str | None = None
    error: str | None = None
    utf8_ok: bool = True
    reason: str = "parse.invalid_json"  # the rejection code, when ``error`` is set
    line: bytes | None = None  # the JSONL line it came from, to check or show it as written


class RowProblem(Exception):
    """A row that is not JSON, or holds a value curate would not keep unchanged."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def detect_container(path: Path) -> Container:
    """Decide how to read ``path`` from its suffix (and first byte, for .json)."""
    if not path.exists():
        raise not_found(path, path, "file")
    if path.is_dir():
        if any((path / name).exists() for name in ("dataset_dict.json", "state.json")):
            return "hf"
        raise InputError(
            "a folder that is not a Hugging Face dataset saved with save_to_disk",
            file=path,
            hint="pass a .jsonl, .json, .csv or .parquet file, or a save_to_disk folder",
        )
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        with open(path, "rb") as handle:
            head = handle.read(4096).removeprefix(BOM).lstrip()
        return "json" if head.startswith(b"[") or _is_wrapped_json(path, head) else "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(
        f"unknown file type '{suffix or path.name}'",
        file=path,
        hint="curate reads .jsonl, .json, .csv, .tsv, .parquet and save_to_disk folders",
    )


def not_found(path: Path, label: str | Path, noun: str = "input") -> InputError:
    """The error for a path that leads to no file: missing, a dangling link, or a link loop."""
    where = os.path.abspath(path)  # resolve() would follow a link loop (and raise)
    if path.is_symlink():
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return InputError(
                    f"{noun} is a symbolic link loop", file=label, hint=f"fix or remove {where}"
                )
        return InputError(
            f"{noun} is a symbolic link to a missing file ({os.readlink(path)})", file=label
        )
    return InputError(f"{noun} not found", file=label, hint=f"looked for {where}")


def iter_rows(
    path: Path, container: Container, *, chunk_size: int = 20_000, progress: ProgressFn
) -> Iterator[tuple[str, list[RawRow]]]:
    """Yield ``(source label, rows)`` chunks; ``progress`` gets bytes (or rows) read."""
    readers: dict[Container, Callable[..., Iterator[tuple[str, list[RawRow]]]]] = {
        "jsonl": _read_jsonl,
        "json": _read_json,
        "csv": _read_csv,
        "parquet": _read_parquet,
        "hf": _read_hf,
    }
    yield from readers[container](path, chunk_size, progress)


def size_of(path: Path) -> int:
    """Bytes to read, for progress bars."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


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
        value = _marked_loads(text)
    except RecursionError:
        raise RowProblem("parse.too_deep", f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:
        raise RowProblem("parse.invalid_json", error) from None
    _check_marked(value)
    clean = _scrub(value)
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
        _check_marked(_marked_loads(line.removeprefix(BOM).decode("utf-8", errors="replace")))
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


def _marked_loads(text: str) -> Any:
    """``json.loads`` with exact integers, and NaN, Infinity and overflowing numbers marked."""
    return json.loads(
        text, parse_int=_marked_int, parse_float=_marked_float, parse_constant=_marked_constant
    )


def _check_marked(value: Any) -> None:
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


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def _is_wrapped_json(path: Path, head: bytes) -> bool:
    """A .json file holding one object (a row, or a wrapper of rows), not JSONL."""
    if not head.startswith(b"{"):
        return False
    data = path.read_bytes().removeprefix(BOM)
    try:
        return isinstance(orjson.loads(data), dict)
    except orjson.JSONDecodeError:
        pass
    try:  # NaN or a lone surrogate in one row must not turn the document into one bad line
        return isinstance(_marked_loads(data.decode("utf-8", errors="surrogateescape")), dict)
    except (ValueError, RecursionError):
        return False


def _json_rows(value: Any) -> list[Any]:
    """The rows of a JSON document: an array, one row object, or a wrapper's one list of rows."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and detect_format(value) is None:
        lists = [v for v in value.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
    return [value]


def _load_json_items(path: Path, data: bytes) -> list[RawRow]:
    """The rows of a JSON document; an item nested too deep or holding a number curate would
    not keep unchanged becomes a row with its problem, and bad bytes are repaired."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _load_json_items_carefully(path, data)
    if _LONG_NUMBER in data.translate(_DIGITS):  # an integer orjson may have rounded
        return _load_json_items_carefully(path, data)
    # depth is checked by ingest, on the fields a row keeps
    return [RawRow(i + 1, item) for i, item in enumerate(_json_rows(value))]


def _load_json_items_carefully(path: Path, data: bytes) -> list[RawRow]:
    text = data.decode("utf-8", errors="surrogateescape")  # bad bytes become lone surrogates
    try:
        value = _marked_loads(text)
    except RecursionError:
        items = _array_items(text)
        if items is None:
            raise InputError(
                "nested too deep for the JSON reader",
                file=path,
                hint="write the rows as JSONL, one per line: a row nested too deep is then "
                "rejected alone",
            ) from None
        return [
            _raw_row(i + 1, item.encode("utf-8", "surrogateescape")) for i, item in enumerate(items)
        ]
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno) from None
    rows = []
    for i, item in enumerate(_json_rows(value)):
        try:
            _check_marked(item)
        except RowProblem as problem:
            rows.append(_problem_row(i + 1, item, problem))
            continue
        clean = _scrub(item)
        rows.append(RawRow(i + 1, clean, utf8_ok=clean == item))
    return rows


def _problem_row(pos: int, item: Any, problem: RowProblem) -> RawRow:
    if problem.reason == "parse.too_deep":  # too deep to write back as text
        raw = f"({type(item).__name__} not shown: {problem.message})"
    else:
        raw = json.dumps(item, default=lambda marked: marked.text, ensure_ascii=False)
    return RawRow(pos, None, raw, problem.message, reason=problem.reason)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[][{},]')


def _array_items(text: str) -> list[str] | None:
    """The item texts of a top-level JSON array, split without parsing them (for a document
    too deep for the stdlib parser); None when ``text`` is not one array."""
    if not text.lstrip().startswith("["):
        return None
    items: list[str] = []
    depth = start = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth == 1:
                start = match.end()
        elif token in ("]", "}"):
            depth -= 1
            if depth == 0:
                last = text[start : match.start()]
                if last.strip() or items:
                    items.append(last)
                return None if text[match.end() :].strip() else items
        elif token == "," and depth == 1:
            items.append(text[start : match.start()])
            start = match.end()
    return None


def _raw_row(pos: int, raw: bytes) -> RawRow:
    try:
        value, utf8_ok = parse_json_line(raw)
    except RowProblem as problem:
        text = raw.removeprefix(BOM).decode("utf-8", errors="replace").rstrip("\r\n")
        return RawRow(pos, None, text, problem.message, reason=problem.reason)
    return RawRow(pos, value, utf8_ok=utf8_ok, line=raw.removeprefix(BOM))


def _read_jsonl(path: Path, chunk_size: int, progress: ProgressFn):
    label = str(path)
    chunk: list[RawRow] = []
    done = 0
    with open(path, "rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            done += len(line)
            try:  # the hot path: one valid JSON document per line
                chunk.append(RawRow(line_no, orjson.loads(line), line=line))
            except orjson.JSONDecodeError:
                if not line.removeprefix(BOM).strip():
                    continue
                chunk.append(_raw_row(line_no, line))
            if len(chunk) >= chunk_size:
                progress(done)
                done = 0
                yield label, chunk
                chunk = []
    progress(done)
    if chunk:
        yield label, chunk


def _read_json(path: Path, chunk_size: int, progress: ProgressFn):
    data = path.read_bytes()
    rows = _load_json_items(path, data.removeprefix(BOM))
    progress(len(data))
    label = str(path)
    for start in range(0, len(rows), chunk_size):
        yield label, rows[start : start + chunk_size]


def _read_csv(path: Path, chunk_size: int, progress: ProgressFn):
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    label = str(path)
    with open(path, "rb") as binary:
        # utf-8-sig drops the byte-order mark spreadsheet programs put before the header
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        chunk: list[RawRow] = []
        _ = reader.fieldnames  # reads the header, so line_num counts from it
        start_line = reader.line_num + 1
        for record in reader:
            utf8_ok = True
            if any(isinstance(v, str) and _SURROGATES.search(v) for v in record.values()):
                record, utf8_ok = _scrub(record), False
            if None in record:  # more cells than header fields
                extra = record.pop(None)
                chunk.append(RawRow(start_line, None, ",".join(extra), "more cells than header"))
            else:
                chunk.append(RawRow(start_line, record, utf8_ok=utf8_ok))
            start_line = reader.line_num + 1
            if len(chunk) >= chunk_size:
                yield label, chunk
                chunk = []
        if chunk:
            yield label, chunk
    progress(path.stat().st_size)


def _read_parquet(path: Path, chunk_size: int, progress: ProgressFn):
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputError(f"not a readable Parquet file: {exc}", file=path) from None
    yield from _read_arrow_batches(
        str(path),
        parquet.iter_batches(batch_size=chunk_size),
        parquet.metadata.num_rows,
        path.stat().st_size,
        progress,
    )


def _read_hf(path: Path, chunk_size: int, progress: ProgressFn):
    from datasets import Dataset, DatasetDict, load_from_disk

    try:
        loaded = load_from_disk(str(path))
    except Exception as exc:  # datasets raises FileNotFoundError and others
        raise InputError(f"not a loadable Hugging Face dataset: {exc}", file=path) from None
    parts: dict[str, Dataset] = (
        dict(loaded.items()) if isinstance(loaded, DatasetDict) else {"": loaded}
    )
    total_bytes = size_of(path)
    total_rows = sum(len(ds) for ds in parts.values()) or 1
    for split, ds in parts.items():
        label = f"{path}[{split}]" if split else str(path)
        table = ds.data.table
        share = total_bytes * len(ds) // total_rows
        yield from _read_arrow_batches(
            label, table.to_batches(max_chunksize=chunk_size), len(ds), share, progress
        )


def _read_arrow_batches(label: str, batches, num_rows: int, size: int, progress: ProgressFn):
    pos = 0
    for batch in batches:
        rows = batch.to_pylist()
        yield label, [RawRow(pos + i + 1, row) for i, row in enumerate(rows)]
        pos += len(rows)
        progress(size * len(rows) // max(num_rows, 1))
