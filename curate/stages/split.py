"""split: seeded, group-aware, optionally stratified train/eval/test assignment."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal, Self

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from curate.dedup.embedding import NearDuplicateSpec
from curate.dedup.leakage import assert_no_leakage, pull_leaks_into_train
from curate.errors import CurateError
from curate.record import normalized_prompt_expr, normalized_text_expr
from curate.stages.base import RunContext, StageConfig, StageResult, no_rejections
from curate.stages.registry import register_stage

SPLITS = ("train", "eval", "test")


class SplitRatios(BaseModel):
    """Shares of the examples per split; they must add up to 1."""

    model_config = ConfigDict(extra="forbid")
    train: float = Field(0.8, ge=0, le=1)
    eval: float = Field(0.1, ge=0, le=1)
    test: float = Field(0.1, ge=0, le=1)

    @model_validator(mode="after")
    def _adds_up(self) -> Self:
        total = self.train + self.eval + self.test
        if abs(total - 1) > 1e-6:
            raise ValueError(f"ratios add up to {total:g}, not 1")
        return self


@register_stage()
class SplitConfig(StageConfig):
    """Same input and seed give byte-identical splits. Examples with equal normalised text,
    the same prompt (with any answer), or equal values in the ``group`` column, always land
    in the same split."""

    stage: Literal["split"] = "split"
    ratios: SplitRatios = Field(default_factory=SplitRatios)
    seed: int = 0
    stratify: str | None = Field(
        None,
        description="a meta field whose values are spread evenly over the splits",
        pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
    )
    group: str | None = Field(
        "dedup_group",
        description="a column that keeps its groups whole, used when present; dedup_group is "
        "each example semantic_dedup kept with the rows it dropped as its twins",
    )
    max_ratio_gap: float = Field(
        0.05, ge=0, le=1, description="warn when a split's share is this far from its ratio"
    )
    min_eval_rows: int = Field(
        0, ge=0, description="fail the run when eval or test (with a ratio above 0) get fewer"
    )

    def build(self) -> Split:
        return Split(self)

    def build_in(self, plan: Sequence[StageConfig]) -> Split:
        """With the pipeline's (last) semantic_dedup settings, so that no eval or test example
        keeps a near-duplicate in train."""
        from curate.stages.semantic_dedup import SemanticDedupConfig

        dedup = [s for s in plan if isinstance(s, SemanticDedupConfig)]
        return Split(self, near_duplicates=dedup[-1].spec() if dedup else None)


class Split:
    """Orders groups by a seeded hash of their content, then cuts each stratum by the ratios."""

    name = "split"

    def __init__(
        self, config: SplitConfig, *, near_duplicates: NearDuplicateSpec | None = None
    ) -> None:
        self.config = config
        self.near_duplicates = near_duplicates

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        group = cfg.group if cfg.group and cfg.group in batch.columns else None
        frame = batch.with_columns(_key=normalized_text_expr(), _prompt=normalized_prompt_expr())
        keys = ["_key", "_prompt"] + ([group] if group else [])
        frame = frame.with_columns(_group=connected_groups(frame, keys))
        stratum = (
            pl.col("meta").str.json_path_match(f"$.{cfg.stratify}").fill_null("(none)")
            if cfg.stratify
            else pl.lit("(all)")
        )
        groups = (
            frame.with_columns(_stratum=stratum)
            .sort("row")
            .group_by("_group", maintain_order=True)
            .agg(
                pl.len().alias("_size"),
                pl.col("id").first().alias("_first_id"),
                pl.col("_stratum").first(),
            )
        )
        salt = f"{cfg.seed}\x00".encode()
        order = [hashlib.sha256(salt + i.encode()).hexdigest() for i in groups["_first_id"]]
        r = cfg.ratios
        position = (pl.col("_size").cum_sum() - pl.col("_size") / 2) / pl.col("_size").sum()
        assigned = (
            groups.with_columns(_order=pl.Series(order))
            .sort("_stratum", "_order")
            .with_columns(_at=position.over("_stratum"))
            .with_columns(
                split=pl.when(pl.col("_at") < r.train)
                .then(pl.lit("train"))
                .when(pl.col("_at") < r.train + r.eval)
                .then(pl.lit("eval"))
                .otherwise(pl.lit("test"))
            )
            .select("_group", "split")
        )
        kept = frame.join(assigned, on="_group", how="left", maintain_order="left")
        moved = 0
        if self.near_duplicates is not None and kept.height:
            kept, moved = pull_leaks_into_train(kept, self.near_duplicates, ctx.workspace, "_group")
            if moved:
                ctx.log(f"split: moved {moved} near-duplicates of train examples into train")
        assert_no_leakage(kept, group, text_key="_key")
        kept = kept.drop("_key", "_prompt", "_group")
        sizes = dict(kept.group_by("split").len().iter_rows())
        metrics: dict[str, int | float | str] = {s: int(sizes.get(s, 0)) for s in SPLITS}
        metrics["groups"] = groups.height
        metrics["largest_group"] = int(groups["_size"].max() or 0) if groups.height else 0
        metrics["leaks"] = 0
        metrics["moved_to_train"] = moved
        warnings = self._ratio_warnings(metrics, kept.height)
        if warnings:
            metrics["warnings"] = " | ".join(warnings)
            for warning in warnings:
                ctx.log(f"split: warning: {warning}")
        return StageResult(kept, no_rejections(batch), metrics)

    def _ratio_warnings(self, sizes: dict[str, int | float | str], total: int) -> list[str]:
        """A warning per split whose share strays from its ratio; an error when eval or
        test has fewer rows than ``min_eval_rows``."""
        cfg = self.config
        wanted = {"train": cfg.ratios.train, "eval": cfg.ratios.eval, "test": cfg.ratios.test}
        warnings = []
        for name, ratio in wanted.items():
            share = int(sizes[name]) / total if total else 0.0
            if total and abs(share - ratio) > cfg.max_ratio_gap:
                warnings.append(
                    f"{name} holds {share:.1%} of the rows, not {ratio:.0%} (the largest group "
                    f"has {sizes['largest_group']} rows, {sizes['moved_to_train']} moved to train)"
                )
            if name != "train" and ratio > 0 and int(sizes[name]) < cfg.min_eval_rows:
                raise CurateError(
                    f"split: {name} got {sizes[name]} rows, fewer than min_eval_rows "
                    f"({cfg.min_eval_rows})",
                    field="split.min_eval_rows",
                    hint="large near-duplicate groups or a group column keep rows together; "
                    "check `curate dedup explain`, or lower min_eval_rows",
                )
        return warnings


def connected_groups(frame: pl.DataFrame, keys: list[str]) -> pl.Series:
    """Label rows so that rows sharing a value in any of ``keys`` share a label (its min row).

    Label propagation: each pass takes the smallest label within every key's groups,
    until nothing changes; chains of shared keys are short, so it converges in a few passes.
    """
    labels = frame.select("row", *keys).with_columns(_label=pl.col("row"))
    while True:
        before = labels["_label"]
        for key in keys:
            labels = labels.with_columns(
                _label=pl.when(pl.col(key).is_null())
                .then(pl.col("_label"))
                .otherwise(pl.col("_label").min().over(key))
            )
        if labels["_label"].equals(before):
            return labels["_label"]
