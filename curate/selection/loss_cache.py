"""Answer losses on disk, keyed by model and text hash, so a rerun scores nothing.

One Parquet file per model under ``<workspace>/cache/ifd/``, rewritten atomically with the
rows already there (re-read first, so two runs adding losses do not erase each other's).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from curate.io.atomic import atomic_path

SCHEMA = {"key": pl.String, "with_prompt": pl.Float64, "alone": pl.Float64}


class AnswerLossCache:
    """(loss with prompt, loss alone) by text key, for one model."""

    def __init__(self, root: Path, model_id: str) -> None:
        self.path = root / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', model_id)}.parquet"

    def _read(self) -> pl.DataFrame:
        if not self.path.is_file():
            return pl.DataFrame(schema=SCHEMA)
        return pl.read_parquet(self.path)

    def lookup(self, keys: list[str]) -> dict[str, tuple[float, float]]:
        """The cached losses of those keys that have them."""
        found = self._read().filter(pl.col("key").is_in(keys))
        return {k: (a, b) for k, a, b in found.iter_rows()}

    def add(self, losses: dict[str, tuple[float, float]]) -> None:
        """Store new losses beside the ones on disk."""
        if not losses:
            return
        new = pl.DataFrame(
            {
                "key": list(losses),
                "with_prompt": [a for a, _ in losses.values()],
                "alone": [b for _, b in losses.values()],
            },
            schema=SCHEMA,
        )
        merged = pl.concat([self._read(), new]).unique("key", keep="last", maintain_order=True)
        with atomic_path(self.path) as tmp:
            merged.write_parquet(tmp)
