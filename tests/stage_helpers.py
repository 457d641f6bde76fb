"""Build a canonical batch from rows, the way a run would, for stage tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from curate.io.ingest import InputSource, ingest
from curate.stages.base import RunContext, StageResult
from tests.conftest import write_jsonl


def batch_of(tmp_path: Path, rows: list[Any], name: str = "data.jsonl") -> pl.DataFrame:
    """Ingest ``rows`` from a real JSONL file; parse failures are not expected here."""
    path = write_jsonl(tmp_path / name, rows)
    examples, rejected, _ = ingest([InputSource(path, name)])
    assert rejected.height == 0, rejected["detail"].to_list()
    return examples


def run_stage(stage: Any, batch: pl.DataFrame, tmp_path: Path) -> StageResult:
    """Run a stage and check the accounting invariant on its result."""
    result = stage.run(batch, RunContext(run_dir=tmp_path, workspace=tmp_path))
    rows_out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert rows_out == sorted(batch["row"].to_list())
    assert result.kept.columns[: len(batch.columns)] == batch.columns
    return result


def reasons_by_line(result: StageResult) -> dict[int, str]:
    """Source line -> reason code of each rejected row."""
    return dict(result.rejected.select("source_line", "reason").iter_rows())
