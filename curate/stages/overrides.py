"""Human overrides: force-drop applied right after ingest, force-keep rescues from later stages.

This step is not named in pipeline files: the runner adds it after ingest so that every
run applies the workspace's standing decisions, and a rerun never undoes a person's work.
"""

from __future__ import annotations

import polars as pl

from curate.reasons import Reason
from curate.stages.base import RunContext, StageResult, partition
from curate.workspace import Override

OVERRIDE_REASONS = (
    Reason(
        "override.drop",
        "A person force-dropped the example, in the TUI or by failing it in an audit.",
    ),
)


class ApplyOverrides:
    """Rejects examples a person force-dropped, with their reason and name."""

    name = "overrides"

    def __init__(self, overrides: dict[str, Override]) -> None:
        self.drops = {k: v for k, v in overrides.items() if v.action == "drop"}

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        table = pl.DataFrame(
            {
                "id": list(self.drops),
                "_why": [
                    f"dropped by {o.annotator} on {o.created_at[:10]}: {o.reason}"
                    for o in self.drops.values()
                ],
            },
            schema={"id": pl.String, "_why": pl.String},
        )
        frame = batch.join(table, on="id", how="left", maintain_order="left")
        reason = pl.when(pl.col("_why").is_not_null()).then(pl.lit("override.drop"))
        detail = pl.format("{}: {}", pl.col("source"), pl.col("_why"))
        kept, rejected = partition(frame, reason, detail)
        return StageResult(kept.drop("_why"), rejected.drop("_why"), {"dropped": rejected.height})


def rescue_kept(
    result: StageResult, overrides: dict[str, Override], rescuable: frozenset[str]
) -> tuple[StageResult, int]:
    """Move rows a person force-kept back from ``rejected`` to ``kept``, where the stage
    declared their reason rescuable (schema and parse failures cannot be trained on)."""
    keep_ids = [k for k, v in overrides.items() if v.action == "keep"]
    if not keep_ids or not rescuable or result.rejected.height == 0:
        return result, 0
    back = pl.col("id").is_in(keep_ids) & pl.col("reason").is_in(sorted(rescuable))
    rescued = result.rejected.filter(back).drop(
        "reason", "detail", "related_id", "stage", strict=False
    )
    if rescued.height == 0:
        return result, 0
    kept = pl.concat([result.kept, rescued.select(result.kept.columns)]).sort("row")
    return StageResult(kept, result.rejected.filter(~back), result.metrics), rescued.height
