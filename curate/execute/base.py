"""The executor contract: chunks of rows in, the same rows out, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import polars as pl

# A module-level function (its settings bound with functools.partial, so it pickles) from a
# chunk of rows to one output row per input row, in the same order.
RowFunction = Callable[[pl.DataFrame], pl.DataFrame]


class Executor(Protocol):
    """Runs a row-wise function over a frame, chunk by chunk."""

    name: str

    def map_batches(
        self,
        fn: RowFunction,
        frame: pl.DataFrame,
        *,
        rows_per_batch: int,
        progress: Callable[[int], None],
    ) -> pl.DataFrame: ...

    def close(self) -> None: ...


def check_chunk(fn: RowFunction, chunk: pl.DataFrame, out: pl.DataFrame) -> pl.DataFrame:
    """``out``, after checking that ``fn`` kept one row per input row: anything else is a bug
    in the function and would misalign every later row."""
    if out.height != chunk.height:
        raise AssertionError(
            f"{getattr(fn, '__name__', fn)!r} returned {out.height} rows for {chunk.height}"
        )
    return out
