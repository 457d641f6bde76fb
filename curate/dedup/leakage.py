"""The semantic part of the leakage proof: no eval or test example has a train neighbour at or
above the near-duplicate threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from curate.errors import LeakageError
from curate.stages.semantic_dedup import SemanticDedupConfig


def semantic_leaks(
    kept: pl.DataFrame, config: SemanticDedupConfig, workspace: Path, *, limit: int = 5
) -> list[str]:
    """Sentences naming each held-out example whose nearest train example is too close."""
    import faiss

    frame = kept.sort("row")
    vectors, _ = config.build().embed(frame, workspace)
    in_train = (frame["split"] == "train").to_numpy()
    if in_train.all() or not in_train.any():
        return []
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors[in_train]))
    sims, nearest = index.search(np.ascontiguousarray(vectors[~in_train]), 1)
    held = frame.filter(~pl.Series(in_train))
    train = frame.filter(pl.Series(in_train))
    problems = []
    for position in np.flatnonzero(sims[:, 0] >= config.threshold)[:limit]:
        other = train.row(int(nearest[position, 0]), named=True)
        mine = held.row(int(position), named=True)
        problems.append(
            f"{mine['split']} example {mine['source']} has train neighbour {other['source']} "
            f"at cosine {sims[position, 0]:.3f}"
        )
    return problems


def assert_no_semantic_leaks(
    kept: pl.DataFrame, config: SemanticDedupConfig, workspace: Path
) -> None:
    """Raise LeakageError naming the examples when a held-out example has a train twin."""
    problems = semantic_leaks(kept, config, workspace)
    if problems:
        raise LeakageError(
            "semantic split leakage: " + "; ".join(problems),
            hint="an approximate index may have missed a pair: set `index: exact`",
        )
