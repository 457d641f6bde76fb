"""Embeddings on disk, keyed by model and text hash: a rerun or a new threshold embeds nothing.

``<root>/<model>/shard-NNNNN.npy`` holds vectors and ``shard-NNNNN.keys.parquet`` their keys;
the keys file is written last, so a shard without one is an interrupted write and is ignored.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from curate.io.atomic import atomic_path


def _ignore(_: int) -> None:
    return None


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
        self,
        texts: list[str],
        embed: Callable[[list[str]], np.ndarray],
        dim: int,
        *,
        progress: Callable[[int], None] = _ignore,
        chunk: int = 1024,
        flush_rows: int = 32_768,
        flush_seconds: float = 30.0,
    ) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` in order, and how many had to be embedded now.

        Missing texts are embedded ``chunk`` at a time; finished vectors are written as a shard
        every ``flush_rows`` rows or ``flush_seconds``, so a killed run loses at most that much.
        ``progress`` hears how many of ``texts`` are done, cached ones first.
        """
        keys = [text_key(t) for t in texts]
        wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).with_row_index("at")
        found = wanted.join(self._index().unique("key"), on="key", how="left")
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for (shard,), group in found.filter(pl.col("shard").is_not_null()).group_by("shard"):
            vectors = np.load(self.folder / f"{shard}.npy", mmap_mode="r")
            out[group["at"].to_numpy()] = vectors[group["pos"].to_numpy()]
        if cached := int(found["shard"].is_not_null().sum()):
            progress(cached)
        todo = found.filter(pl.col("shard").is_null())
        missing = todo.unique("key", keep="first", maintain_order=True)
        copies = missing.join(todo.group_by("key").len(), on="key", maintain_order="left")["len"]
        first_at = missing["at"].to_numpy()
        pending: list[int] = []  # positions in ``missing`` embedded but not yet on disk
        last_flush = time.monotonic()
        for start in range(0, missing.height, chunk):
            at = first_at[start : start + chunk]
            out[at] = embed([texts[i] for i in at])
            pending.extend(range(start, start + len(at)))
            if len(pending) >= flush_rows or time.monotonic() - last_flush >= flush_seconds:
                self._append(missing["key"].gather(pending).to_list(), out[first_at[pending]])
                pending, last_flush = [], time.monotonic()
            progress(int(copies.slice(start, len(at)).sum()))
        if pending:
            self._append(missing["key"].gather(pending).to_list(), out[first_at[pending]])
        repeats = todo.join(missing.select("key", first=pl.col("at")), on="key")
        repeats = repeats.filter(pl.col("at") != pl.col("first"))
        if repeats.height:
            out[repeats["at"].to_numpy()] = out[repeats["first"].to_numpy()]
        return out, missing.height

    def _append(self, keys: list[str], vectors: np.ndarray) -> None:
        number = len(list(self.folder.glob("shard-*.keys.parquet")))
        name = f"shard-{number:05d}"
        with atomic_path(self.folder / f"{name}.npy") as tmp, open(tmp, "wb") as handle:
            np.save(handle, vectors)
        with atomic_path(self.folder / f"{name}.keys.parquet") as tmp:
            pl.DataFrame({"key": keys, "pos": range(len(keys))}).write_parquet(tmp)
