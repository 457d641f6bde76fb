"""Near-duplicate clusters of a run, as ``curate dedup explain`` and the TUI show them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.errors import CurateError


def semantic_stage_folder(run_dir: Path) -> Path:
    """The run's finished semantic_dedup stage folder."""
    for folder in sorted((run_dir / "stages").glob("*_semantic_dedup")):
        if (folder / "kept.parquet").is_file():
            return folder
    raise CurateError("this run has no finished semantic_dedup stage", file=run_dir)


def cluster_members(run_dir: Path) -> pl.DataFrame:
    """Every member of every cluster of two or more: cluster_id, kept flag, similarity to the
    kept member, id, source, prompt; largest clusters first, the kept member first in each."""
    folder = semantic_stage_folder(run_dir)
    columns = ["cluster_id", "cluster_size", "similarity", "id", "source", "messages"]
    kept = pl.read_parquet(folder / "kept.parquet", columns=columns).with_columns(kept=pl.lit(True))
    dropped = pl.read_parquet(folder / "rejected.parquet", columns=columns).with_columns(
        kept=pl.lit(False)
    )
    members = pl.concat([kept, dropped]).filter(pl.col("cluster_id").is_not_null())
    prompt = (
        pl.col("messages")
        .list.eval(pl.element().filter(pl.element().struct.field("role") == "user"))
        .list.first()
        .struct.field("content")
    )
    return members.with_columns(prompt=prompt).sort(
        ["cluster_size", "cluster_id", "kept", "similarity"], descending=[True, False, True, True]
    )
