"""audit_gate: export only when the pipeline's latest spot-audit passed."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from curate.audit import DEFAULT_THRESHOLD, AuditStatus, latest_audit
from curate.errors import CurateError
from curate.stages.base import RunContext, StageConfig, StageResult, no_rejections
from curate.stages.registry import register_stage


class AuditGateError(CurateError):
    """The run stops before export: its audit is missing, unfinished, or failed."""

    exit_code = 4


@register_stage(always_runs=True)
class AuditGateConfig(StageConfig):
    """Refuse to export until a person has audited a sample and enough of it passed."""

    stage: Literal["audit_gate"] = "audit_gate"
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0, le=1, description="minimum pass rate")

    def build(self) -> AuditGate:
        return AuditGate(self)


class AuditGate:
    """Reads the decisions store; rejects nothing itself (failed examples are drop overrides)."""

    name = "audit_gate"

    def __init__(self, config: AuditGateConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        if ctx.decisions is None:
            raise AuditGateError("audit_gate needs the workspace's decisions store")
        status = latest_audit(ctx.decisions, pipeline=ctx.pipeline)
        command = f"curate audit sample {ctx.run_dir}"
        if status is None:
            raise AuditGateError(
                "no spot-audit yet: the run stops before export",
                hint=f"draw one with `{command}`, review it in `curate tui`, then run again",
            )
        if not status.complete:
            raise AuditGateError(
                f"spot-audit {status.audit_id} is in progress ({status.reviewed}/"
                f"{len(status.items)} reviewed)",
                hint="finish it in `curate tui`, then run again",
            )
        rate = status.pass_rate or 0.0
        threshold = self.config.threshold
        if rate < threshold:
            raise AuditGateError(
                _failure_message(status, rate, threshold),
                hint=(
                    f"the failing examples are now drop overrides; draw a fresh audit of the "
                    f"re-run with `{command}` (or a later run's folder)"
                ),
            )
        metrics = {
            "audit_id": status.audit_id,
            "pass_rate": round(rate, 4),
            "reviewed": status.reviewed,
        }
        return StageResult(batch, no_rejections(batch), metrics)


def _failure_message(status: AuditStatus, rate: float, threshold: float) -> str:
    failing = ", ".join(
        f"{i.example_id}" + (f" ({i.note})" if i.note else "") for i in status.failing[:10]
    )
    more = len(status.failing) - 10
    return (
        f"spot-audit {status.audit_id} of run {status.run_id} failed: pass rate {rate:.1%} "
        f"({status.passed}/{status.reviewed}) is under {threshold:.0%}; failing examples: "
        f"{failing}" + (f" and {more} more" if more > 0 else "")
    )
