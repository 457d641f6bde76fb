"""Human overrides: force-drop applied right after ingest, force-keep rescues from later stages.

This step is not named in pipeline files: the runner adds it after ingest so that every
run applies the workspace's standing decisions, and a rerun never undoes a person's work.
"""

from __future__ import annotations

import polars as pl

from curate.decisions import Override
from curate.stages.base import RunContext, StageResult, partition

# A person may overrule these checks; schema and parse failures cannot be trained on at all.
RESCUABLE = ("dedup.", "quality.", "judge.", "distill.", "pii.", "audit.")


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


def rescue_kept(result: StageResult, overrides: dict[str, Override]) -> tuple[StageResult, int]:
    """Move rows a person force-kept back from ``rejected`` to ``kept``."""
    keep_ids = [k for k, v in overrides.items() if v.action == "keep"]
    if not keep_ids or result.rejected.height == 0:
        return result, 0
    rescuable = pl.col("reason").str.starts_with(RESCUABLE[0])
    for prefix in RESCUABLE[1:]:
        rescuable = rescuable | pl.col("reason").str.starts_with(prefix)
    back = pl.col("id").is_in(keep_ids) & rescuable
    rescued = result.rejected.filter(back).drop(
        "reason", "detail", "related_id", "stage", strict=False
    )
    if rescued.height == 0:
        return result, 0
    kept = pl.concat([result.kept, rescued.select(result.kept.columns)]).sort("row")
    return StageResult(kept, result.rejected.filter(~back), result.metrics), rescued.height
