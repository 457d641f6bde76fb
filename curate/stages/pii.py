"""pii: find personal data and secrets with Presidio (+ curate's recognizers), then act on them.

Per entity type: ``redact`` (typed placeholder), ``pseudonymize`` (consistent fake values),
``drop`` (reject the example, reason ``pii.dropped``) or ``flag`` (keep, mark for review).
Every kept row gets a ``pii`` list of its findings; human span decisions apply every run.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from curate.pii.settings import PiiSettings
from curate.reasons import Reason
from curate.stages.base import RunContext, StageConfig, StageResult
from curate.stages.registry import register_stage


@register_stage(
    reasons=(
        Reason(
            "pii.dropped",
            "The example holds PII of a type whose action is drop; detail says where.",
            rescuable=True,
        ),
    ),
    rewrites_text=True,
)
class PiiConfig(StageConfig, PiiSettings):
    """Presidio analysis with per-entity thresholds and actions, an allow-list, and pseudonyms."""

    stage: Literal["pii"] = "pii"

    def build(self) -> PiiStage:
        return PiiStage(self)


class PiiStage:
    """Batch analysis over distinct turn texts, then per-example decisions and actions."""

    name = "pii"

    def __init__(self, config: PiiConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        from curate.pii.apply import apply_findings
        from curate.pii.scan import scan_batch

        decisions = None
        if ctx.decisions is not None:
            from curate.workspace.pii_marks import PiiMarkStore

            decisions = PiiMarkStore(ctx.decisions).standing(batch["id"].to_list())
        cache = ctx.workspace / "cache" / "pii" if self.config.cache else None
        scan = scan_batch(
            batch,
            self.config,
            decisions or {},
            log=ctx.log,
            progress=ctx.progress,
            cache_root=cache,
        )
        kept, rejected, metrics = apply_findings(batch, scan, self.config)
        for warning in str(metrics.get("warnings", "")).split(" | "):
            if warning:
                ctx.log(f"pii: warning: {warning}")
        return StageResult(kept, rejected, metrics)
