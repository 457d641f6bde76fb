"""curate: turn raw fine-tuning data into a vetted, leakage-free train/eval/test set.

``curate.run(rows_or_paths, stages=[...])`` runs a pipeline from Python and returns a
``RunResult`` (``kept``, ``rejected``, ``explain(id)``); ``curate.run_file(path)`` runs a
pipeline file. Stage configs (``curate.ExactDedupConfig`` ...) are importable from here.
Names load on first use, so ``import curate`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "run": "curate.api",
    "run_file": "curate.api",
    "RunResult": "curate.api",
    "Pipeline": "curate.config.pipeline",
    "ExportConfig": "curate.config.pipeline",
    "load_pipeline": "curate.config.pipeline",
    "CurateError": "curate.errors",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    if name.endswith("Config"):  # a stage's config model, by its class name
        from curate.stages import STAGE_CONFIGS

        for config in STAGE_CONFIGS.values():
            if config.__name__ == name:
                return config
    raise AttributeError(f"module 'curate' has no attribute {name!r}")


def __dir__() -> list[str]:
    from curate.stages import STAGE_CONFIGS

    return sorted([*globals(), *_API, *(c.__name__ for c in STAGE_CONFIGS.values())])
