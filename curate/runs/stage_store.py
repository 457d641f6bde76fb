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


def finished_entry(folder: Path, fingerprint: str) -> StageEntry | None:
    """The stage's record if ``folder`` holds a finished output for ``fingerprint``."""
    stage = StageFolder(0, folder.name, folder)
    if not stage.metrics.is_file():
        return None
    entry = stage.entry()
    if entry.fingerprint != fingerprint or not stage.complete:
        return None
    return entry


def save_stage(folder: Path, kept: pl.DataFrame, rejected: pl.DataFrame, entry: StageEntry) -> None:
    """Write a stage's outputs into a temp folder and swap it in: never half-written."""
    with atomic_dir(folder) as tmp:
        kept.write_parquet(tmp / "kept.parquet", statistics=False)
        rejected.write_parquet(tmp / "rejected.parquet", statistics=False)
        (tmp / "metrics.json").write_bytes(
            orjson.dumps(entry.model_dump(mode="json"), option=orjson.OPT_INDENT_2)
        )


def reuse_from_other_runs(runs_root: Path, folder: Path, fingerprint: str) -> StageEntry | None:
    """Link in a finished stage with this fingerprint from another run of the workspace."""
    if not runs_root.is_dir():
        return None
    for other in sorted(p for p in runs_root.iterdir() if p.is_dir()):
        source = RunLayout(other).stages_dir / folder.name
        if source == folder or finished_entry(source, fingerprint) is None:
            continue
        with atomic_dir(folder) as tmp:
            for name in STAGE_FILES:
                try:
                    os.link(source / name, tmp / name)
                except OSError:
                    shutil.copy2(source / name, tmp / name)
        return finished_entry(folder, fingerprint)
    return None


def remove_stale_stages(layout: RunLayout, expected: list[str]) -> None:
    """Delete stage folders that the pipeline no longer has at that position."""
    for stage in layout.stage_folders():
        if stage.path.name not in expected:
            shutil.rmtree(stage.path, ignore_errors=True)
