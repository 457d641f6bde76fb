"""Topic clusters of example embeddings, for balancing a selection when no meta field says
what an example is about."""

from __future__ import annotations

import numpy as np


def topic_clusters(vectors: np.ndarray, clusters: int, *, seed: int = 0) -> list[str]:
    """A seeded spherical k-means label per row (``topic-00`` ...), at most one per row."""
    count = max(1, min(clusters, vectors.shape[0]))
    if count == 1:
        return ["topic-00"] * vectors.shape[0]
    import faiss

    kmeans = faiss.Kmeans(
        vectors.shape[1], count, niter=25, seed=seed, spherical=True, verbose=False
    )
    # faiss warns below 39 points per centroid; small sets cluster fine for balancing
    kmeans.cp.min_points_per_centroid = 1
    kmeans.train(np.ascontiguousarray(vectors, dtype=np.float32))
    _, labels = kmeans.index.search(np.ascontiguousarray(vectors, dtype=np.float32), 1)
    return [f"topic-{label:02d}" for label in labels[:, 0].tolist()]
