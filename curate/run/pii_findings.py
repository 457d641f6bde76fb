"""A run's PII findings for a person to review: one row per span, with the original text.

Kept rows hold rewritten text, so the original span is read from the pii stage's input
(the previous stage's kept rows) in the same run folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from curate.errors import CurateError

FINDING_COLUMNS = (
    "id",
    "row",
    "source",
    "kept",
    "field",
    "turn",
    "role",
    "entity",
    "start",
    "end",
    "score",
    "by",
    "action",
    "text",
)


def pii_stage_dir(run_dir: Path) -> tuple[Path, Path]:
    """The run's pii stage folder and the folder of the stage before it."""
    folders = sorted(
        (p for p in (run_dir / "stages").glob("*_*") if re.fullmatch(r"\d+_.+", p.name)),
        key=lambda p: int(p.name.split("_", 1)[0]),
    )
    for i, folder in enumerate(folders):
        if folder.name.split("_", 1)[1] == "pii" and i > 0:
            return folder, folders[i - 1]
    raise CurateError(
        "this run has no finished pii stage",
        file=run_dir,
        hint="add `- pii` to the pipeline's stages and run it",
    )


def run_findings(run_dir: Path) -> pl.DataFrame:
    """Every finding of the run's pii stage, kept and dropped examples alike."""
    stage, before = pii_stage_dir(run_dir)
    parts = []
    for name, kept in (("kept.parquet", True), ("rejected.parquet", False)):
        frame = pl.read_parquet(stage / name, columns=["id", "row", "pii"])
        parts.append(frame.with_columns(kept=pl.lit(kept)))
    spans = (
        pl.concat(parts)
        .explode("pii")
        .filter(pl.col("pii").is_not_null())
        .unnest("pii")
        .rename({"source": "by"})
    )
    originals = pl.read_parquet(
        before / "kept.parquet", columns=["row", "source", "messages", "chosen", "rejected"]
    )
    texts = []
    by_row = {r["row"]: r for r in originals.iter_rows(named=True)}
    for row, field, turn, start, end in spans.select(
        "row", "field", "turn", "start", "end"
    ).iter_rows():
        turns = by_row[row][field] or []
        content = turns[turn]["content"] if turn < len(turns) else ""
        texts.append(content[start:end])
    sources = originals.select("row", "source")
    return (
        spans.with_columns(text=pl.Series(texts, dtype=pl.String))
        .join(sources, on="row", how="left")
        .select(FINDING_COLUMNS)
        .sort("row", "field", "turn", "start")
    )
