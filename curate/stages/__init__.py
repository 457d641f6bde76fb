"""The stages a pipeline file can name, derived from the stage registry."""

from __future__ import annotations

import functools
import operator
from typing import Annotated

from pydantic import Field

from curate.stages.base import RunContext, Stage, StageConfig, StageResult
from curate.stages.registry import StageInfo, register_stage, registered_stages

STAGE_CONFIGS: dict[str, type[StageConfig]] = {
    name: info.config for name, info in registered_stages().items()
}
# the discriminated union the pipeline file validates against, one member per stage
StageSpec = Annotated[
    functools.reduce(operator.or_, STAGE_CONFIGS.values()),  # type: ignore[valid-type]
    Field(discriminator="stage"),
]

__all__ = [
    "STAGE_CONFIGS",
    "RunContext",
    "Stage",
    "StageConfig",
    "StageInfo",
    "StageResult",
    "StageSpec",
    "register_stage",
    "registered_stages",
]
