"""Embeddings on disk, keyed by model and text hash: a rerun or a new threshold embeds nothing.

``<root>/<model>/shard-NNNNN.npy`` holds vectors and ``shard-NNNNN.keys.parquet`` their keys;
the keys file is written last, so a shard without one is an interrupted write and is ignored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from curate.io.atomic import atomic_path


def text_key(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class EmbeddingCache:
    """Look up vectors by text; embed and store only the missing ones."""

    def __init__(self, root: Path, model_id: str) -> None:
        self.folder = root / re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _index(self) -> pl.DataFrame:
        frames = [
            pl.read_parquet(keys).with_columns(shard=pl.lit(keys.name.split(".")[0]))
            for keys in sorted(self.folder.glob("shard-*.keys.parquet"))
        ]
        schema = {"key": pl.String, "pos": pl.Int64, "shard": pl.String}
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    def get_or_embed(
        self, texts: list[str], embed: Callable[[list[str]], np.ndarray], dim: int
    ) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` in order, and how many had to be embedded now."""
        keys = [text_key(t) for t in texts]
        wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).with_row_index("at")
        found = wanted.join(self._index().unique("key"), on="key", how="left")
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for (shard,), group in found.filter(pl.col("shard").is_not_null()).group_by("shard"):
            vectors = np.load(self.folder / f"{shard}.npy", mmap_mode="r")
            out[group["at"].to_numpy()] = vectors[group["pos"].to_numpy()]
        missing = found.filter(pl.col("shard").is_null()).unique("key", maintain_order=True)
        if missing.height:
            fresh = embed([texts[i] for i in missing["at"].to_list()])
            self._append(missing["key"].to_list(), fresh)
            lookup = dict(zip(missing["key"].to_list(), range(missing.height), strict=True))
            rows = found.filter(pl.col("shard").is_null())
            out[rows["at"].to_numpy()] = fresh[[lookup[k] for k in rows["key"].to_list()]]
        return out, missing.height

    def _append(self, keys: list[str], vectors: np.ndarray) -> None:
        number = len(list(self.folder.glob("shard-*.keys.parquet")))
        name = f"shard-{number:05d}"
        with atomic_path(self.folder / f"{name}.npy") as tmp, open(tmp, "wb") as handle:
            np.save(handle, vectors)
        with atomic_path(self.folder / f"{name}.keys.parquet") as tmp:
            pl.DataFrame({"key": keys, "pos": range(len(keys))}).write_parquet(tmp)
