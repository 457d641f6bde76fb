"""Ingest: read every input into canonical examples; unparseable rows become rejections."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from curate.errors import InputError
from curate.formats.convert import Format, RowError, detect_format, to_canonical
from curate.io.containers import UNIT, Container, RawRow, detect_container, iter_rows
from curate.io.json_values import BOM, MAX_DEPTH, passthrough_problem
from curate.reasons import Reason
from curate.record import EXAMPLE_SCHEMA, MESSAGES_DTYPE, content_id

INGEST_REASONS = (
    Reason("parse.invalid_json", "The line (or item) is not valid JSON."),
    Reason("parse.not_an_object", "The row is valid JSON but not an object."),
    Reason("parse.unknown_format", "The row matches none of chat, Alpaca, ShareGPT or preference."),
    Reason("parse.bad_field", "A field the format needs has the wrong type or shape."),
    Reason(
        "parse.too_deep",
        f"The row nests lists and objects more than {MAX_DEPTH} levels deep, "
        "deeper than curate stores.",
    ),
    Reason(
        "parse.non_finite_number",
        "The row holds NaN, Infinity or a number too large for a float: not valid JSON.",
    ),
    Reason(
        "parse.integer_too_large",
        "The row holds an integer beyond the 64-bit range, which JSON tools round; "
        "write it as a string.",
    ),
)
REJECTION_COLUMNS = {"reason": pl.String(), "detail": pl.String(), "related_id": pl.String()}
_SORTED = orjson.OPT_SORT_KEYS


@dataclass(frozen=True)
class InputSource:
    """A data file to read: where it is, how the user named it, and an optional format."""

    path: Path
    label: str
    format: Format | None = None
    sha256: str = ""


@dataclass
class InputSummary:
    """What ingest saw in one input."""

    path: str
    sha256: str
    container: Container
    rows: int = 0
    parsed: int = 0
    rejected: int = 0
    formats: dict[str, int] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """sha256 of a file; for a folder, sha256 over its files' names and digests in name order."""
    if not path.is_dir():
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path)}\0{file_sha256(file)}\n".encode())
    return digest.hexdigest()


def ingest(
    sources: list[InputSource],
    *,
    strict: bool = False,
    progress: Callable[[int], None] = lambda n: None,
    chunk_size: int = 20_000,
    require_rows: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame, list[InputSummary]]:
    """Read ``sources`` in order into ``(examples, rejections, summaries)``; with
    ``require_rows``, inputs that hold no row at all are an error naming them."""
    with _collector_paused():
        result = _ingest(sources, strict, progress, chunk_size)
    if require_rows:
        check_some_rows(sources, result[2])
    return result


def check_some_rows(sources: list[InputSource], summaries: list[InputSummary]) -> None:
    """Raise InputError when no input holds a single row (empty, or only blank lines)."""
    if any(summary.rows for summary in summaries):
        return
    hint = "check the paths under inputs: (or --input); an empty file has nothing to curate"
    if len(sources) == 1:
        why = empty_input_description(sources[0].path)
        raise InputError(f"the input holds no rows: {why}", file=sources[0].label, hint=hint)
    described = "; ".join(f"{s.label}: {empty_input_description(s.path)}" for s in sources)
    raise InputError(f"no input holds any rows ({described})", hint=hint)


def empty_input_description(path: Path) -> str:
    """Why an input with no rows has none, in a few words."""
    if path.is_dir():
        return "the dataset has no rows"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty (0 bytes)"
    if size <= 1 << 20 and not path.read_bytes().removeprefix(BOM).strip():
        return "the file holds only blank lines"
    return "the file holds no rows"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of short-lived dicts make the cyclic GC rescan the heap over and over; ingest
    builds no cycles, so pausing it is safe and saves about a sixth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest(
    sources: list[InputSource],
    strict: bool,
    progress: Callable[[int], None],
    chunk_size: int,
) -> tuple[pl.DataFrame, pl.DataFrame, list[InputSummary]]:
    builder = _FrameBuilder()
    summaries = []
    for source in sources:
        container = detect_container(source.path)
        summary = InputSummary(source.label, source.sha256 or file_sha256(source.path), container)
        unit = UNIT[container]
        first_unknown: tuple[int, list[str]] | None = None
        recognised = False
        for label, chunk in iter_rows(
            source.path, container, chunk_size=chunk_size, progress=progress
        ):
            shown = source.label + label[len(str(source.path)) :]
            for raw in chunk:
                summary.rows += 1
                problem = builder.add(raw, shown, unit, source.format)
                recognised = recognised or builder.recognised
                if problem is None:
                    summary.parsed += 1
                    fmt = builder.formats[-1]
                    summary.formats[fmt] = summary.formats.get(fmt, 0) + 1
                    continue
                summary.rejected += 1
                if first_unknown is None and not builder.recognised and isinstance(raw.data, dict):
                    first_unknown = (raw.pos, list(raw.data)[:8])
                if strict:
                    raise InputError(builder.last_message, file=shown, line=raw.pos)
            builder.flush()
        if not recognised and first_unknown is not None:
            pos, fields = first_unknown
            raise InputError(
                "no row matches a known format (chat 'messages', Alpaca 'instruction'/'output', "
                f"ShareGPT 'conversations', preference 'prompt'/'chosen'/'rejected'); "
                f"{unit} {pos} has fields {', '.join(fields) or '(none)'}",
                file=source.label,
                line=pos,
                hint="name the format with `format:` on the input, or fix the field names",
            )
        summaries.append(summary)
    return builder.examples(), builder.rejections(), summaries


