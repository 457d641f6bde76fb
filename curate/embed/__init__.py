"""Sentence embeddings: an offline default model, any local path, and a disk cache."""

from curate.embed.cache import EmbeddingCache
from curate.embed.encoder import DEFAULT_MODEL, Encoder, load_encoder

__all__ = ["DEFAULT_MODEL", "EmbeddingCache", "Encoder", "load_encoder"]
