"""Sentence embeddings: an offline default model, any local path, and a disk cache.

``model: static`` and ``model: minilm-onnx-int8`` select faster encoders built locally from
the default model on first use.
"""

from curate.embed.cache import EmbeddingCache
from curate.embed.encoder import (
    DEFAULT_MODEL,
    FAST_MODES,
    ONNX_INT8_MODEL,
    STATIC_MODEL,
    Encoder,
    available_cores,
    encoder_id,
    load_encoder,
)
from curate.embed.model_cache import model_cache_root

__all__ = [
    "DEFAULT_MODEL",
    "FAST_MODES",
    "ONNX_INT8_MODEL",
    "STATIC_MODEL",
    "EmbeddingCache",
    "Encoder",
    "available_cores",
    "encoder_id",
    "load_encoder",
    "model_cache_root",
]
