"""Near-duplicate pairs by a cascade: a cheap encoder proposes, the real model decides.

Static (model2vec) vectors of every text find the candidate pairs at a lower cosine
(``prefilter_threshold``); the model (MiniLM) embeds only the texts in a candidate pair and
keeps the pairs it puts at or above ``threshold``. Measured on the planted paraphrase set, a
static cosine of 0.85 holds about 98% of the pairs MiniLM puts at 0.92 or above
(benchmarks/semantic_dedup.py), while MiniLM embeds a fraction of the texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.dedup.embedding import CascadeVectors, NearDuplicateSpec
from curate.dedup.neighbours import IndexKind, near_duplicate_pairs


@dataclass
class CascadePairs:
    """The pairs the model confirmed, its vectors (zero rows for texts it never saw) and the
    counts a stage reports."""

    i: np.ndarray
    j: np.ndarray
    sims: np.ndarray
    vectors: np.ndarray
    candidates: int  # pairs at or above the prefilter threshold
    rescored: int  # texts in some candidate pair: the only ones the model needs
    embedded: int  # of those, the ones the model embedded now (the rest were cached)
    prefilter_embedded: int  # texts the cheap encoder embedded now


def cascade_pairs(
    spec: NearDuplicateSpec,
    texts: list[str],
    workspace: Path,
    progress: Callable[[int], None] | None = None,
    *,
    index: IndexKind = "auto",
    exact_limit: int = 50_000,
) -> CascadePairs:
    """Every pair i < j the prefilter proposes and the model puts at or above the threshold."""
    assert spec.prefilter is not None, "a cascade needs a prefilter encoder"
    vectors = CascadeVectors(spec, texts, workspace, progress or (lambda _: None))
    ci, cj, _ = near_duplicate_pairs(
        vectors.cheap, spec.prefilter_threshold, index=index, exact_limit=exact_limit
    )
    i, j, sims = vectors.rescored(ci, cj)
    full = vectors.rows()
    if full.shape[1] == 0:  # nothing was rescored: no model vectors at all
        full = np.zeros((len(texts), 1), dtype=np.float32)
    return CascadePairs(
        i,
        j,
        sims,
        full,
        candidates=len(ci),
        rescored=int(vectors.have.sum()),
        embedded=vectors.embedded,
        prefilter_embedded=vectors.cheap_embedded,
    )
