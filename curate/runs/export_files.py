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
    Format,
    RowError,
    from_canonical,
)
from curate.reasons import Reason
from curate.record import conversation_expr
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
    columns = frame.select("messages", "chosen", "rejected", "meta", "format")
    for messages, chosen, rejected, meta, fmt in columns.iter_rows():
        yield CanonicalRow(messages, chosen, rejected, orjson.loads(meta) if with_meta else {}, fmt)


def render_rows(
    frame: pl.DataFrame, fmt: Format, *, include_id: bool, include_meta: bool
) -> tuple[list[bytes], list[tuple[int, str]]]:
    """JSONL lines for the rows, and ``(row, problem)`` for rows ``fmt`` cannot hold."""
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


def _chat_lines_in_rust(frame: pl.DataFrame, include_id: bool, include_meta: bool) -> pl.Series:
    """Chat lines encoded by polars, the same bytes ``from_canonical`` + orjson would give.

    Null for rows whose extra fields need the careful path (a name the format or curate uses).
    """
    fields = [pl.col("id").alias("curate_id")] if include_id else []
    encoded = pl.struct(*fields, conversation_expr().alias("messages")).struct.json_encode()
    meta = pl.col("meta")
    if include_meta:
        with_meta = encoded.str.strip_suffix("}") + pl.lit(",") + meta.str.strip_prefix("{")
        encoded = pl.when(meta == "{}").then(encoded).otherwise(with_meta)
    careful = meta.str.contains(f'"(?:messages|curate_id|{SHADOWED_META})":')
    return frame.select(pl.when(careful).then(None).otherwise(encoded)).to_series()


def export_run(
    kept: pl.DataFrame,
    rejected: pl.DataFrame,
    out: Path,
    *,
    fmt: Format,
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
        lines, failures = render_rows(part, fmt, include_id=include_id, include_meta=include_meta)
        unrepresentable.extend(failures)
        result.files.append(_write_lines(out / f"{split}.jsonl", lines))
        result.sizes[split] = len(lines)
    result.unrepresentable = _unrepresentable_frame(kept, unrepresentable, fmt)
    all_rejected = pl.concat([rejected, result.unrepresentable], how="diagonal_relaxed")
    result.files.append(_write_lines(out / "rejected.jsonl", rejected_lines(all_rejected)))
    if hf_dataset:
        bad_rows = {row for row, _ in unrepresentable}
        exportable = kept.filter(~pl.col("row").is_in(list(bad_rows)))
        result.hf_dataset = _write_hf(exportable, out / "hf", fmt)
    return result


def rejected_lines(rejected: pl.DataFrame) -> list[bytes]:
    """One JSON line per rejected row: why, where, and the example itself (or its raw text)."""
    frame = rejected.sort("row")
    for column in ("related_id", "id", "raw", "messages", "chosen", "rejected", "meta", "format"):
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
            )
            out["example"] = from_canonical(example, "chat")
            if example.chosen is not None:
                out["example"] = from_canonical(example, "preference")
        else:
            out["raw"] = record["raw"]
        lines.append(orjson.dumps(out) + b"\n")
    return lines


def _unrepresentable_frame(
    kept: pl.DataFrame, failures: list[tuple[int, str]], fmt: Format
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


def _write_hf(kept: pl.DataFrame, target: Path, fmt: Format) -> str:
    """A DatasetDict with the format's columns plus ``curate_id`` and ``meta`` (JSON text)."""
    import pyarrow as pa
    from datasets import Dataset, DatasetDict, disable_progress_bars

    disable_progress_bars()  # the run draws its own progress

    parts = {}
    for split in SPLITS:
        part = kept.filter(pl.col("split") == split).sort("row")
        records = []
        for example, row_id in zip(iter_canonical(part), part["id"], strict=True):
            meta = orjson.dumps(example.meta).decode()
            example.meta = {}
            records.append(from_canonical(example, fmt, extra={"curate_id": row_id, "meta": meta}))
        parts[split] = Dataset(pa.Table.from_pylist(records)) if records else Dataset.from_dict({})
    DatasetDict(parts).save_to_disk(str(target))
    return target.name
