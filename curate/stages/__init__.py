"""The stages a pipeline file can name, keyed by their ``stage`` tag."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from curate.stages.agreement_gate import AgreementGateConfig
from curate.stages.audit_gate import AuditGateConfig
from curate.stages.base import RunContext, Stage, StageConfig, StageResult
from curate.stages.distill import DistillConfig
from curate.stages.exact_dedup import ExactDedupConfig
from curate.stages.json_format import JsonFormatConfig
from curate.stages.judge import JudgeConfig
from curate.stages.pii import PiiConfig
from curate.stages.quality import QualityConfig
from curate.stages.semantic_dedup import SemanticDedupConfig
from curate.stages.split import SplitConfig
from curate.stages.validate import ValidateConfig

StageSpec = Annotated[
    ValidateConfig
    | ExactDedupConfig
    | SemanticDedupConfig
    | PiiConfig
    | QualityConfig
    | JsonFormatConfig
    | SplitConfig
    | AuditGateConfig
    | JudgeConfig
    | DistillConfig
    | AgreementGateConfig,
    Field(discriminator="stage"),
]
STAGE_CONFIGS: dict[str, type[StageConfig]] = {
    cls.model_fields["stage"].default: cls
    for cls in (
        ValidateConfig,
        ExactDedupConfig,
        SemanticDedupConfig,
        PiiConfig,
        QualityConfig,
        JsonFormatConfig,
        SplitConfig,
        AuditGateConfig,
        JudgeConfig,
        DistillConfig,
        AgreementGateConfig,
    )
}

__all__ = ["STAGE_CONFIGS", "RunContext", "Stage", "StageConfig", "StageResult", "StageSpec"]
