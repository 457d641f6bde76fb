"""Export: the split files, rejected.jsonl, an optional HF DatasetDict, per-file digests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from curate.dedup.leakage import assert_no_leakage
from curate.formats.convert import (
    SHADOWED_META,
    CanonicalRow,
    ExportFormat,
    RowError,
    from_canonical,
)
from curate.formats.openai_upload import openai_row
from curate.reasons import Reason
from curate.record import conversation_expr, has_extras_expr
from curate.runs.manifest import FileEntry
from curate.stages.split import SPLITS

EXPORT_REASONS = (
    Reason("export.unrepresentable", "The example cannot be written in the chosen output format."),
)
REJECTED_ORDER = ("row", "stage", "reason", "detail", "related_id", "id", "source")


@dataclass
class ExportResult:
    """What was written, and the rows the chosen format could not hold."""

    files: list[FileEntry] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    unrepresentable: pl.DataFrame | None = None
    hf_dataset: str | None = None


def iter_canonical(frame: pl.DataFrame, *, with_meta: bool = True) -> Iterator[CanonicalRow]:
    """Canonical rows of a frame, in its order."""
    tools = pl.col("tools") if "tools" in frame.columns else pl.lit(None, pl.String).alias("tools")
    columns = frame.select("messages", "chosen", "rejected", "meta", "format", tools)
    for messages, chosen, rejected, meta, fmt, row_tools in columns.iter_rows():
        meta = orjson.loads(meta) if with_meta else {}
        yield CanonicalRow(messages, chosen, rejected, meta, fmt, row_tools)


def render_rows(
    frame: pl.DataFrame, fmt: ExportFormat, *, include_id: bool, include_meta: bool
) -> tuple[list[bytes], list[tuple[int, str]]]:
    """JSONL lines for the rows, and ``(row, problem)`` for rows ``fmt`` cannot hold."""
    if fmt == "openai":
        lines, _, failures = render_openai(frame, include_id=include_id, include_meta=include_meta)
        return lines, failures
    fast = _chat_lines_in_rust(frame, include_id, include_meta) if fmt == "chat" else None
    lines: list[bytes] = []
    failures: list[tuple[int, str]] = []
    ids = frame["id"].to_list()
    rows = frame["row"].to_list()
    done = fast.to_list() if fast is not None else [None] * frame.height
    slow = frame.filter(fast.is_null()) if fast is not None else frame
    rendered = iter(iter_canonical(slow, with_meta=include_meta))
    for i, line in enumerate(done):
        if line is not None:
            lines.append(line.encode() + b"\n")
            continue
        extra = {"curate_id": ids[i]} if include_id else None
        try:
            lines.append(orjson.dumps(from_canonical(next(rendered), fmt, extra=extra)) + b"\n")
        except RowError as exc:
            failures.append((rows[i], str(exc)))
    return lines, failures


def render_openai(
    frame: pl.DataFrame, *, include_id: bool, include_meta: bool
) -> tuple[list[bytes], list[bytes], list[tuple[int, str]]]:
    """Upload lines, their sidecar lines (id, source, meta; one per upload line, same order),
    and ``(row, problem)`` for rows OpenAI would refuse."""
    lines: list[bytes] = []
    sidecar: list[bytes] = []
    failures: list[tuple[int, str]] = []
    columns = frame.select("row", "id", "source_file", "source_line").iter_rows()
    for (row, row_id, file, line), example in zip(columns, iter_canonical(frame), strict=True):
        try:
            upload, rest = openai_row(example)
        except RowError as exc:
            failures.append((row, str(exc)))
            continue
        lines.append(orjson.dumps(upload) + b"\n")
        side: dict = {"curate_id": row_id} if include_id else {}
        side["source"] = {"file": file, "line": line}
        if include_meta and rest:
            side["meta"] = rest
        sidecar.append(orjson.dumps(side) + b"\n")
    return lines, sidecar, failures


def _chat_lines_in_rust(frame: pl.DataFrame, include_id: bool, include_meta: bool) -> pl.Series:
    """Chat lines encoded by polars, the same bytes ``from_canonical`` + orjson would give.

    Null for rows whose extra fields need the careful path (a name the format or curate uses).
    """
    fields = [pl.col("id").alias("curate_id")] if include_id else []
    plain_turns = conversation_expr().list.eval(
        pl.struct(pl.element().struct.field("role"), pl.element().struct.field("content"))
    )
    encoded = pl.struct(*fields, plain_turns.alias("messages")).struct.json_encode()
    meta = pl.col("meta")
    if include_meta:
        with_meta = encoded.str.strip_suffix("}") + pl.lit(",") + meta.str.strip_prefix("{")
        encoded = pl.when(meta == "{}").then(encoded).otherwise(with_meta)
    careful = meta.str.contains(f'"(?:messages|tools|curate_id|{SHADOWED_META})":')
    if "tools" in frame.columns:  # tool rows and turns with extra fields take the careful path
        careful = careful | pl.col("tools").is_not_null() | has_extras_expr()
    return frame.select(pl.when(careful).then(None).otherwise(encoded)).to_series()


def export_run(
    kept: pl.DataFrame,
    rejected: pl.DataFrame,
    out: Path,
    *,
    fmt: ExportFormat,
    include_id: bool,
    include_meta: bool,
    hf_dataset: bool,
    group: str | None,
) -> ExportResult:
    """Write ``out``/{train,eval,test}.jsonl, rejected.jsonl and optionally ``out``/hf."""
    assert_no_leakage(kept, group)
    result = ExportResult()
    unrepresentable: list[tuple[int, str]] = []
    for split in SPLITS:
        part = kept.filter(pl.col("split") == split).sort("row")
        sidecar = None
        if fmt == "openai":
            lines, sidecar, failures = render_openai(
                part, include_id=include_id, include_meta=include_meta
            )
        else:
            lines, failures = render_rows(
                part, fmt, include_id=include_id, include_meta=include_meta
            )
        unrepresentable.extend(failures)
        result.files.append(_write_lines(out / f"{split}.jsonl", lines))
        if sidecar is not None:
            result.files.append(_write_lines(out / f"{split}.ids.jsonl", sidecar))
        result.sizes[split] = len(lines)
    result.unrepresentable = _unrepresentable_frame(kept, unrepresentable, fmt)
    all_rejected = pl.concat([rejected, result.unrepresentable], how="diagonal_relaxed")
    result.files.append(_write_lines(out / "rejected.jsonl", rejected_lines(all_rejected)))
    if hf_dataset:
        bad_rows = {row for row, _ in unrepresentable}
        exportable = kept.filter(~pl.col("row").is_in(list(bad_rows)))
        result.hf_dataset = _write_hf(
            exportable, out / "hf", fmt, include_id=include_id, include_meta=include_meta
        )
    return result


def rejected_lines(rejected: pl.DataFrame) -> list[bytes]:
    """One JSON line per rejected row: why, where, and the example itself (or its raw text)."""
    frame = rejected.sort("row")
    columns = (
        "related_id",
        "id",
        "raw",
        "messages",
        "chosen",
        "rejected",
        "tools",
        "meta",
        "format",
    )
    for column in columns:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(column))
    lines = []
    for record in frame.iter_rows(named=True):
        out = {key: record[key] for key in REJECTED_ORDER}
        out["source"] = {"file": record["source_file"], "line": record["source_line"]}
        if record["messages"] is not None:
            example = CanonicalRow(
                record["messages"],
                record["chosen"],
                record["rejected"],
                orjson.loads(record["meta"]),
                record["format"],
                record["tools"],
            )
            out["example"] = from_canonical(example, "chat")
            if example.chosen is not None:
                out["example"] = from_canonical(example, "preference")
        else:
            out["raw"] = record["raw"]
        lines.append(orjson.dumps(out) + b"\n")
    return lines


def _unrepresentable_frame(
    kept: pl.DataFrame, failures: list[tuple[int, str]], fmt: ExportFormat
) -> pl.DataFrame:
    problems = pl.DataFrame(
        {"row": [r for r, _ in failures], "_problem": [p for _, p in failures]},
        schema={"row": pl.Int64, "_problem": pl.String},
    )
    return (
        kept.join(problems, on="row", how="inner")
        .with_columns(
            stage=pl.lit("export"),
            reason=pl.lit("export.unrepresentable"),
            detail=pl.format(
                "{}: cannot be written as {}: {}", pl.col("source"), pl.lit(fmt), pl.col("_problem")
            ),
            related_id=pl.lit(None, pl.String),
        )
        .drop("_problem", "split")
    )


def _write_lines(path: Path, lines: list[bytes]) -> FileEntry:
    data = b"".join(lines)
    path.write_bytes(data)
    return FileEntry(path=path.name, rows=len(lines), sha256=hashlib.sha256(data).hexdigest())


def _arrow_ready(record: dict) -> dict:
    """One Arrow column must hold one type: ``tools`` (JSON Schemas of any shape) is written
    as JSON text, and a turn whose content is a parts list keeps its text in ``content`` and
    the parts, as JSON text, in ``content_parts``."""
    if "tools" in record and not isinstance(record["tools"], str):
        record["tools"] = orjson.dumps(record["tools"]).decode()
    for key in ("messages", "prompt", "chosen", "rejected"):
        turns = record.get(key)
        if not isinstance(turns, list):
            continue
        for turn in turns:
            if isinstance(turn, dict) and isinstance(turn.get("content"), list):
                parts = turn["content"]
                texts = [p.get("text", "") for p in parts if p.get("type") == "text"]
                turn["content"] = "".join(texts)
                turn["content_parts"] = orjson.dumps(parts).decode()
    return record


def _write_hf(
    kept: pl.DataFrame, target: Path, fmt: ExportFormat, *, include_id: bool, include_meta: bool
) -> str:
    """A DatasetDict with the JSONL's columns under the same options: the format's columns,
    ``curate_id``, and the source row's other fields as top-level columns (a field whose
    values differ in type from row to row, which one Arrow column cannot hold, is written as
    JSON text); for ``openai`` the chat columns (the upload has no dataset form). An empty
    split is left out of the folder."""
    fmt = "chat" if fmt == "openai" else fmt
    import pyarrow as pa
    from datasets import Dataset, DatasetDict, disable_progress_bars

    disable_progress_bars()  # the run draws its own progress

    by_split: dict[str, list[dict]] = {}
    for split in SPLITS:
        part = kept.filter(pl.col("split") == split).sort("row")
        records = []
        rows = iter_canonical(part, with_meta=include_meta)
        for example, row_id in zip(rows, part["id"], strict=True):
            extra = {"curate_id": row_id} if include_id else {}
            records.append(_arrow_ready(from_canonical(example, fmt, extra=extra)))
        by_split[split] = records
    every = [record for records in by_split.values() for record in records]
    # from_pylist takes its columns from the first record: name every record's columns
    columns = list(dict.fromkeys(key for record in every for key in record))
    as_text = [c for c in columns if not _one_arrow_type([r.get(c) for r in every])]
    tables = {}
    for split, records in by_split.items():
        records = [{key: record.get(key) for key in columns} for record in records]
        for record in records:
            for key in as_text:
                if record[key] is not None:
                    record[key] = orjson.dumps(record[key]).decode()
        tables[split] = pa.Table.from_pylist(records) if records else None
    # datasets cannot load back a DatasetDict holding an empty split: leave empty ones out
    parts = {split: Dataset(t) for split, t in tables.items() if t is not None}
    if not parts:
        parts = {"train": Dataset.from_dict({})}
    DatasetDict(parts).save_to_disk(str(target))
    return target.name


def _one_arrow_type(values: list) -> bool:
    import pyarrow as pa

    try:
        pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return False
    return True
