"""The stage contract: a batch in, kept and rejected batches out, nothing dropped silently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import polars as pl
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from curate.decisions import DecisionStore
    from curate.stages.semantic_dedup import SemanticDedupConfig

Metric = float | int | str
REJECTION_FIELDS = ("reason", "detail", "related_id")


def _ignore(_: object) -> None:
    return None


@dataclass
class RunContext:
    """What a stage may know about the run it is part of."""

    run_dir: Path
    workspace: Path
    log: Callable[[str], None] = _ignore
    progress: Callable[[int], None] = _ignore  # advances the stage's bar by n rows done
    decisions: DecisionStore | None = None
    pipeline: str = "pipeline"
    # the pipeline's semantic_dedup settings: split keeps near-duplicates on one side with them
    near_duplicates: SemanticDedupConfig | None = None


@dataclass
class StageResult:
    """``kept`` keeps the input schema (maybe with added columns); ``rejected`` adds
    ``reason``, ``detail`` and ``related_id`` to the rejected rows."""

    kept: pl.DataFrame
    rejected: pl.DataFrame
    metrics: dict[str, Metric] = field(default_factory=dict)


class Stage(Protocol):
    """A curation step; it knows nothing of the runner, the CLI or the TUI."""

    name: str

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult: ...


class StageConfig(BaseModel):
    """Base of every stage's typed configuration in the pipeline file."""

    model_config = ConfigDict(extra="forbid")

    def build(self) -> Stage:
        """The stage this configuration describes."""
        raise NotImplementedError


def no_rejections(batch: pl.DataFrame) -> pl.DataFrame:
    """An empty rejected frame for a stage that rejects nothing."""
    return batch.clear().with_columns(pl.lit(None, pl.String).alias(c) for c in REJECTION_FIELDS)


def partition(
    batch: pl.DataFrame,
    reason: pl.Expr,
    detail: pl.Expr,
    related_id: pl.Expr | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``batch`` into kept rows (``reason`` null) and rejected rows with their reasons."""
    tagged = batch.with_columns(
        reason.alias("reason"),
        pl.when(reason.is_not_null()).then(detail).alias("detail"),
        (related_id if related_id is not None else pl.lit(None, pl.String)).alias("related_id"),
    )
    kept = tagged.filter(pl.col("reason").is_null()).drop(REJECTION_FIELDS)
    rejected = tagged.filter(pl.col("reason").is_not_null())
    return kept, rejected
