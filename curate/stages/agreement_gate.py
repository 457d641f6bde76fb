"""agreement_gate: go on only when the annotators agree well enough."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import Field

from curate.errors import CurateError
from curate.stages.base import RunContext, StageConfig, StageResult, no_rejections
from curate.stages.registry import register_stage


class AgreementGateError(CurateError):
    """The run stops: no ratings, or the annotators agree less than the threshold."""

    exit_code = 4


@register_stage(always_runs=True)
class AgreementGateConfig(StageConfig):
    """Stop the run while inter-annotator agreement is under a threshold."""

    stage: Literal["agreement_gate"] = "agreement_gate"
    # The product's rule: annotators agree on at least 90% of items, or the labels are too
    # noisy to learn from. Chance-corrected figures (alpha, fleiss) are one setting away.
    threshold: float = Field(0.9, ge=-1, le=1, description="minimum agreement")
    metric: Literal["percent", "alpha", "fleiss"] = Field(
        "percent", description="percent agreement, nominal Krippendorff's alpha or Fleiss' kappa"
    )
    source: str | None = Field(
        None,
        description="ratings file (CSV/JSONL, relative to the workspace); default: the "
        "annotations and audit verdicts in workspace.db",
    )

    def build(self) -> AgreementGate:
        return AgreementGate(self)


class AgreementGate:
    """Reads ratings; rejects nothing itself."""

    name = "agreement_gate"

    def __init__(self, config: AgreementGateConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        from curate.agreement import agreement_report, read_ratings, store_ratings
        from curate.agreement.report import shown

        config = self.config
        if config.source is not None:
            ratings = read_ratings(Path(ctx.workspace) / config.source)
        elif ctx.decisions is not None:
            ratings = store_ratings(ctx.decisions)
        else:
            raise AgreementGateError("agreement_gate needs a source or the decisions store")
        if ratings["annotator"].n_unique() < 2:
            raise AgreementGateError(
                "agreement_gate: fewer than two annotators have labelled anything",
                hint="collect labels with `curate labelstudio push/pull` or audits, then rerun",
            )
        report = agreement_report(ratings)
        figure = report.headline(config.metric)
        if figure.value is None or figure.value < config.threshold:
            raise AgreementGateError(
                f"agreement ({config.metric}) {shown(figure)} is under {config.threshold}",
                hint="review the disagreements (`curate agree --disagreements`), then rerun",
            )
        metrics: dict[str, float | int | str] = {
            "metric": config.metric,
            "agreement": round(figure.value, 4),
            "items": report.items,
            "annotators": len(report.annotators),
        }
        return StageResult(batch, no_rejections(batch), metrics)
