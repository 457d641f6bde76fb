"""Duplicates made by a rewrite: after a stage that rewrites text (PII redaction, a teacher's
answers, JSON reformatting), rows the pipeline's exact_dedup had kept apart may now be equal.

The runner checks again right after such a stage, with the settings of the exact_dedup that
ran before it, and rejects each row that has become equal to an earlier kept row. Rows that
were equal before the rewrite (a person force-kept one) are left alone: only equality the
rewrite created counts.
"""

from __future__ import annotations

import polars as pl

from curate.reasons import Reason
from curate.record import canonical_json, normalized_text_expr
from curate.rejections import partition
from curate.stages.base import StageResult

REWRITE_REASONS = (
    Reason(
        "dedup.after_rewrite",
        "Equal to an earlier kept example once a stage rewrote the text (say redaction made "
        "two prompts one); detail names the stage and the twin.",
        rescuable=True,
    ),
)
METRIC = "duplicates_after_rewrite"


def recheck_duplicates(
    before: pl.DataFrame, result: StageResult, stage: str, *, normalized: bool
) -> StageResult:
    """``result`` with the rows its rewrite made duplicates of earlier rows moved to rejected."""
    if result.kept.height < 2:
        return result
    old = _keys(before, normalized).select("row", _before="_k")
    frame = _keys(result.kept, normalized).join(old, on="row", how="left").sort("row")
    twin = pl.col("source").first().over("_k")
    made_by_rewrite = ~pl.col("_k").is_first_distinct() & (
        pl.col("_before") != pl.col("_before").first().over("_k")
    )
    frame = frame.with_columns(
        _twin=twin, _twin_id=pl.col("id").first().over("_k"), _new=made_by_rewrite
    )
    if not frame["_new"].any():
        return result
    reason = pl.when(pl.col("_new")).then(pl.lit("dedup.after_rewrite"))
    detail = pl.format(
        "{}: equal to {} (id {}) after {} rewrote the text",
        pl.col("source"),
        pl.col("_twin"),
        pl.col("_twin_id"),
        pl.lit(stage),
    )
    kept, rejected = partition(frame, reason, detail, pl.col("_twin_id"))
    helper = ["_k", "_before", "_twin", "_twin_id", "_new"]
    kept = kept.drop(helper).select(result.kept.columns)
    rejected = rejected.drop(helper).select(*result.kept.columns, "reason", "detail", "related_id")
    metrics = dict(result.metrics)
    metrics[METRIC] = rejected.height
    return StageResult(
        kept, pl.concat([result.rejected, rejected], how="diagonal_relaxed"), metrics
    )


def _keys(frame: pl.DataFrame, normalized: bool) -> pl.DataFrame:
    """Each row's duplicate key: normalised text, or its exact turns."""
    if normalized:
        return frame.with_columns(_k=normalized_text_expr())
    turns = frame.select("messages", "chosen", "rejected").rows()
    exact = [canonical_json(list(row)).hex() for row in turns]
    return frame.with_columns(_k=pl.Series(exact, dtype=pl.String))
