"""quality: length bounds on the answers and on the whole example, and answers with no text.

The minimum is on the example's mean assistant-turn length by default: one "haha" or "Sure."
inside a long chat says nothing about the chat, and rejecting the whole conversation for it
loses every good turn with it. ``min_assistant_measure: each_turn`` asks every turn instead.

The default minimum is 1 character, on purpose. Real Q&A sets answer with a number, a name
or a yes ("4", "133", "Massachusetts"): on FanOutQA's dev questions a 20-character minimum
rejects 64% of the rows, and any minimum above 1 rejects real answers ("0", "5"). What is no
answer in any language is a reply with no letter or digit at all ("...", "?", an emoji), so
that is what the defaults reject (``quality.no_text``). Raise ``min_assistant_chars`` for
data whose answers should be explanations (support chats, instructions): the sample pipeline
uses 20.

The maximum stays per turn: a single 20,000-character turn is a pasted log or a runaway
generation wherever it sits, and averaging it with short turns would hide it.
"""

from __future__ import annotations

from typing import Literal, Self

import polars as pl
from pydantic import Field, model_validator

from curate.reasons import Reason
from curate.record import conversation_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

HELPERS = ("_lens", "_total", "_mean", "_min", "_max", "_argmin", "_argmax", "_text", "_short")


@register_stage(
    reasons=(
        Reason(
            "quality.too_short",
            "The assistant turns are shorter than the minimum (on average, or one of them "
            "with min_assistant_measure: each_turn).",
            rescuable=True,
        ),
        Reason("quality.too_long", "An assistant turn is longer than the maximum.", rescuable=True),
        Reason(
            "quality.no_text",
            "No assistant turn holds a letter or a digit (only punctuation, symbols or emoji).",
            rescuable=True,
        ),
        Reason(
            "quality.example_too_short",
            "The whole example is shorter than the minimum.",
            rescuable=True,
        ),
        Reason(
            "quality.example_too_long",
            "The whole example is longer than the maximum.",
            rescuable=True,
        ),
    )
)
class QualityConfig(StageConfig):
    """Character bounds (mean answer length by default) and answers with no letter or digit;
    an example is rejected for the first check it fails."""

    stage: Literal["quality"] = "quality"
    min_assistant_chars: int = Field(
        1,
        ge=0,
        description="fewest characters an answer may have (spaces at the ends not counted); "
        "1 keeps short factual answers like '4' or 'Paris'",
    )
    min_assistant_measure: Literal["mean", "each_turn"] = Field(
        "mean",
        description="mean: the example's mean assistant-turn length; each_turn: every turn",
    )
    max_assistant_chars: int = Field(8000, ge=1, description="most characters in any one turn")
    require_letter_or_digit: bool = Field(
        True, description="reject an example whose assistant turns hold no letter or digit"
    )
    min_example_chars: int = Field(0, ge=0)
    max_example_chars: int | None = Field(32000, ge=1)

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Self:
        if self.min_assistant_chars > self.max_assistant_chars:
            raise ValueError("min_assistant_chars is larger than max_assistant_chars")
        if self.max_example_chars is not None and self.min_example_chars > self.max_example_chars:
            raise ValueError("min_example_chars is larger than max_example_chars")
        return self

    def build(self) -> Quality:
        return Quality(self)


