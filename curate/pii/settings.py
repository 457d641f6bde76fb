"""The pii library's settings: entity types, scores, actions, allow-list, pseudonyms."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from curate.pii.analyzer import DEFAULT_MODEL
from curate.pii.anonymize import Action

Role = Literal["system", "user", "assistant", "tool", "function"]
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


class PiiSettings(BaseModel):
    """What to look for, how sure to be, and what to do with each type."""

    model_config = ConfigDict(extra="forbid")

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
    roles: list[Role] = Field(
        default_factory=lambda: ["system", "user", "assistant", "tool"],
        description="turns scanned; tool-call arguments and JSON tool results are scanned "
        "leaf by leaf and stay valid JSON",
    )
    ner_roles: list[Role] = Field(
        default_factory=lambda: ["system", "user", "assistant"],
        description="turns the spaCy model reads; other turns get pattern recognizers only",
    )
    detect_language: bool = Field(
        True, description="detect each turn's language; the NER model reads only its own"
    )
    other_languages: Literal["patterns", "model"] = Field(
        "patterns",
        description="turns in another language: pattern recognizers only, or the model anyway",
    )
    confirm_names: bool = Field(
        True,
        description="confirm one-word or lower-case PERSON hits (name lists, word frequency, "
        "cues like 'my name is') before acting on them",
    )
    person_policy: Literal["all", "private_only"] = Field(
        "all",
        description="private_only: a name is acted on only in an example that also holds "
        "contact data, an account or an identifier (public figures in knowledge Q&A stay)",
    )
    recurring_share: float = Field(
        0.01,
        ge=0,
        le=1,
        description="a model-found span in more than this share of examples is flagged, "
        "not rewritten (a domain word, a product, the assistant's name)",
    )
    recurring_min: int = Field(10, ge=2, description="and in at least this many examples")
    warn_share: float = Field(
        0.2, ge=0, le=1, description="warn when one type changes more than this share of examples"
    )
    consistent: Literal["example", "dataset"] = Field(
        "example", description="pseudonym consistency: within each example, or the whole run"
    )
    seed: int = 0
    cache: bool = Field(
        True, description="keep analyzer hits per text in the workspace: reruns skip NER"
    )
    batch_size: int = Field(64, ge=1)
    workers: int = Field(1, ge=1, description="processes for large batches")
    parallel_from: int = Field(2000, ge=1, description="distinct texts before workers start")

    @model_validator(mode="after")
    def _known_types(self) -> PiiSettings:
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
