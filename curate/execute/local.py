"""The local executor: chunks run one after another in this process."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from curate.execute.base import RowFunction, check_chunk


class LocalExecutor:
    """In-process, chunk by chunk, advancing the progress bar after each chunk."""

    name = "local"

    def map_batches(
        self,
        fn: RowFunction,
        frame: pl.DataFrame,
        *,
        rows_per_batch: int,
        progress: Callable[[int], None],
    ) -> pl.DataFrame:
        size = max(1, rows_per_batch)
        parts = []
        for start in range(0, max(frame.height, 1), size):
            chunk = frame.slice(start, size)
            parts.append(check_chunk(fn, chunk, fn(chunk)))
            progress(chunk.height)
        return pl.concat(parts, how="vertical")

    def close(self) -> None:
        return None
