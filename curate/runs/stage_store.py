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


def finished_entry(stage: StageFolder, fingerprint: str) -> StageEntry | None:
    """The stage's record if its folder holds a finished output for ``fingerprint``."""
    if not stage.metrics.is_file():
        return None
    entry = stage.entry()
    if entry.fingerprint != fingerprint or not stage.complete:
        return None
    return entry


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