class _FrameBuilder:
    """Collects canonical rows in column lists and turns them into DataFrames chunk by chunk."""

    def __init__(self) -> None:
        self.next_row = 0
        self.recognised = False  # whether the last row added had a known format
        self.last_message = ""  # the parser's words on the last rejected row
        self._frames: list[pl.DataFrame] = []
        self._rejected: list[dict[str, object]] = []
        self._reset()

    def _reset(self) -> None:
        self.rows: list[int] = []
        self.ids: list[str] = []
        self.messages: list[str] = []
        self.chosen: list[str | None] = []
        self.rejected: list[str | None] = []
        self.tools: list[str | None] = []
        self.meta: list[str] = []
        self.formats: list[str] = []
        self.files: list[str] = []
        self.lines: list[int] = []
        self.sources: list[str] = []
        self.utf8: list[bool] = []

    def add(self, raw: RawRow, label: str, unit: str, fmt: Format | None) -> str | None:
        """Add one row; return a problem sentence when it became a rejection."""
        row = self.next_row
        self.next_row += 1
        self.recognised = False
        where = f"{label} {unit} {raw.pos}"
        if raw.error is not None:
            return self._reject(row, raw, label, where, raw.reason, raw.error)
        if not isinstance(raw.data, dict):
            kind = type(raw.data).__name__
            return self._reject(row, raw, label, where, "parse.not_an_object", f"got a {kind}")
        detected = fmt or detect_format(raw.data)
        if detected is None:
            fields = ", ".join(list(raw.data)[:8]) or "(none)"
            return self._reject(
                row,
                raw,
                label,
                where,
                "parse.unknown_format",
                f"no known format in fields {fields}",
            )
        self.recognised = True
        try:
            example = to_canonical(raw.data, detected)
        except RowError as exc:
            return self._reject(row, raw, label, where, "parse.bad_field", str(exc))
        if example.meta and (problem := passthrough_problem(example.meta, raw.line)):
            return self._reject(row, raw, label, where, problem.reason, problem.message)
        messages = orjson.dumps(example.messages, option=_SORTED)
        if example.chosen is None and example.tools is None:
            self.ids.append(hashlib.sha256(messages).hexdigest()[:16])
            self.chosen.append(None)
            self.rejected.append(None)
        elif example.chosen is None:
            self.ids.append(content_id(example.messages, tools=example.tools))
            self.chosen.append(None)
            self.rejected.append(None)
        else:
            self.ids.append(
                content_id(example.messages, example.chosen, example.rejected, example.tools)
            )
            self.chosen.append(orjson.dumps(example.chosen, option=_SORTED).decode())
            self.rejected.append(orjson.dumps(example.rejected, option=_SORTED).decode())
        self.rows.append(row)
        self.messages.append(messages.decode())
        self.tools.append(example.tools)
        self.meta.append(orjson.dumps(example.meta, default=str).decode())
        self.formats.append(detected)
        self.files.append(label)
        self.lines.append(raw.pos)
        self.sources.append(where)
        self.utf8.append(raw.utf8_ok)
        return None

    def _reject(
        self, row: int, raw: RawRow, label: str, where: str, reason: str, message: str
    ) -> str:
        raw_text = _raw_text(raw)
        detail = f"{where}: {message}"
        self.last_message = message
        self._rejected.append(
            {
                "row": row,
                "reason": reason,
                "detail": detail,
                "source_file": label,
                "source_line": raw.pos,
                "source": where,
                "raw": raw_text,
            }
        )
        return detail

    def flush(self) -> None:
        if not self.rows:
            return
        decode = _decode_messages
        frame = pl.DataFrame(
            {
                "row": pl.Series(self.rows, dtype=pl.Int64),
                "id": self.ids,
                "messages": decode(self.messages),
                "chosen": decode(self.chosen),
                "rejected": decode(self.rejected),
                "tools": pl.Series(self.tools, dtype=pl.String),
                "meta": self.meta,
                "format": self.formats,
                "source_file": self.files,
                "source_line": pl.Series(self.lines, dtype=pl.Int64),
                "source": self.sources,
                "utf8_ok": self.utf8,
            },
            schema=EXAMPLE_SCHEMA,
        )
        self._frames.append(frame)
        self._reset()

    def examples(self) -> pl.DataFrame:
        self.flush()
        if not self._frames:
            return pl.DataFrame(schema=EXAMPLE_SCHEMA)
        return pl.concat(self._frames, rechunk=True)

    def rejections(self) -> pl.DataFrame:
        schema = {
            "row": pl.Int64(),
            **REJECTION_COLUMNS,
            "source_file": pl.String(),
            "source_line": pl.Int64(),
            "source": pl.String(),
            "raw": pl.String(),
        }
        return pl.DataFrame(self._rejected, schema=schema)


def _raw_text(raw: RawRow) -> str:
    """A rejected row's text: as written when there is a line, else written back as JSON."""
    if raw.raw is not None:
        return raw.raw
    if raw.line is not None:
        return raw.line.decode("utf-8", errors="replace").rstrip("\r\n")
    try:
        return orjson.dumps(raw.data, default=str).decode()
    except orjson.JSONEncodeError:  # nested deeper than orjson writes
        return f"({type(raw.data).__name__} not shown: nested more than {MAX_DEPTH} levels deep)"


def _decode_messages(values: list[str | None]) -> pl.Series:
    """Canonical JSON text to a list-of-turns column, parsed in Rust."""
    return pl.Series(values, dtype=pl.String).str.json_decode(MESSAGES_DTYPE)
