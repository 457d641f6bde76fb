"""quality: length bounds on assistant turns and on the whole example."""

from __future__ import annotations

from typing import Literal, Self

import polars as pl
from pydantic import Field, model_validator

from curate.reasons import Reason
from curate.record import conversation_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage


@register_stage(
    reasons=(
        Reason(
            "quality.too_short", "An assistant turn is shorter than the minimum.", rescuable=True
        ),
        Reason("quality.too_long", "An assistant turn is longer than the maximum.", rescuable=True),
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
    """Character bounds; an example is rejected for the first bound it breaks."""

    stage: Literal["quality"] = "quality"
    min_assistant_chars: int = Field(20, ge=0)
    max_assistant_chars: int = Field(8000, ge=1)
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
        is_assistant = pl.element().struct.field("role") == "assistant"
        lengths = conversation_expr().list.eval(
            pl.when(is_assistant).then(pl.element().struct.field("content").str.len_chars())
        )
        frame = batch.with_columns(
            _lens=lengths,
            _total=conversation_expr()
            .list.eval(pl.element().struct.field("content").str.len_chars())
            .list.sum(),
        ).with_columns(
            _min=pl.col("_lens").list.min(),
            _max=pl.col("_lens").list.max(),
            _argmin=pl.col("_lens").list.arg_min(),
            _argmax=pl.col("_lens").list.arg_max(),
        )
        src, total = pl.col("source"), pl.col("_total")
        max_example = cfg.max_example_chars
        reason = (
            pl.when(pl.col("_min") < cfg.min_assistant_chars)
            .then(pl.lit("quality.too_short"))
            .when(pl.col("_max") > cfg.max_assistant_chars)
            .then(pl.lit("quality.too_long"))
            .when(total < cfg.min_example_chars)
            .then(pl.lit("quality.example_too_short"))
            .when(pl.lit(max_example is not None) & (total > (max_example or 0)))
            .then(pl.lit("quality.example_too_long"))
        )
        detail = (
            pl.when(reason == "quality.too_short")
            .then(
                pl.format(
                    "{}: turn {} (assistant) has {} characters (minimum {})",
                    src,
                    pl.col("_argmin") + 1,
                    pl.col("_min"),
                    cfg.min_assistant_chars,
                )
            )
            .when(reason == "quality.too_long")
            .then(
                pl.format(
                    "{}: turn {} (assistant) has {} characters (maximum {})",
                    src,
                    pl.col("_argmax") + 1,
                    pl.col("_max"),
                    cfg.max_assistant_chars,
                )
            )
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
                pl.format("{}: the example has {} characters (maximum {})", src, total, max_example)
            )
        )
        kept, rejected = partition(frame, reason, detail)
        helpers = ["_lens", "_total", "_min", "_max", "_argmin", "_argmax"]
        kept, rejected = kept.drop(helpers), rejected.drop(helpers)
        metrics = {str(r): int(n) for r, n in rejected["reason"].value_counts().iter_rows()}
        metrics["kept"] = kept.height
        return StageResult(kept, rejected, metrics)
