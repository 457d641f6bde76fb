"""pii: find personal data and secrets with Presidio (+ curate's recognizers), then act on them.

Per entity type: ``redact`` (typed placeholder), ``pseudonymize`` (consistent fake values),
``drop`` (reject the example, reason ``pii.dropped``) or ``flag`` (keep, mark for review).
Every kept row gets a ``pii`` list of its findings; human span decisions apply every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from functools import partial
from typing import TYPE_CHECKING, Literal

import orjson
import polars as pl

from curate.pii.settings import PiiSettings
from curate.reasons import Reason
from curate.stages.base import RunContext, StageConfig, StageResult
from curate.stages.registry import register_stage

if TYPE_CHECKING:
    from curate.pii.analyzer import Hit, Task


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
            analyze=partial(_analyze_on, ctx),
        )
        kept, rejected, metrics = apply_findings(batch, scan, self.config)
        for warning in str(metrics.get("warnings", "")).split(" | "):
            if warning:
                ctx.log(f"pii: warning: {warning}")
        return StageResult(kept, rejected, metrics)


def _analyze_on(
    ctx: RunContext,
    texts: Sequence[str],
    task: Task,
    *,
    workers: int,
    parallel_from: int,
    progress: Callable[[int], None],
) -> list[list[Hit]]:
    """Analyzer hits per text, the texts analysed wherever the run's executor puts them."""
    from curate.pii.analyzer import Hit

    # a chunk below parallel_from never forks; with workers > 1 let each chunk reach it
    rows = parallel_from if workers > 1 else task.batch_size * 4
    frame = pl.DataFrame({"text": list(texts)}, schema={"text": pl.String})
    out = ctx.map_batches(
        partial(hits_of_texts, task, workers, parallel_from),
        frame,
        rows_per_batch=rows,
        progress=progress,
    )
    return [[Hit(**h) for h in orjson.loads(found)] for found in out["hits"]]


def hits_of_texts(
    task: Task, workers: int, parallel_from: int, chunk: pl.DataFrame
) -> pl.DataFrame:
    """Per ``text``: its raw analyzer hits as JSON (pure and row-wise, for any executor)."""
    from curate.pii.analyzer import analyze_texts

    found = analyze_texts(
        chunk["text"].to_list(), task, workers=workers, parallel_from=parallel_from
    )
    hits = [orjson.dumps([asdict(h) for h in one]).decode() for one in found]
    return pl.DataFrame({"hits": hits}, schema={"hits": pl.String})
