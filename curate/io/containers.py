"""Stream rows out of JSONL, JSON, CSV, Parquet files and Hugging Face dataset folders.

Each reader yields chunks of ``RawRow`` so that a large file never sits in memory as
Python objects all at once. A row that cannot be parsed, or that holds a value curate could
not keep unchanged (nested too deep, NaN, an integer beyond 64 bits; ``json_values.py``), is
yielded with its raw text, a reason code and the parser's message instead of raising: ingest
turns it into a rejection.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from curate.errors import InputError
from curate.formats.convert import detect_format
from curate.io.json_values import (
    BOM,
    DIGITS,
    LONG_NUMBER,
    SURROGATES,
    RowProblem,
    check_marked,
    marked_loads,
    parse_json_line,
    scrub_surrogates,
)

Container = Literal["jsonl", "json", "csv", "parquet", "hf"]
UNIT: dict[Container, str] = {
    "jsonl": "line",
    "json": "item",
    "csv": "line",
    "parquet": "row",
    "hf": "row",
}
ProgressFn = Callable[[int], None]


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
        return isinstance(marked_loads(data.decode("utf-8", errors="surrogateescape")), dict)
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
    if LONG_NUMBER in data.translate(DIGITS):  # an integer orjson may have rounded
        return _load_json_items_carefully(path, data)
    # depth is checked by ingest, on the fields a row keeps
    return [RawRow(i + 1, item) for i, item in enumerate(_json_rows(value))]


def _load_json_items_carefully(path: Path, data: bytes) -> list[RawRow]:
    text = data.decode("utf-8", errors="surrogateescape")  # bad bytes become lone surrogates
    try:
        value = marked_loads(text)
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
            check_marked(item)
        except RowProblem as problem:
            rows.append(_problem_row(i + 1, item, problem))
            continue
        clean = scrub_surrogates(item)
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
            if any(isinstance(v, str) and SURROGATES.search(v) for v in record.values()):
                record, utf8_ok = scrub_surrogates(record), False
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
