"""Stream rows out of JSONL, JSON, CSV, Parquet files and Hugging Face dataset folders.

Each reader yields chunks of ``RawRow`` so that a large file never sits in memory as
Python objects all at once. A row that cannot be parsed is yielded with its raw text
and the parser's message instead of raising: ingest turns it into a rejection.
"""

from __future__ import annotations

import csv
import io
import json
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


@dataclass(slots=True)
class RawRow:
    """One source row: parsed ``data``, or ``raw`` text with the parser's ``error``."""

    pos: int
    data: Any
    raw: str | None = None
    error: str | None = None
    utf8_ok: bool = True


def detect_container(path: Path) -> Container:
    """Decide how to read ``path`` from its suffix (and first byte, for .json)."""
    if not path.exists():
        raise InputError("file not found", file=path)
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
            head = handle.read(4096).lstrip()
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


def parse_json_line(raw: bytes) -> tuple[Any, bool, str | None]:
    """Parse one JSON document: ``(value, utf8_ok, error)``; invalid UTF-8 is repaired."""
    try:
        return orjson.loads(raw), True, None
    except orjson.JSONDecodeError:
        pass
    try:
        text, utf8_ok = raw.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8_ok = raw.decode("utf-8", errors="replace"), False
    try:
        return orjson.loads(text), utf8_ok, None
    except orjson.JSONDecodeError as exc:
        error = str(exc)
    try:  # the stdlib parser accepts lone surrogate escapes, which are not valid text
        value = json.loads(text)
    except ValueError:
        return None, utf8_ok, error
    return _scrub(value), False, None


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
    try:
        return isinstance(orjson.loads(path.read_bytes()), dict)
    except orjson.JSONDecodeError:
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


def _load_json_items(path: Path, data: bytes) -> list[tuple[Any, bool]]:
    """Items of a JSON document with a UTF-8 flag each; bad bytes and lone surrogates repaired."""
    try:
        return [(item, True) for item in _json_rows(orjson.loads(data))]
    except orjson.JSONDecodeError:
        pass
    try:  # invalid bytes become lone surrogates, which the stdlib parser accepts
        value = json.loads(data.decode("utf-8", errors="surrogateescape"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno) from None
    items = []
    for item in _json_rows(value):
        clean = _scrub(item)
        items.append((clean, clean == item))
    return items


def _raw_row(pos: int, raw: bytes) -> RawRow:
    value, utf8_ok, error = parse_json_line(raw)
    if error is not None:
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return RawRow(pos, None, text, error, utf8_ok)
    return RawRow(pos, value, None, None, utf8_ok)


def _read_jsonl(path: Path, chunk_size: int, progress: ProgressFn):
    label = str(path)
    chunk: list[RawRow] = []
    done = 0
    with open(path, "rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            done += len(line)
            try:  # the hot path: one valid JSON document per line
                chunk.append(RawRow(line_no, orjson.loads(line)))
            except orjson.JSONDecodeError:
                if not line.strip():
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
    items = _load_json_items(path, data)
    progress(len(data))
    label = str(path)
    for start in range(0, len(items), chunk_size):
        chunk = items[start : start + chunk_size]
        yield label, [RawRow(start + i + 1, item, utf8_ok=ok) for i, (item, ok) in enumerate(chunk)]


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
