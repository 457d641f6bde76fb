"""Preference pairs as polars expressions: which are pairs, whether their two answers are the
same text, how much longer the chosen one is, and the per-answer scores a source row carries.
Nothing here knows of stages; the ``preference`` stage is built on it."""

from curate.preference.pairs import (
    answer_chars_expr,
    identical_expr,
    is_pair_expr,
    length_ratio_expr,
    meta_score_expr,
)

__all__ = [
    "answer_chars_expr",
    "identical_expr",
    "is_pair_expr",
    "length_ratio_expr",
    "meta_score_expr",
]
