"""``model: static``: a model2vec static model distilled locally from the offline MiniLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from curate.embed.model_cache import broken_model_error, built_model
from curate.errors import CurateError

PCA_DIMS = 256
MODEL_ID = f"static-minilm-pca{PCA_DIMS}"


class StaticBackend:
    """Token-embedding lookups and mean pooling: no transformer at encode time."""

    def __init__(self, folder: Path) -> None:
        from model2vec import StaticModel

        try:
            self.model = StaticModel.from_pretrained(str(folder))
        except Exception as exc:  # model2vec raises many kinds for a bad folder
            raise broken_model_error(MODEL_ID, folder, exc) from None
        self.dim = int(self.model.dim)

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        """L2-normalised float32 vectors, ``(len(texts), dim)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=max(batch_size, 1024), use_multiprocessing=False
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))


def load_static(minilm_path: str) -> StaticBackend:
    """Distil the static model once (about a minute on 2 cores), then load it."""
    try:
        import model2vec  # noqa: F401
    except ImportError:
        raise CurateError(
            "model: static needs model2vec",
            field="model",
            hint='pip install model2vec "skeletoken<0.7"',
        ) from None
    params = {"model_id": MODEL_ID, "source": "all-MiniLM-L6-v2", "pca_dims": PCA_DIMS}

    def build(tmp: Path) -> None:
        from model2vec.distill import distill

        distill(model_name=minilm_path, pca_dims=PCA_DIMS, device="cpu").save_pretrained(str(tmp))

    return StaticBackend(built_model(MODEL_ID, params, build))
