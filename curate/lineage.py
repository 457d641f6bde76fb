"""Lineage: what a stage changed in a row it kept, as a list of entries on the row itself.

A stage that rewrites an example it keeps (trims a turn, say) appends one entry per change to
the row's ``lineage`` column, so the exported example can be traced back to the source row it
came from and to every stage that touched it. Rows no stage changed hold an empty list.
"""

from __future__ import annotations

import polars as pl

LINEAGE_COLUMN = "lineage"
LINEAGE_ENTRY = pl.Struct({"stage": pl.String, "change": pl.String, "detail": pl.String})
LINEAGE_DTYPE = pl.List(LINEAGE_ENTRY)


def record_changes(
    frame: pl.DataFrame, stage: str, change: pl.Expr, detail: pl.Expr
) -> pl.DataFrame:
    """``frame`` with an entry ``(stage, change, detail)`` appended to the lineage of every row
    where ``change`` is not null; the column is created (empty lists) when missing."""
    if LINEAGE_COLUMN not in frame.columns:
        frame = frame.with_columns(pl.lit([], dtype=LINEAGE_DTYPE).alias(LINEAGE_COLUMN))
    entry = pl.struct(
        pl.lit(stage, pl.String).alias("stage"),
        change.cast(pl.String).alias("change"),
        detail.cast(pl.String).alias("detail"),
    )
    history = pl.col(LINEAGE_COLUMN)
    appended = pl.concat_list(history, entry.cast(LINEAGE_ENTRY))
    return frame.with_columns(
        pl.when(change.is_not_null()).then(appended).otherwise(history).alias(LINEAGE_COLUMN)
    )
