"""Topic clusters of a run's kept examples, from the vectors semantic_dedup left in the
workspace's embedding cache: the largest few, each with a sample prompt and its share.

Nothing is embedded here: a kept row whose text has no stored vector is counted, not
clustered. scikit-learn is imported on first use, so opening a screen never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from curate.dedup.embedding import TEXT_ROLES
from curate.errors import needs_extra
from curate.record import role_text_expr
from curate.runs.manifest import Manifest

TITLE_CHARS = 60
SEED = 0


@dataclass(frozen=True)
class TopicCluster:
    """One k-means cluster: how many kept rows, their share of the kept set, and the first
    user turn of the member nearest the centre."""

    size: int
    share: float
    title: str


@dataclass(frozen=True)
class ClusterOverview:
    """The largest of ``topics`` clusters first; ``clustered`` of ``kept`` rows had a stored
    vector, from the cache folder of ``model``."""

    clusters: list[TopicCluster]
    topics: int
    clustered: int
    kept: int
    model: str


def embedded_text_roles(manifest: Manifest | None) -> tuple[str, ...]:
    """The roles semantic_dedup embedded (its ``text`` setting), as the run's pipeline says."""
    stages = manifest.pipeline.config.get("stages", []) if manifest else []
    for stage in stages:
        if isinstance(stage, dict) and stage.get("stage") == "semantic_dedup":
            return TEXT_ROLES.get(str(stage.get("text", "both")), TEXT_ROLES["both"])
    return TEXT_ROLES["both"]


def stored_vectors(workspace: Path, texts: list[str]) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The vectors of ``texts`` from the embedding model folder that holds the most of
    them: (vectors, found mask, model folder), or None when no folder holds any."""
    from curate.embed.cache import EmbeddingCache

    root = workspace / "cache" / "embeddings"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    best: tuple[np.ndarray, np.ndarray, str] | None = None
    for folder in folders:
        vectors, found = EmbeddingCache(root, folder.name).lookup(texts)
        if found.any() and (best is None or found.sum() > best[1].sum()):
            best = (vectors, found, folder.name)
    return best


def topic_count(rows: int) -> int:
    """How many clusters for ``rows`` examples: about sqrt(rows / 2), from 2 to 12, so a
    small set is not cut into singletons and a large one stays an overview."""
    return max(1, min(rows, max(2, min(12, round((rows / 2) ** 0.5)))))


def topic_clusters(
    vectors: np.ndarray, titles: list[str], *, clusters: int, shown: int = 8
) -> list[TopicCluster]:
    """k-means (seeded MiniBatchKMeans) over unit ``vectors``; the ``shown`` largest clusters,
    each titled by the row nearest its centre. Shares are of all ``vectors`` rows."""
    with needs_extra("embed", "the topic overview"):
        from sklearn.cluster import MiniBatchKMeans

    rows = vectors.shape[0]
    k = max(1, min(clusters, rows))
    model = MiniBatchKMeans(n_clusters=k, random_state=SEED, n_init=3, batch_size=1024)
    labels = model.fit_predict(vectors)
    distances = model.transform(vectors)[np.arange(rows), labels]
    sizes = np.bincount(labels, minlength=k)
    out = []
    for label in np.argsort(-sizes, kind="stable")[:shown]:
        if sizes[label] == 0:
            continue
        members = np.flatnonzero(labels == label)
        nearest = members[np.argmin(distances[members])]
        out.append(TopicCluster(int(sizes[label]), sizes[label] / rows, cut(titles[nearest])))
    return out


def cut(text: str, width: int = TITLE_CHARS) -> str:
    """One line of at most ``width`` characters, an ellipsis where it was cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def cluster_overview(
    workspace: Path, examples: pl.DataFrame, manifest: Manifest | None
) -> ClusterOverview | None:
    """Topic clusters of the kept rows of ``examples`` (load_examples' frame), or None when
    the cache holds no vector for any of them."""
    kept = examples.filter(pl.col("status") == "kept")
    texts = kept.select(role_text_expr(embedded_text_roles(manifest))).to_series().to_list()
    stored = stored_vectors(workspace, texts) if texts else None
    if stored is None:
        return None
    vectors, found, model = stored
    titles = kept["prompt"].filter(pl.Series(found)).to_list()
    topics = topic_count(int(found.sum()))
    clusters = topic_clusters(vectors[found], titles, clusters=topics)
    return ClusterOverview(clusters, topics, int(found.sum()), kept.height, model)
