"""Finished stage outputs: written atomically, found again by fingerprint, reused across runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import polars as pl

from curate.io.atomic import atomic_dir
from curate.runs.layout import STAGE_FILES, RunLayout, StageFolder
from curate.runs.manifest import StageEntry
from curate.stages.base import ERROR_ROWS, MAX_ERROR_SHARE


def finished_entry(stage: StageFolder, fingerprint: str) -> StageEntry | None:
    """The stage's record if its folder holds a finished output for ``fingerprint``; an
    output whose rows hold errors is not finished (errors are not answers)."""
    if not stage.metrics.is_file():
        return None
    entry = stage.entry()
    if entry.fingerprint != fingerprint or not stage.complete or error_rows(entry):
        return None
    return entry


def error_rows(entry: StageEntry) -> int:
    """Rows of the stage's output holding an error instead of an answer (a failed call)."""
    return int(entry.metrics.get(ERROR_ROWS, 0) or 0)


def errors_over_share(entries: list[StageEntry]) -> list[str]:
    """One sentence per stage whose error rows exceed its ``max_error_share``."""
    problems = []
    for entry in entries:
        errors = error_rows(entry)
        allowed = float(entry.metrics.get(MAX_ERROR_SHARE, 0.0) or 0.0)
        if errors and errors > allowed * entry.input:
            problems.append(
                f"{entry.name}: {errors} of {entry.input} rows ended as errors "
                f"({errors / entry.input:.1%}, over max_error_share {allowed:g}); run again to "
                "ask only those rows, or raise max_error_share to accept them"
            )
    return problems


def save_stage(
    stage: StageFolder, kept: pl.DataFrame, rejected: pl.DataFrame, entry: StageEntry
) -> None:
    """Write a stage's outputs into a temp folder and swap it in: never half-written."""
    with atomic_dir(stage.path) as tmp:
        kept.write_parquet(tmp / "kept.parquet", statistics=False)
        rejected.write_parquet(tmp / "rejected.parquet", statistics=False)
        (tmp / "metrics.json").write_bytes(
            orjson.dumps(entry.model_dump(mode="json"), option=orjson.OPT_INDENT_2)
        )


def reuse_from_other_runs(
    runs_root: Path, stage: StageFolder, fingerprint: str
) -> StageEntry | None:
    """Link in a finished stage with this fingerprint from another run of the workspace."""
    if not runs_root.is_dir():
        return None
    for other in sorted(p for p in runs_root.iterdir() if p.is_dir()):
        source = RunLayout(other).stage_folder(stage.index, stage.name)
        if source.path == stage.path or finished_entry(source, fingerprint) is None:
            continue
        with atomic_dir(stage.path) as tmp:
            for name in STAGE_FILES:
                try:
                    os.link(source.path / name, tmp / name)
                except OSError:
                    shutil.copy2(source.path / name, tmp / name)
        return finished_entry(stage, fingerprint)
    return None


def remove_stale_stages(layout: RunLayout, expected: list[StageFolder]) -> None:
    """Delete stage folders that the pipeline no longer has at that position."""
    keep = {stage.path for stage in expected}
    for stage in layout.stage_folders():
        if stage.path not in keep:
            shutil.rmtree(stage.path, ignore_errors=True)
