"""Expressions over the ``chosen`` and ``rejected`` turn lists of a batch."""

from __future__ import annotations

import polars as pl

from curate.record import normalized_turns_expr


def is_pair_expr() -> pl.Expr:
    """True for a preference pair (both answers present); chat rows are not pairs."""
    return pl.col("chosen").is_not_null() & pl.col("rejected").is_not_null()


def identical_expr() -> pl.Expr:
    """The two answers are one text once case, spacing and punctuation fold: the pair
    teaches nothing (DPO's loss for it is flat) and only adds noise."""
    return normalized_turns_expr("chosen") == normalized_turns_expr("rejected")


def answer_chars_expr(column: str) -> pl.Expr:
    """Characters of an answer's turns (text and tool-call arguments), summed."""
    turn = pl.element()
    text = turn.struct.field("content").fill_null("").str.len_chars()
    calls = turn.struct.field("tool_calls").fill_null("").str.len_chars()
    return pl.col(column).list.eval(text + calls).list.sum().fill_null(0)


def length_ratio_expr() -> pl.Expr:
    """Chosen length over rejected length; infinite when the rejected answer is empty and the
    chosen one is not (so it always counts as length-biased)."""
    chosen, rejected = answer_chars_expr("chosen"), answer_chars_expr("rejected")
    return (
        pl.when(rejected > 0)
        .then(chosen.cast(pl.Float64) / rejected)
        .when(chosen > 0)
        .then(pl.lit(float("inf")))
        .otherwise(pl.lit(1.0))
    )


def meta_score_expr(field: str) -> pl.Expr:
    """A numeric top-level field of the source row (kept verbatim in ``meta``), or null when
    the row lacks it or it is not a number."""
    return (
        pl.col("meta")
        .str.json_path_match(f"$.{field}")
        .cast(pl.Float64, strict=False)
        .alias(f"_score_{field}")
    )
