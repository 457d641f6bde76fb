"""The topic overview's parts without a model: stored vectors read back without writing, and
seeded k-means finding planted topics, each titled by its most central example."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from curate.embed.cache import EmbeddingCache
from curate.runs.cluster_overview import cut, stored_vectors, topic_clusters, topic_count


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_lookup_reads_stored_vectors_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "cache" / "embeddings"
    cache = EmbeddingCache(root, "some-model")
    stored = unit(np.random.default_rng(0).normal(size=(3, 4)))
    cache.get_or_embed(["a", "b", "c"], lambda texts: stored[: len(texts)], 4)
    shards = sorted(p.name for p in cache.folder.iterdir())

    vectors, found = cache.lookup(["c", "x", "a"])
    assert found.tolist() == [True, False, True]
    np.testing.assert_allclose(vectors[[0, 2]], stored[[2, 0]])
    assert not vectors[1].any()
    assert sorted(p.name for p in cache.folder.iterdir()) == shards  # nothing embedded

    picked = stored_vectors(tmp_path, ["x", "b"])
    assert picked is not None and picked[2] == "some-model" and picked[1].tolist() == [False, True]
    assert stored_vectors(tmp_path, ["x", "y"]) is None


def test_kmeans_finds_planted_topics_largest_first_titled_by_their_centre() -> None:
    rng = np.random.default_rng(1)
    centres = np.eye(8)[:3] * 10
    sizes = [30, 20, 10]
    vectors = unit(
        np.vstack(
            [c + rng.normal(scale=0.3, size=(n, 8)) for c, n in zip(centres, sizes, strict=True)]
        )
    )
    titles = [f"topic {t} example {i}" for t, n in enumerate(sizes) for i in range(n)]
    starts = [0, 30, 50]
    # per topic, its three members nearest the topic's mean: a centre title is one of them
    central = [
        set(np.argsort(-(vectors[s : s + n] @ vectors[s : s + n].mean(axis=0)))[:3].tolist())
        for s, n in zip(starts, sizes, strict=True)
    ]

    clusters = topic_clusters(vectors, titles, clusters=3)
    assert [c.size for c in clusters] == sizes
    assert [round(c.share, 3) for c in clusters] == [0.5, 0.333, 0.167]
    assert [c.title.split(" example")[0] for c in clusters] == ["topic 0", "topic 1", "topic 2"]
    picked = [int(c.title.rsplit(" ", 1)[1]) for c in clusters]
    assert all(i in near for i, near in zip(picked, central, strict=True))


def test_topic_count_grows_with_the_set_within_bounds_and_titles_are_cut() -> None:
    assert topic_count(1) == 1
    assert topic_count(16) == 3
    assert topic_count(100_000) == 12
    assert cut("a  long\nprompt " * 20, 20) == "a long prompt a lon…"
    assert len(cut("x" * 100)) == 60
