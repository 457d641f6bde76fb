"""LoRA / QLoRA fine-tuning on a curated export (needs the ``train`` extra).

    from curate.train import load_train_config, train
    result = train(load_train_config(Path("pipelines/train_smollm2.yaml")))
    result.merged, result.best_eval_loss

The config module imports no ML library, so schemas and config checks work without the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curate.train.config import TrainConfig, load_train_config

if TYPE_CHECKING:
    from curate.train.api import TrainResult, train

__all__ = ["TrainConfig", "TrainResult", "load_train_config", "train"]


def __getattr__(name: str) -> Any:
    if name in ("train", "TrainResult"):
        from curate.train import api

        return getattr(api, name)
    raise AttributeError(name)
