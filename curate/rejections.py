"""Rejected rows: the columns every rejection carries, and how a batch is split by a reason."""

from __future__ import annotations

import polars as pl

REJECTION_FIELDS = ("reason", "detail", "related_id")


def no_rejections(batch: pl.DataFrame) -> pl.DataFrame:
    """An empty rejected frame for a stage that rejects nothing."""
    return batch.clear().with_columns(pl.lit(None, pl.String).alias(c) for c in REJECTION_FIELDS)


def partition(
    batch: pl.DataFrame,
    reason: pl.Expr,
    detail: pl.Expr,
    related_id: pl.Expr | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``batch`` into kept rows (``reason`` null) and rejected rows with their reasons."""
    tagged = batch.with_columns(
        reason.alias("reason"),
        pl.when(reason.is_not_null()).then(detail).alias("detail"),
        (related_id if related_id is not None else pl.lit(None, pl.String)).alias("related_id"),
    )
    kept = tagged.filter(pl.col("reason").is_null()).drop(REJECTION_FIELDS)
    rejected = tagged.filter(pl.col("reason").is_not_null())
    return kept, rejected
