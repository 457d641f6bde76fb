"""Embeddings on disk, keyed by model and text hash: a rerun or a new threshold embeds nothing.

``<root>/<model>/shard-<name>.npy`` holds vectors and ``shard-<name>.keys.parquet`` their keys;
the keys file is written last, so a shard without one is an interrupted write and is ignored.
A shard's name is its write time plus the writer's pid and a random token, never a count of
the shards already there: two runs writing at once must not write (and pair) the same name.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
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

    def get_or_embed(
        self,
        texts: list[str],
        embed: Callable[[list[str]], np.ndarray],
        dim: int | None = None,
        *,
        progress: Callable[[int], None] = _ignore,
        chunk: int = 1024,
        flush_rows: int = 32_768,
        flush_seconds: float = 30.0,
    ) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` in order, and how many had to be embedded now.

        Missing texts are embedded at most ``chunk`` at a time, in calls sized from the
        measured speed so that one call takes a fraction of ``flush_seconds``; finished vectors
        are written as a shard every ``flush_rows`` rows and before ``flush_seconds`` have
        passed, so a killed run loses at most that much. ``progress`` hears how many of
        ``texts`` are done, cached ones first. ``dim`` may be left out: it is read from the
        stored vectors, or from the first call, so ``embed`` can load its model lazily and a
        fully cached call never loads it.
        """
        keys = [text_key(t) for t in texts]
        wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).with_row_index("at")
        found = wanted.join(self._index().unique("key"), on="key", how="left")
        out = np.zeros((len(texts), dim or 0), dtype=np.float32)
        for (shard,), group in found.filter(pl.col("shard").is_not_null()).group_by("shard"):
            vectors = np.load(self.folder / f"{shard}.npy", mmap_mode="r")
            if out.shape[1] == 0:  # dim not given: the stored vectors say
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[group["at"].to_numpy()] = vectors[group["pos"].to_numpy()]
        if cached := int(found["shard"].is_not_null().sum()):
            progress(cached)
        todo = found.filter(pl.col("shard").is_null())
        missing = todo.unique("key", keep="first", maintain_order=True)
        copies = missing.join(todo.group_by("key").len(), on="key", maintain_order="left")["len"]
        first_at = missing["at"].to_numpy()
        pending: list[int] = []  # positions in ``missing`` embedded but not yet on disk
        pace = _Pace(chunk, flush_seconds)
        start = 0
        while start < missing.height:
            at = first_at[start : start + pace.next_call()]
            began = time.monotonic()
            vectors = embed([texts[i] for i in at])
            if out.shape[1] == 0:  # dim not given and nothing cached: the model says
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[at] = vectors
            pace.measured(len(at), time.monotonic() - began)
            pending.extend(range(start, start + len(at)))
            start += len(at)
            if len(pending) >= flush_rows or pace.flush_due():
                self._append(missing["key"].gather(pending).to_list(), out[first_at[pending]])
                pending = []
                pace.flushed()
            progress(int(copies.slice(start - len(at), len(at)).sum()))
        if pending:
            self._append(missing["key"].gather(pending).to_list(), out[first_at[pending]])
        repeats = todo.join(missing.select("key", first=pl.col("at")), on="key")
        repeats = repeats.filter(pl.col("at") != pl.col("first"))
        if repeats.height:
            out[repeats["at"].to_numpy()] = out[repeats["first"].to_numpy()]
        return out, missing.height

    def lookup(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Stored vectors for ``texts`` in order (zero rows where none is stored) and which
        were found; reads only, so a viewer can use what a run embedded. (0, 0) with none."""
        keys = [text_key(t) for t in texts]
        wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).with_row_index("at")
        found = wanted.join(self._index().unique("key"), on="key", how="left")
        hits = found.filter(pl.col("shard").is_not_null())
        if not hits.height:
            return np.zeros((0, 0), dtype=np.float32), np.zeros(len(texts), dtype=bool)
        out: np.ndarray | None = None
        for (shard,), group in hits.group_by("shard"):
            vectors = np.load(self.folder / f"{shard}.npy", mmap_mode="r")
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[group["at"].to_numpy()] = vectors[group["pos"].to_numpy()]
        assert out is not None
        return out, found["shard"].is_not_null().to_numpy()

    def _index(self) -> pl.DataFrame:
        """Every stored key with its shard and row; a shard whose vectors do not match its
        keys (a foreign or torn file) is left out, so it is embedded again, never misread."""
        frames = []
        for keys_file in sorted(self.folder.glob("shard-*.keys.parquet")):
            shard = keys_file.name.split(".")[0]
            try:
                keys = pl.read_parquet(keys_file, columns=["key", "pos"])
                rows = np.load(self.folder / f"{shard}.npy", mmap_mode="r").shape[0]
            except (OSError, ValueError, pl.exceptions.PolarsError):
                continue
            if keys.height != rows or not keys["pos"].equals(pl.Series("pos", range(rows))):
                continue
            frames.append(keys.with_columns(pos=pl.col("pos").cast(pl.Int64), shard=pl.lit(shard)))
        schema = {"key": pl.String, "pos": pl.Int64, "shard": pl.String}
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    def _append(self, keys: list[str], vectors: np.ndarray) -> None:
        name = f"shard-{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        with atomic_path(self.folder / f"{name}.npy") as tmp, open(tmp, "wb") as handle:
            np.save(handle, vectors)
        with atomic_path(self.folder / f"{name}.keys.parquet") as tmp:
            pl.DataFrame({"key": keys, "pos": range(len(keys))}).write_parquet(tmp)


class _Pace:
    """Sizes embedding calls from the measured speed and says when a time flush is due.

    A call cannot be flushed part-way, so each is kept to a quarter of ``flush_seconds`` and a
    flush happens early when the next call would end past the deadline.
    """

    FIRST_CALL = 64  # texts, before the speed is known

    def __init__(self, chunk: int, flush_seconds: float) -> None:
        self.chunk = max(1, chunk)
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()
        self.per_text: float | None = None  # seconds, from the last call

    def next_call(self) -> int:
        if self.per_text is None:
            return min(self.chunk, self.FIRST_CALL)
        fits = int(self.flush_seconds / 4 / max(self.per_text, 1e-9))
        return max(1, min(self.chunk, fits))

    def measured(self, texts: int, seconds: float) -> None:
        self.per_text = seconds / max(texts, 1)

    def flush_due(self) -> bool:
        next_call = self.next_call() * (self.per_text or 0.0)
        return time.monotonic() - self.last_flush + next_call >= self.flush_seconds

    def flushed(self) -> None:
        self.last_flush = time.monotonic()
