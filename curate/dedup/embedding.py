"""Example vectors for near-duplicate search, through the workspace's embedding cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from curate.record import role_text_expr

TextRoles = Literal["user", "assistant", "both"]
TEXT_ROLES: dict[str, tuple[str, ...]] = {
    "user": ("user",),
    "assistant": ("assistant",),
    "both": ("user", "assistant"),
}


@dataclass(frozen=True)
class NearDuplicateSpec:
    """How examples are embedded and how close two must be to count as near-duplicates."""

    model: str | None = None  # a local folder, a cached name, 'static', 'minilm-onnx-int8'
    text: TextRoles = "both"
    threshold: float = 0.92
    batch_size: int = 64

    def embed(
        self,
        frame: pl.DataFrame,
        workspace: Path,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, int]:
        """Unit vectors of the frame's texts (in frame order) and how many were newly
        embedded; the rest come from ``<workspace>/cache/embeddings``."""
        from curate.embed import EmbeddingCache, load_encoder

        texts = frame.select(role_text_expr(TEXT_ROLES[self.text])).to_series().to_list()
        encoder = load_encoder(self.model, batch_size=self.batch_size)
        cache = EmbeddingCache(workspace / "cache" / "embeddings", encoder.model_id)
        chunk = 64 * self.batch_size  # a progress step; length-sorted batching works within it
        return cache.get_or_embed(
            texts, encoder.encode, encoder.dim, progress=progress or (lambda _: None), chunk=chunk
        )