class Quality:
    """Rejects answers too short to teach anything and too long to be a real answer."""

    name = "quality"

    def __init__(self, config: QualityConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        frame = _with_measures(batch)
        short = pl.col("_mean") if cfg.min_assistant_measure == "mean" else pl.col("_min")
        frame = frame.with_columns(_short=short)
        total, max_example = pl.col("_total"), cfg.max_example_chars
        reason = (
            pl.when(pl.col("_short") < cfg.min_assistant_chars)
            .then(pl.lit("quality.too_short"))
            .when(pl.col("_max") > cfg.max_assistant_chars)
            .then(pl.lit("quality.too_long"))
            .when(pl.lit(cfg.require_letter_or_digit) & ~pl.col("_text"))
            .then(pl.lit("quality.no_text"))
            .when(total < cfg.min_example_chars)
            .then(pl.lit("quality.example_too_short"))
            .when(pl.lit(max_example is not None) & (total > (max_example or 0)))
            .then(pl.lit("quality.example_too_long"))
        )
        kept, rejected = partition(frame, reason, self._detail(reason))
        kept, rejected = kept.drop(HELPERS), rejected.drop(HELPERS)
        metrics: dict[str, float | int | str] = {
            str(r): int(n) for r, n in rejected["reason"].value_counts().iter_rows()
        }
        metrics["kept"] = kept.height
        metrics["min_assistant_measure"] = cfg.min_assistant_measure
        return StageResult(kept, rejected, metrics)

    def _detail(self, reason: pl.Expr) -> pl.Expr:
        cfg, src, total = self.config, pl.col("source"), pl.col("_total")
        shortest = pl.format(
            "turn {} (assistant) has {} characters", pl.col("_argmin"), pl.col("_min")
        )
        if cfg.min_assistant_measure == "mean":
            too_short = pl.format(
                "{}: the assistant turns average {} characters (minimum {}); shortest: {}",
                src,
                pl.col("_mean").round(1),
                cfg.min_assistant_chars,
                shortest,
            )
        else:
            too_short = pl.format("{}: {} (minimum {})", src, shortest, cfg.min_assistant_chars)
        return (
            pl.when(reason == "quality.too_short")
            .then(too_short)
            .when(reason == "quality.too_long")
            .then(
                pl.format(
                    "{}: turn {} (assistant) has {} characters (maximum {})",
                    src,
                    pl.col("_argmax"),
                    pl.col("_max"),
                    cfg.max_assistant_chars,
                )
            )
            .when(reason == "quality.no_text")
            .then(pl.format("{}: no assistant turn has a letter or a digit", src))
            .when(reason == "quality.example_too_short")
            .then(
                pl.format(
                    "{}: the example has {} characters (minimum {})",
                    src,
                    total,
                    cfg.min_example_chars,
                )
            )
            .otherwise(
                pl.format(
                    "{}: the example has {} characters (maximum {})",
                    src,
                    total,
                    cfg.max_example_chars,
                )
            )
        )


def _with_measures(batch: pl.DataFrame) -> pl.DataFrame:
    """Per row: assistant-turn lengths (stripped) with their mean, min, max and the 1-based
    turn numbers of the shortest and longest, whether any answer has a letter or digit, and
    the whole example's length."""
    turn = pl.element().struct
    # an assistant turn that only calls tools has no text to measure: its target is the call
    calls_only = (
        turn.field("tool_calls").is_not_null() | turn.field("function_call").is_not_null()
    ) & (turn.field("content").fill_null("").str.strip_chars() == "")
    is_assistant = (turn.field("role") == "assistant") & ~calls_only
    content = turn.field("content").fill_null("")
    # null for other roles keeps each length at its turn's position, for the turn numbers
    lengths = conversation_expr().list.eval(
        pl.when(is_assistant).then(content.str.strip_chars().str.len_chars())
    )
    has_text = conversation_expr().list.eval(
        (is_assistant & content.str.contains(r"[\p{L}\p{N}]"))
        | ((turn.field("role") == "assistant") & calls_only)
    )
    return batch.with_columns(
        _lens=lengths,
        _text=has_text.list.any(),
        _total=conversation_expr().list.eval(content.str.len_chars()).list.sum(),
    ).with_columns(
        _mean=pl.col("_lens").list.mean(),
        _min=pl.col("_lens").list.min(),
        _max=pl.col("_lens").list.max(),
        _argmin=pl.col("_lens").list.arg_min() + 1,
        _argmax=pl.col("_lens").list.arg_max() + 1,
    )
