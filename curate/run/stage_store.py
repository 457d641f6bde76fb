"""The on-disk layout of a run: one folder per finished stage, found again by fingerprint."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import orjson
import polars as pl

from curate.io.atomic import atomic_dir
from curate.run.manifest import StageEntry

STAGE_FILES = ("kept.parquet", "rejected.parquet", "metrics.json")


def stage_dir(run_dir: Path, index: int, name: str) -> Path:
    """``runs/<id>/stages/NN_name``."""
    return run_dir / "stages" / f"{index:02d}_{name}"


def finished_entry(folder: Path, fingerprint: str) -> StageEntry | None:
    """The stage's record if ``folder`` holds a finished output for ``fingerprint``."""
    metrics = folder / "metrics.json"
    if not metrics.is_file():
        return None
    entry = StageEntry.model_validate(orjson.loads(metrics.read_bytes()))
    if entry.fingerprint != fingerprint:
        return None
    if not all((folder / name).is_file() for name in STAGE_FILES):
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
    pattern = f"*/stages/{folder.name}/metrics.json"
    for metrics in sorted(runs_root.glob(pattern)):
        source = metrics.parent
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


def remove_stale_stages(run_dir: Path, expected: list[str]) -> None:
    """Delete stage folders that the pipeline no longer has at that position."""
    root = run_dir / "stages"
    if not root.is_dir():
        return
    for folder in root.iterdir():
        match = re.fullmatch(r"(\d+)_(.+)", folder.name)
        if folder.is_dir() and match and folder.name not in expected:
            shutil.rmtree(folder, ignore_errors=True)
