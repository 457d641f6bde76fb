"""A run's PII findings for a person to review: one row per span, with the original text.

Kept rows hold rewritten text, so the original span is read from the pii stage's input
(the previous stage's kept rows) in the same run folder.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.errors import CurateError
from curate.pii.json_leaves import leaf_text
from curate.runs.layout import RunLayout

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
    """The run's pii stage folder (its last when pii repeats) and the folder of the stage
    before it, whose kept rows are the text as the pii stage read it."""
    layout = RunLayout(run_dir)
    stage = layout.require_stage("pii")
    before = layout.before(stage)
    if before is None:  # the overrides step always runs first, so this is a damaged run
        raise CurateError("the pii stage's input is missing", file=run_dir)
    return stage.path, before.path


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
        name, _, leaf = field.partition("[")  # a tool leaf: messages[1].tool_calls[0]...$.x
        turns = by_row[row][name] or []
        content = turns[turn]["content"] if turn < len(turns) else ""
        if leaf and turn < len(turns):
            content = leaf_text(turns[turn], leaf.partition("].")[2])
        texts.append(content[start:end])
    sources = originals.select("row", "source")
    return (
        spans.with_columns(text=pl.Series(texts, dtype=pl.String))
        .join(sources, on="row", how="left")
        .select(FINDING_COLUMNS)
        .sort("row", "field", "turn", "start")
    )
