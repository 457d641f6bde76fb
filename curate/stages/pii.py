"""pii: find personal data and secrets with Presidio (+ curate's recognizers), then act on them.

Per entity type: ``redact`` (typed placeholder), ``pseudonymize`` (consistent fake values),
``drop`` (reject the example, reason ``pii.dropped``) or ``flag`` (keep, mark for review).
Every kept row gets a ``pii`` list of its findings; human span decisions apply every run.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from curate.pii.analyzer import DEFAULT_MODEL
from curate.pii.anonymize import Action
from curate.stages.base import RunContext, StageConfig, StageResult

Role = Literal["system", "user", "assistant"]
DEFAULT_ENTITIES = [
    "PERSON",
    "LOCATION",
    "STREET_ADDRESS",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "API_KEY",
    "PRIVATE_KEY",
    "PASSWORD",
]


class PiiConfig(StageConfig):
    """Presidio analysis with per-entity thresholds and actions, an allow-list, and pseudonyms."""

    stage: Literal["pii"] = "pii"
    language: str = "en"
    model: str = Field(DEFAULT_MODEL, description="installed spaCy package or model folder")
    entities: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ENTITIES), min_length=1, description="types to find"
    )
    score_threshold: float = Field(0.35, ge=0, le=1, description="minimum score, every type")
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="minimum score per type, over score_threshold"
    )
    default_action: Action = "redact"
    actions: dict[str, Action] = Field(
        default_factory=lambda: {"LOCATION": "flag", "URL": "flag"},
        description="action per type; the others take default_action",
    )
    allow_list: list[str] = Field(
        default_factory=list, description="never PII (product names, the assistant's name)"
    )
    roles: list[Role] = Field(default_factory=lambda: ["system", "user", "assistant"])
    ner_roles: list[Role] = Field(
        default_factory=lambda: ["system", "user", "assistant"],
        description="turns the spaCy model reads; other turns get pattern recognizers only",
    )
    consistent: Literal["example", "dataset"] = Field(
        "example", description="pseudonym consistency: within each example, or the whole run"
    )
    seed: int = 0
    batch_size: int = Field(64, ge=1)
    workers: int = Field(1, ge=1, description="processes for large batches")
    parallel_from: int = Field(2000, ge=1, description="distinct texts before workers start")

    @model_validator(mode="after")
    def _known_types(self) -> PiiConfig:
        for name, table in (("actions", self.actions), ("thresholds", self.thresholds)):
            if name not in self.model_fields_set:
                continue  # the defaults name types a narrower entity list may leave out
            unknown = sorted(set(table) - set(self.entities))
            if unknown:
                raise ValueError(f"{name} names types not in entities: {', '.join(unknown)}")
        for score in self.thresholds.values():
            if not 0 <= score <= 1:
                raise ValueError(f"thresholds must lie in [0, 1], not {score}")
        return self

    def action_for(self, entity: str) -> Action:
        return self.actions.get(entity, self.default_action)

    def threshold_for(self, entity: str) -> float:
        return self.thresholds.get(entity, self.score_threshold)

    def build(self) -> PiiStage:
        return PiiStage(self)


class PiiStage:
    """Batch analysis over distinct turn texts, then per-example decisions and actions."""

    name = "pii"

    def __init__(self, config: PiiConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        from curate.pii.apply import apply_findings
        from curate.pii.scan import scan_batch

        decisions = None
        if ctx.decisions is not None:
            from curate.pii.decisions import PiiDecisions

            decisions = PiiDecisions(ctx.decisions).standing(batch["id"].to_list())
        scan = scan_batch(batch, self.config, decisions or {}, log=ctx.log, progress=ctx.progress)
        return apply_findings(batch, scan, self.config)
