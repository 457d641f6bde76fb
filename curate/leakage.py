"""Prove that no example, and no text equal once normalised, sits in two splits."""

from __future__ import annotations

import polars as pl

from curate.errors import LeakageError
from curate.record import normalized_text_expr


def find_leaks(
    frame: pl.DataFrame, group: str | None = None, *, text_key: str | None = None, limit: int = 5
) -> list[str]:
    """Sentences describing every key shared by two splits (at most ``limit`` per key kind).

    ``text_key`` names a column already holding the normalised text, to avoid recomputing it.
    """
    keyed = frame.with_columns(_key=pl.col(text_key) if text_key else normalized_text_expr())
    kinds = [("id", "id"), ("_key", "normalised text")]
    if group and group in frame.columns:
        kinds.append((group, f"group '{group}'"))
    problems: list[str] = []
    for column, what in kinds:
        shared = (
            keyed.filter(pl.col(column).is_not_null())
            .group_by(column)
            .agg(
                pl.col("split").n_unique().alias("_splits"),
                pl.col("split").unique().sort().str.join("+").alias("_where"),
                pl.col("source").sort().first().alias("_source"),
            )
            .filter(pl.col("_splits") > 1)
            .sort("_source")
        )
        for _, where, source in shared.select(column, "_where", "_source").head(limit).iter_rows():
            problems.append(f"{what} of {source} is in {where}")
        if shared.height > limit:
            problems.append(f"... and {shared.height - limit} more by {what}")
    return problems


def assert_no_leakage(
    frame: pl.DataFrame, group: str | None = None, *, text_key: str | None = None
) -> None:
    """Raise LeakageError, naming the examples, when two splits share a key."""
    problems = find_leaks(frame, group, text_key=text_key)
    if problems:
        raise LeakageError(
            "split leakage: " + "; ".join(problems),
            hint="this is a bug in a stage after split, or a group column that splits duplicates",
        )
