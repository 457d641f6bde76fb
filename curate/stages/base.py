"""The stage contract: a batch in, kept and rejected batches out, nothing dropped silently."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import polars as pl
from pydantic import BaseModel, ConfigDict

from curate.execute import Executor, LocalExecutor, RowFunction
from curate.rejections import REJECTION_FIELDS, no_rejections, partition

if TYPE_CHECKING:
    from curate.workspace import WorkspaceDB

Metric = float | int | str
__all__ = [
    "REJECTION_FIELDS",
    "Metric",
    "RunContext",
    "Stage",
    "StageConfig",
    "StageResult",
    "no_rejections",
    "partition",
]


# Metric names the runner reads. ERROR_ROWS: rows that hold an error, not an answer (a
# failed LLM call); an output with any is never reused, so the next run asks them again, and
# a run ends non-zero while they exceed MAX_ERROR_SHARE of the stage's input.
ERROR_ROWS = "error_rows"
MAX_ERROR_SHARE = "max_error_share"


def _ignore(_: object) -> None:
    return None


@dataclass
class RunContext:
    """What a stage may know about the run it is part of."""

    run_dir: Path
    workspace: Path
    log: Callable[[str], None] = _ignore
    progress: Callable[[int], None] = _ignore  # advances the stage's bar by n rows done
    decisions: WorkspaceDB | None = None
    pipeline: str = "pipeline"
    # executor hook (issue 21): where row-wise work runs; the stage never asks which
    executor: Executor = field(default_factory=LocalExecutor)

    def map_batches(
        self,
        fn: RowFunction,
        frame: pl.DataFrame,
        *,
        rows_per_batch: int,
        progress: Callable[[int], None] | None = None,
    ) -> pl.DataFrame:
        """``fn`` (a pure, picklable row-wise function) over ``frame`` in chunks, wherever
        the run's executor puts them; the rows come back in input order. ``progress``
        (rows of ``frame`` done) defaults to the stage's bar."""
        report = self.progress if progress is None else progress
        return self.executor.map_batches(fn, frame, rows_per_batch=rows_per_batch, progress=report)


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

    def build_in(self, plan: Sequence[StageConfig]) -> Stage:
        """The stage as one step of ``plan`` (every stage of the run, in order); a stage that
        depends on another stage's settings overrides this to take them explicitly."""
        return self.build()

    def input_digests(self, workspace: Path) -> list[str]:
        """Digests of the files the stage reads besides its batch (an eval set, say), so that
        a changed file runs it again; most stages read none."""
        return []
