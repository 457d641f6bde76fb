"""The stage registry: each stage declares itself next to its code.

A stage's config class is decorated with ``@register_stage(...)``, naming its reason codes
(meaning, and whether a person's force-keep may rescue a row from them), whether it sends
example text to a remote model, whether it always runs, and whether it rewrites turn text.
The pipeline union, the reason table, the rescue rule, the pii-before-remote guard, ``curate
reasons``, the JSON Schema and README's stage table are all derived from here, so adding a
stage is one module and its tests.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from curate.reasons import Reason, codes

if TYPE_CHECKING:
    from curate.stages.base import StageConfig

C = TypeVar("C", bound="type[StageConfig]")

_REGISTRY: dict[str, StageInfo] = {}
# modules of curate/stages/ that hold no stage
_NOT_STAGES = frozenset({"base", "catalog", "registry", "llm_stage", "overrides"})


@dataclass(frozen=True)
class StageInfo:
    """What the runner, the config and the docs know of a stage."""

    name: str
    config: type[StageConfig]
    reasons: tuple[Reason, ...]
    remote: bool  # sends example text to a remote model (so a pii stage must come first)
    always_runs: bool  # its answer depends on workspace.db, so a finished output is not reused
    rewrites_text: bool = False  # changes turn text, so exact duplicates are checked again after

    @property
    def codes(self) -> frozenset[str]:
        return codes(self.reasons)

    @property
    def rescuable(self) -> frozenset[str]:
        return codes(self.reasons, rescuable_only=True)

    @property
    def summary(self) -> str:
        """The first sentence of the config's docstring."""
        doc = " ".join((self.config.__doc__ or "").split())
        return doc.split(". ")[0].rstrip(".") + "." if doc else ""


def register_stage(
    *,
    reasons: Sequence[Reason] = (),
    remote: bool = False,
    always_runs: bool = False,
    rewrites_text: bool = False,
) -> Callable[[C], C]:
    """Class decorator for a stage's config model (its ``stage`` literal is the name)."""

    def register(config: C) -> C:
        name = config.model_fields["stage"].default
        if name in _REGISTRY and _REGISTRY[name].config is not config:
            raise ValueError(f"two stages are named {name!r}")
        codes = [r.code for r in reasons]
        if len(set(codes)) != len(codes):
            raise ValueError(f"stage {name!r} declares a reason code twice")
        _REGISTRY[name] = StageInfo(
            name, config, tuple(reasons), remote, always_runs, rewrites_text
        )
        return config

    return register


def registered_stages() -> dict[str, StageInfo]:
    """Every stage, by name, in name order (importing the stage modules registers them)."""
    _import_stage_modules()
    return dict(sorted(_REGISTRY.items()))


@functools.cache
def _import_stage_modules() -> None:
    """Import every module of curate/stages/ once; each registers its stage on import."""
    import curate.stages as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_STAGES:
            importlib.import_module(f"{package.__name__}.{module.name}")


def stage_info(name: str) -> StageInfo:
    """The registered stage called ``name``."""
    return registered_stages()[name]
