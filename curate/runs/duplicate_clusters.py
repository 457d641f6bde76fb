"""A run's near-duplicate clusters, as ``curate dedup explain`` and the Duplicates screen show
them: member rows, and one object per cluster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from curate.runs.layout import RunLayout

# What a standing override looks like in the member list: K keep, S split out, D drop.
DECISION_MARKS = {"keep": "K", "distinct": "S", "drop": "D"}
DECISION_LABELS = {"keep": "Kept as well", "distinct": "Split out", "drop": "Force-dropped"}


@dataclass(frozen=True)
class Cluster:
    """One cluster of two or more near-duplicates; ``members[0]`` is the kept one."""

    cluster_id: str
    members: list[dict[str, Any]]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def lowest(self) -> float:
        """The lowest cosine of any member to the kept member."""
        return min(float(m["similarity"]) for m in self.members)

    @property
    def question(self) -> str:
        return str(self.members[0].get("prompt") or "")


def with_example_rows(
    members: pl.DataFrame, examples: pl.DataFrame, earlier_stages: Sequence[str]
) -> pl.DataFrame:
    """``members`` with each member's row of the run (status, split, reason…) for the detail pane.

    An id can also name copies that a stage before semantic_dedup rejected (exact duplicates);
    those copies never reached the clusters, so they are left out of the match.
    """
    extra = [c for c in examples.columns if c not in members.columns or c == "id"]
    if not examples.height or "id" not in examples.columns:
        return members
    earlier = list(earlier_stages)
    candidates = (
        examples.select(extra)
        .filter(
            pl.col("id").is_in(members["id"].implode())
            & ~((pl.col("status") == "rejected") & pl.col("stage").is_in(earlier))
        )
        .unique("id", keep="first", maintain_order=True)
    )
    return members.join(candidates, on="id", how="left", maintain_order="left")


def group_clusters(members: pl.DataFrame) -> list[Cluster]:
    """Clusters in the order ``cluster_members`` gives them: largest first, kept member first."""
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in members.iter_rows(named=True):
        clusters.setdefault(str(row["cluster_id"]), []).append(row)
    return [Cluster(cluster_id, rows) for cluster_id, rows in clusters.items()]


def semantic_stage_folder(run_dir: Path) -> Path:
    """The run's finished semantic_dedup stage folder (its last when dedup repeats)."""
    return RunLayout(run_dir).require_stage("semantic_dedup").path


def protected_pairs(run_dir: Path) -> tuple[int, list[str]]:
    """How many near-duplicate pairs semantic_dedup kept apart because their numbers or names
    differ, and the few it names ("a ~ b (cosine 0.97): numbers differ, 2013 vs 2010")."""
    metrics = RunLayout(run_dir).require_stage("semantic_dedup").entry().metrics
    shown = orjson.loads(str(metrics.get("protected_examples", "[]")))
    return int(metrics.get("protected_pairs", 0)), [str(line) for line in shown]


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
