"""exact_dedup: drop repeats of identical content, and of text equal once normalised."""

from __future__ import annotations

from typing import Literal

import polars as pl

from curate.reasons import Reason
from curate.record import normalized_text_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage


@register_stage(
    reasons=(
        Reason("dedup.exact", "Identical messages to an earlier example.", rescuable=True),
        Reason(
            "dedup.normalized",
            "Same text as an earlier example once case, space and punctuation fold.",
            rescuable=True,
        ),
    )
)
class ExactDedupConfig(StageConfig):
    """Keep the first occurrence; ``normalized`` also folds case, whitespace and punctuation."""

    stage: Literal["exact_dedup"] = "exact_dedup"
    normalized: bool = True

    def build(self) -> ExactDedup:
        return ExactDedup(self)


class ExactDedup:
    """Exact duplicates by content id, then near-exact ones by normalised text."""

    name = "exact_dedup"

    def __init__(self, config: ExactDedupConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        frame = batch.sort("row")
        by_id = ~pl.col("id").is_first_distinct()
        first_source_by_id = pl.col("source").first().over("id")
        reason = pl.when(by_id).then(pl.lit("dedup.exact"))
        detail = pl.when(by_id).then(
            pl.format(
                "{}: identical to {} (id {})", pl.col("source"), first_source_by_id, pl.col("id")
            )
        )
        related = pl.when(by_id).then(pl.col("id"))
        if self.config.normalized:
            frame = frame.with_columns(_key=normalized_text_expr())
            by_key = ~pl.col("_key").is_first_distinct()
            first_id = pl.col("id").first().over("_key")
            reason = reason.when(by_key).then(pl.lit("dedup.normalized"))
            detail = detail.when(by_key).then(
                pl.format(
                    "{}: same text as {} (id {}) once case, spacing and punctuation are folded",
                    pl.col("source"),
                    pl.col("source").first().over("_key"),
                    first_id,
                )
            )
            related = related.when(by_key).then(first_id)
        kept, rejected = partition(frame, reason, detail, related)
        if self.config.normalized:
            kept, rejected = kept.drop("_key"), rejected.drop("_key")
        counts = rejected["reason"].value_counts()
        metrics = {str(r): int(n) for r, n in counts.iter_rows()}
        metrics["kept"] = kept.height
        return StageResult(kept, rejected, metrics)
