"""Embedding as a row-wise function, so an encoder's work can run on any executor.

``encode_on(ctx, model, batch_size)`` has the signature of ``Encoder.encode`` (texts in,
unit vectors out, in order), for the embedding cache's ``get_or_embed``: the cache stays in
the run's process (it reads and writes the workspace), only the encoding travels.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from curate.stages.base import RunContext


def vectors_of_texts(model: str | None, batch_size: int, chunk: pl.DataFrame) -> pl.DataFrame:
    """Per ``text``: its unit vector (the encoder is loaded once per worker process)."""
    from curate.embed import load_encoder

    encoder = load_encoder(model, batch_size=batch_size)
    vectors = encoder.encode(chunk["text"].to_list())
    schema = {"vector": pl.Array(pl.Float32, encoder.dim)}
    return pl.DataFrame({"vector": vectors}, schema=schema)


def encode_on(
    ctx: RunContext, model: str | None, batch_size: int
) -> Callable[[list[str]], np.ndarray]:
    """``texts -> vectors`` through the run's executor; progress stays with the caller."""
    fn = partial(vectors_of_texts, model, batch_size)

    def encode(texts: list[str]) -> np.ndarray:
        frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
        out = ctx.map_batches(fn, frame, rows_per_batch=batch_size * 4, progress=_ignore)
        return np.ascontiguousarray(out["vector"].to_numpy(), dtype=np.float32)

    return encode


def _ignore(_: int) -> None:
    return None
