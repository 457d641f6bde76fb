"""Example vectors for near-duplicate search, through the workspace's embedding cache.

With a ``prefilter`` (a cheap encoder, ``static``) the spec is a cascade: every text gets a
cheap vector, and the spec's own model embeds only the texts that some cheap neighbour is close
to (``prefilter_threshold``); their similarity is the model's, so a pair counts exactly when
the model puts it at or above ``threshold`` and the cheap encoder at or above the prefilter's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from curate.record import role_text_expr

TextRoles = Literal["user", "assistant", "both"]
TEXT_ROLES: dict[str, tuple[str, ...]] = {
    "user": ("user",),
    "assistant": ("assistant",),
    "both": ("user", "assistant"),
}
PREFILTER_BATCH = 1024  # a static encoder is a lookup: large batches cost nothing
PREFILTER_NEIGHBOURS = 16  # cheap candidates rescored per query in a nearest-neighbour lookup


def _ignore(_: int) -> None:
    return None


@dataclass(frozen=True)
class NearDuplicateSpec:
    """How examples are embedded and how close two must be to count as near-duplicates."""

    model: str | None = None  # a local folder, a cached name, 'static', 'minilm-onnx-int8'
    text: TextRoles = "both"
    threshold: float = 0.92
    batch_size: int = 64
    prefilter: str | None = None  # a cheap encoder that picks the pairs the model rescores
    prefilter_threshold: float = 0.85

    def texts(self, frame: pl.DataFrame) -> list[str]:
        """The embedded text of each row, in frame order."""
        return frame.select(role_text_expr(TEXT_ROLES[self.text])).to_series().to_list()

    def embed(
        self,
        frame: pl.DataFrame,
        workspace: Path,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, int]:
        """Unit vectors of the frame's texts (in frame order) by the spec's model, and how many
        were newly embedded; the rest come from ``<workspace>/cache/embeddings``."""
        return cached_vectors(
            self.texts(frame), self.model, self.batch_size, workspace, progress or _ignore
        )


def cached_vectors(
    texts: list[str],
    model: str | None,
    batch_size: int,
    workspace: Path,
    progress: Callable[[int], None] = _ignore,
) -> tuple[np.ndarray, int]:
    """Unit vectors of ``texts`` by ``model`` and how many were newly embedded. The model is
    loaded only when some text is missing from the cache."""
    from curate.embed import EmbeddingCache, encoder_id, load_encoder

    cache = EmbeddingCache(workspace / "cache" / "embeddings", encoder_id(model))

    def encode(batch: list[str]) -> np.ndarray:
        return load_encoder(model, batch_size=batch_size).encode(batch)

    chunk = 64 * batch_size  # a progress step; length-sorted batching works within it
    return cache.get_or_embed(texts, encode, progress=progress, chunk=chunk)


class CascadeVectors:
    """Cheap vectors for every text; the model's vectors fetched (and cached) on demand."""

    def __init__(
        self,
        spec: NearDuplicateSpec,
        texts: list[str],
        workspace: Path,
        progress: Callable[[int], None] = _ignore,
    ) -> None:
        self.spec, self.texts, self.workspace = spec, texts, workspace
        self.cheap, self.cheap_embedded = cached_vectors(
            texts, spec.prefilter, PREFILTER_BATCH, workspace, progress
        )
        self.model_vectors: np.ndarray | None = None
        self.have = np.zeros(len(texts), dtype=bool)
        self.embedded = 0  # texts the model embedded now (not from the cache)

    def model_at(self, positions: np.ndarray) -> np.ndarray:
        """The model's unit vectors of the texts at ``positions``."""
        positions = np.asarray(positions, dtype=np.int64)
        need = np.unique(positions[~self.have[positions]])
        if len(need):
            fetched, embedded = cached_vectors(
                [self.texts[k] for k in need], self.spec.model, self.spec.batch_size, self.workspace
            )
            if self.model_vectors is None:
                self.model_vectors = np.zeros((len(self.texts), fetched.shape[1]), np.float32)
            self.model_vectors[need] = fetched
            self.have[need] = True
            self.embedded += embedded
        if self.model_vectors is None:
            return np.zeros((len(positions), 0), dtype=np.float32)
        return self.model_vectors[positions]

    def rescored(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate pairs ``(i, j)`` the model puts at or above the threshold, with the
        model's cosine."""
        if not len(i):
            return i, j, np.zeros(0, dtype=np.float32)
        both = np.union1d(i, j)
        self.model_at(both)
        assert self.model_vectors is not None
        sims = np.einsum("ij,ij->i", self.model_vectors[i], self.model_vectors[j])
        close = sims >= self.spec.threshold
        return i[close], j[close], sims[close].astype(np.float32)

    def rows(self) -> np.ndarray:
        """Full-size model vectors: zero rows for texts never rescored."""
        if self.model_vectors is None:
            return np.zeros((len(self.texts), 0), dtype=np.float32)
        return self.model_vectors


def nearest(
    spec: NearDuplicateSpec, texts: list[str], workspace: Path
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A lookup ``(queries, base) -> (cosine, nearest base position)``: each query's closest
    base text under the spec, cosine -1 where the cascade's prefilter finds none close enough.

    Without a prefilter every text is embedded by the model and compared exactly. With one,
    each query's ``PREFILTER_NEIGHBOURS`` cheap nearest base texts at or above the prefilter
    threshold are rescored by the model, so only those texts are ever embedded by it.
    """
    import faiss

    if spec.prefilter is None:
        vectors = cached_vectors(texts, spec.model, spec.batch_size, workspace)[0]

        def exact(queries: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            index = faiss.IndexFlatIP(vectors.shape[1])
            index.add(np.ascontiguousarray(vectors[base]))
            sims, at = index.search(np.ascontiguousarray(vectors[queries]), 1)
            return sims[:, 0], base[at[:, 0]]

        return exact
    cascade = CascadeVectors(spec, texts, workspace)

    def rescoring(queries: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        index = faiss.IndexFlatIP(cascade.cheap.shape[1])
        index.add(np.ascontiguousarray(cascade.cheap[base]))
        k = min(PREFILTER_NEIGHBOURS, len(base))
        cheap, at = index.search(np.ascontiguousarray(cascade.cheap[queries]), k)
        hit = (at >= 0) & (cheap >= spec.prefilter_threshold)
        best = np.full(len(queries), -1.0, dtype=np.float32)
        nearest_at = np.full(len(queries), -1, dtype=np.int64)
        if not hit.any():
            return best, nearest_at
        rows = np.repeat(np.arange(len(queries)), k).reshape(hit.shape)[hit]
        others = base[at[hit]]
        mine = queries[rows]
        cascade.model_at(np.union1d(mine, others))
        sims = np.einsum("ij,ij->i", cascade.model_at(mine), cascade.model_at(others))
        order = np.lexsort((-sims, rows))  # per query, the closest by the model first
        first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
        best[rows[first]], nearest_at[rows[first]] = sims[first], others[first]
        return best, nearest_at

    return rescoring
