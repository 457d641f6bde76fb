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
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(x)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    if index == "exact" or (index == "auto" and n <= exact_limit):
        rows, ids, sims = _exact_pairs(x, threshold, max_neighbours)
    else:
        rows, ids, sims = _approximate_pairs(x, threshold, k, max_neighbours)
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
        # FAISS keeps matches strictly above its radius; the contract is "at or above"
        limits, sims, ids = flat.range_search(x[start : start + block], threshold - 1e-6)
        counts = np.diff(limits.astype(np.int64))
        rows = np.repeat(np.arange(start, start + len(counts)), counts)
        at_least = sims >= threshold
        if not at_least.all():
            rows, sims, ids = rows[at_least], sims[at_least], ids[at_least]
            counts = np.bincount(rows - start, minlength=len(counts))
            limits = np.concatenate([[0], np.cumsum(counts)])
        if counts.max(initial=0) > max_neighbours:
            # within each query, order by descending similarity and keep the first ones
            order = np.lexsort((-sims, rows))
            rank = np.arange(len(rows)) - np.repeat(limits[:-1].astype(np.int64), counts)
            keep = order[rank < max_neighbours]
            rows, sims, ids = rows[keep], sims[keep], ids[keep]
        found.append((rows, ids, sims))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


def _approximate_pairs(
    x: np.ndarray, threshold: float, k: int, max_neighbours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """HNSW over the distinct vectors; a query whose k-th match still reaches the threshold
    asks again for four times as many, up to ``max_neighbours``.

    Identical vectors (the same text, or texts a static model cannot tell apart) are linked to
    one representative instead of being indexed: an HNSW graph full of exact copies loses its
    way, and the leakage check then finds the pairs it missed.
    """
    import faiss

    rep = _identical_groups(x)
    distinct = np.flatnonzero(rep == np.arange(len(x)))
    copies = np.flatnonzero(rep != np.arange(len(x)))
    copy_sims = np.einsum("ij,ij->i", x[copies], x[rep[copies]])
    found = [(copies, rep[copies], copy_sims)]
    graph = faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = 80
    graph.add(x[distinct])
    queries = np.arange(len(distinct))
    while len(queries):
        k = min(k, len(distinct))
        graph.hnsw.efSearch = max(64, 2 * k)
        sims, ids = graph.search(x[distinct[queries]], k)
        hit = (ids >= 0) & (sims >= threshold)
        rows = np.repeat(queries, k).reshape(hit.shape)[hit]
        found.append((distinct[rows], distinct[ids[hit]], sims[hit]))
        saturated = hit[:, -1]
        if k >= min(max_neighbours, len(distinct)) or not saturated.any():
            break
        queries, k = queries[saturated], 4 * k
    rows, ids, sims = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return rows, ids, sims


def _identical_groups(x: np.ndarray) -> np.ndarray:
    """For each vector, the first index holding the very same vector."""
    import polars as pl

    projection = x.astype(np.float64) @ np.random.default_rng(0).normal(size=(x.shape[1], 2))
    frame = pl.DataFrame({"a": projection[:, 0], "b": projection[:, 1]}).with_row_index()
    first = frame.select(pl.col("index").first().over("a", "b"))["index"].to_numpy()
    rep = np.arange(len(x), dtype=np.int64)
    tied = np.flatnonzero(first != rep)
    for start in range(0, len(tied), 65_536):  # a projection tie is not proof; equal vectors are
        block = tied[start : start + 65_536]
        same = np.all(x[block] == x[first[block]], axis=1)
        rep[block[same]] = first[block[same]]
    return rep


def clusters_from_pairs(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """A cluster label per vector: connected components of the pair graph."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def direct_duplicates(
    preference: np.ndarray, i: np.ndarray, j: np.ndarray, sims: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Walk the examples best first; one linked directly to an example already kept is a
    duplicate of the closest such example, any other is kept.

    Returns, per example, the position it duplicates (-1 when kept) and their cosine. Members
    of one connected cluster that are not themselves near-duplicates of a kept member stay:
    a chain a~b~c does not make c a copy of a.
    """
    from scipy.sparse import coo_matrix

    n = len(preference)
    graph = coo_matrix(
        (np.concatenate([sims, sims]), (np.concatenate([i, j]), np.concatenate([j, i]))),
        shape=(n, n),
    ).tocsr()
    starts, neighbours, cosines = graph.indptr, graph.indices, graph.data
    kept = np.zeros(n, dtype=bool)
    duplicate_of = np.full(n, -1, dtype=np.int64)
    cosine = np.zeros(n, dtype=np.float32)
    for at in preference:
        near = neighbours[starts[at] : starts[at + 1]]
        if len(near):
            close = np.where(kept[near], cosines[starts[at] : starts[at + 1]], -np.inf)
            best = int(np.argmax(close))
            if close[best] > -np.inf:
                duplicate_of[at], cosine[at] = near[best], close[best]
                continue
        kept[at] = True
    return duplicate_of, cosine
