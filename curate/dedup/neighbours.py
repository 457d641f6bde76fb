"""Every pair of vectors whose cosine similarity reaches a threshold, with FAISS.

Exact inner-product range search up to ``exact_limit`` vectors; past it, an HNSW graph
searched for the ``k`` nearest neighbours of each vector (recall is checked in the tests).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

IndexKind = Literal["auto", "exact", "hnsw"]


def near_duplicate_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    index: IndexKind = "auto",
    exact_limit: int = 50_000,
    k: int = 16,
    max_neighbours: int = 256,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(i, j, similarity)`` for every pair i < j with cosine >= ``threshold``.

    ``vectors`` must be L2-normalised float32, so inner product is cosine. Exact search keeps
    each vector's ``max_neighbours`` closest matches: thousands of copies of one template would
    otherwise make a quadratic number of pairs, and the cluster is as connected without them.
    """
    import faiss

    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = x.shape
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    if index == "exact" or (index == "auto" and n <= exact_limit):
        rows, ids, sims = _exact_pairs(x, threshold, max_neighbours)
    else:
        graph = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 80
        graph.hnsw.efSearch = max(64, 2 * k)
        graph.add(x)
        sims, ids = graph.search(x, k)
        rows = np.repeat(np.arange(n), k)
        sims, ids = sims.ravel(), ids.ravel()
        keep = (ids >= 0) & (sims >= threshold)
        rows, sims, ids = rows[keep], sims[keep], ids[keep]
    # each pair is found from both ends (or, in HNSW, from the end that lists the other)
    ids = ids.astype(np.int64)
    pairs = np.stack([np.minimum(rows, ids), np.maximum(rows, ids)])[:, rows != ids]
    sims = sims[rows != ids]
    _, first = np.unique(pairs, axis=1, return_index=True)
    return pairs[0, first], pairs[1, first], sims[first].astype(np.float32)


def _exact_pairs(
    x: np.ndarray, threshold: float, max_neighbours: int, block: int = 4096
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Range search a block of queries at a time, each query's matches capped by similarity."""
    import faiss

    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(x), block):
        limits, sims, ids = flat.range_search(x[start : start + block], threshold)
        counts = np.diff(limits.astype(np.int64))
        rows = np.repeat(np.arange(start, start + len(counts)), counts)
        if counts.max(initial=0) > max_neighbours:
            # within each query, order by descending similarity and keep the first ones
            order = np.lexsort((-sims, rows))
            rank = np.arange(len(rows)) - np.repeat(limits[:-1].astype(np.int64), counts)
            keep = order[rank < max_neighbours]
            rows, sims, ids = rows[keep], sims[keep], ids[keep]
        found.append((rows, ids, sims))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


def clusters_from_pairs(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """A cluster label per vector: connected components of the pair graph."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels
