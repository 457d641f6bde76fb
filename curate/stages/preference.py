"""preference: curate preference pairs before DPO.

A pair whose chosen and rejected answers are one text once folded teaches nothing and is
rejected (``preference.identical``). A chosen answer much longer than its rejected one is
not wrong, but a set full of them teaches "longer wins" (length bias), so it is measured,
not rejected: ``length_bias_share`` in the metrics and report. Where the source rows carry
per-answer scores (UltraFeedback's ``score_chosen``/``score_rejected``, or a judge's scores
written into the row), a pair scored the wrong way round is rejected as
``preference.judge_inverted``. The ``judge`` stage cannot supply these: it scores one
conversation (prompt and chosen answer), not each answer of a pair. Chat rows pass untouched.
"""

from __future__ import annotations

import re
from typing import Literal

import polars as pl
from pydantic import Field, field_validator

from curate.preference import identical_expr, is_pair_expr, length_ratio_expr, meta_score_expr
from curate.reasons import Reason
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@register_stage(
    reasons=(
        Reason(
            "preference.identical",
            "Chosen and rejected answers are the same text once case, spacing and punctuation "
            "fold.",
        ),
        Reason(
            "preference.judge_inverted",
            "The row's per-answer scores rate the rejected answer above the chosen one.",
            rescuable=True,
        ),
    )
)
class PreferenceConfig(StageConfig):
    """Check preference pairs: identical answers, scores the wrong way round, length bias."""

    stage: Literal["preference"] = "preference"
    length_ratio: float = Field(
        2.0,
        gt=1,
        description="a pair is length-biased when its chosen answer is at least this many times "
        "as long as its rejected one (reported as length_bias_share, never rejected)",
    )
    judge_inverted: Literal["reject", "off"] = Field(
        "reject", description="reject pairs whose scores favour the rejected answer"
    )
    chosen_score: str = Field(
        "score_chosen", description="the source row's field holding the chosen answer's score"
    )
    rejected_score: str = Field(
        "score_rejected", description="the source row's field holding the rejected answer's score"
    )
    min_margin: float = Field(
        0.0,
        ge=0,
        description="inverted only when the rejected answer scores more than this above the "
        "chosen one (ties are never inverted)",
    )

    @field_validator("chosen_score", "rejected_score")
    @classmethod
    def _plain_field(cls, value: str) -> str:
        if not _FIELD.fullmatch(value):
            raise ValueError(f"{value!r} is not a plain field name (letters, digits, _)")
        return value

    def build(self) -> PreferenceStage:
        return PreferenceStage(self)


class PreferenceStage:
    """Row-local checks, then shares over the pairs that are kept."""

    name = "preference"

    def __init__(self, config: PreferenceConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        chosen, rejected = meta_score_expr(cfg.chosen_score), meta_score_expr(cfg.rejected_score)
        frame = batch.with_columns(
            _pair=is_pair_expr().fill_null(False),
            _chosen=chosen,
            _rejected=rejected,
        ).with_columns(
            _same=pl.col("_pair") & identical_expr().fill_null(False),
            _ratio=pl.when(pl.col("_pair")).then(length_ratio_expr()),
            _inverted=pl.col("_pair")
            & (pl.col("_rejected") > pl.col("_chosen") + cfg.min_margin).fill_null(False),
        )
        inverted = pl.col("_inverted") if cfg.judge_inverted == "reject" else pl.lit(False)
        reason = (
            pl.when(pl.col("_same"))
            .then(pl.lit("preference.identical"))
            .when(inverted)
            .then(pl.lit("preference.judge_inverted"))
        )
        detail = (
            pl.when(pl.col("_same"))
            .then(pl.format("{}: chosen and rejected are the same text", pl.col("source")))
            .otherwise(
                pl.format(
                    "{}: {} {} is below {} {}",
                    pl.col("source"),
                    pl.lit(cfg.chosen_score),
                    pl.col("_chosen"),
                    pl.lit(cfg.rejected_score),
                    pl.col("_rejected"),
                )
            )
        )
        kept, dropped = partition(frame, reason, detail)
        metrics = self._metrics(frame, kept)
        helpers = ["_pair", "_chosen", "_rejected", "_same", "_ratio", "_inverted"]
        return StageResult(kept.drop(helpers), dropped.drop(helpers), metrics)

    def _metrics(self, frame: pl.DataFrame, kept: pl.DataFrame) -> dict[str, float | int | str]:
        cfg = self.config
        pairs = int(frame["_pair"].sum())
        identical = int(frame["_same"].sum())
        scored = int((frame["_pair"] & frame["_chosen"].is_not_null()).sum())
        inverted = int((frame["_inverted"] & ~frame["_same"]).sum())
        kept_pairs = kept.filter(pl.col("_pair"))
        biased = int((kept_pairs["_ratio"] >= cfg.length_ratio).sum())
        share = biased / kept_pairs.height if kept_pairs.height else 0.0
        finite = kept_pairs["_ratio"].filter(kept_pairs["_ratio"].is_finite())
        median = float(finite.median()) if finite.len() else 0.0
        parts = [f"{pairs} pairs: {identical} identical"]
        if scored:
            unrejected = "" if cfg.judge_inverted == "reject" else " (not rejected)"
            parts.append(f"{inverted} of {scored} scored pairs the wrong way round{unrejected}")
        parts.append(
            f"length bias: {share:.1%} of {kept_pairs.height} kept pairs have a chosen answer "
            f"{cfg.length_ratio:g}x+ as long as the rejected (median ratio {median:.2f})"
        )
        summary = "; ".join(parts)
        return {
            "pairs": pairs,
            "not_pairs": frame.height - pairs,
            "identical": identical,
            "scored_pairs": scored,
            "judge_inverted": inverted,
            "length_biased": biased,
            "length_bias_share": round(share, 4),
            "length_ratio_median": round(median, 3),
            "kept": kept.height,
            "summary": summary,
        }
