"""The eval file: which run, which models, which task, which variants, how to decode."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from curate.config.reader import explain, read_mapping
from curate.errors import CurateError
from curate.evaluate.decoding import DECODING_PRESETS, TASK_PRESET, DecodingPreset, resolve_preset
from curate.llm.config import LLMConfig
from curate.local_models import DEFAULT_BASE_MODEL

TaskType = Literal["classification", "json", "generation"]
Variant = Literal["prompted", "few_shot", "tuned"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecodingOverrides(_Strict):
    """Fields of the chosen decoding preset that the eval file replaces."""

    do_sample: bool | None = None
    temperature: float | None = Field(None, gt=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    min_p: float | None = Field(None, ge=0, le=1)
    repetition_penalty: float | None = Field(None, gt=0, le=3)
    seed: int | None = None


class TaskConfig(_Strict):
    """What an answer is and how it is scored."""

    type: TaskType = "json"
    json_schema: dict[str, Any] | None = Field(
        None, description="json: the schema answers should match (adherence is reported)"
    )
    fields: list[str] = Field(
        default_factory=list, description="json: fields scored by exact match against the gold"
    )
    label_field: str | None = Field(
        None, description="json: the field whose per-class P/R/F1 is reported (default: first)"
    )

    @model_validator(mode="after")
    def _json_options(self) -> Self:
        if self.type != "json" and (self.fields or self.json_schema or self.label_field):
            raise ValueError("json_schema, fields and label_field apply only to type: json")
        if self.label_field and self.label_field not in self.fields:
            raise ValueError(f"label_field {self.label_field!r} is not one of fields")
        return self

    def label(self) -> str | None:
        return self.label_field or (self.fields[0] if self.fields else None)


class JudgeSettings(_Strict):
    """An LLM judge for the pairwise win rate of the tuned model over the prompted one."""

    llm: LLMConfig
    send_unredacted: bool = Field(
        False, description="send the test split to the judge even if the run had no pii stage"
    )
    workspace: str | None = Field(
        None, description="where the call cache (workspace.db) lives; default: the out folder"
    )


class DecisionRule(_Strict):
    """Fine-tuning pays when the tuned model beats the best prompting baseline by at least
    ``min_gain_points`` on the primary metric and the golden set does not regress by more
    than ``max_golden_regression`` (relative to the base model)."""

    min_gain_points: float = Field(5.0, ge=0)
    max_golden_regression: float = Field(0.05, ge=0, le=1)
    min_golden_correct: int = Field(
        30,
        ge=0,
        description="the golden set is judged only when the base gets at least this many rows "
        "right; below it one row is several points of regression",
    )


Perturbation = Literal["typos", "casing", "whitespace", "distractor"]
PERTURBATIONS: tuple[Perturbation, ...] = ("typos", "casing", "whitespace", "distractor")


class AdversarialSettings(_Strict):
    """Hard inputs and perturbed test inputs: does each model keep its answer, in schema?"""

    file: str | None = Field(
        None,
        description="a JSONL of hard inputs as chat rows; a final assistant turn, when present, "
        "is the expected answer",
    )
    perturb: list[Perturbation] = Field(
        default_factory=lambda: list(PERTURBATIONS),
        description="variants of the test inputs to generate (seeded, deterministic)",
    )
    rows: int = Field(50, ge=1, description="perturb the first N test rows")
    distractor: str = Field(
        "Unrelated, but my neighbour says the weather will turn cold next week.",
        description="the sentence the distractor variant appends to the last user turn",
    )


class EvalConfig(_Strict):
    """One evaluation: test split of a curate run, base and tuned models, variants."""

    run: str = Field(description="the run folder; reads export/test.jsonl (and train.jsonl)")
    base_model: str = DEFAULT_BASE_MODEL
    tuned_model: str | None = Field(
        None, description="a merged model folder, an adapter folder, or a train output folder"
    )
    task: TaskConfig = Field(default_factory=TaskConfig)
    variants: list[Variant] = Field(default_factory=lambda: ["prompted", "few_shot", "tuned"])
    few_shot_k: int = Field(3, ge=1, le=32)
    decoding: str | None = Field(
        None, description="a preset name (greedy, qa, chat, creative); default by task type"
    )
    decoding_overrides: DecodingOverrides = Field(
        default_factory=DecodingOverrides,
        description="fields of the chosen preset to replace, e.g. {temperature: 0.3}",
    )
    presets: dict[str, DecodingPreset] = Field(default_factory=lambda: dict(DECODING_PRESETS))
    seed: int = 0
    max_new_tokens: int = Field(64, ge=1, le=4096)
    batch_size: int = Field(8, ge=1)
    threads: int | None = Field(
        None, ge=1, description="torch CPU threads (default: torch's choice); 1 on a busy box"
    )
    golden: str | None = Field(None, description="a JSONL of chat rows the base already handles")
    golden_baseline: Literal["prompted", "few_shot"] = Field(
        "prompted",
        description="how the base model is prompted to find the golden rows it already gets "
        "right (few_shot when the prompted base gets almost none)",
    )
    judge: JudgeSettings | None = None
    decision: DecisionRule = Field(default_factory=DecisionRule)
    adversarial: AdversarialSettings | None = None
    bootstrap_resamples: int = Field(
        2000, ge=100, description="resamples for the 95% intervals (seeded by seed)"
    )
    limit: int | None = Field(None, ge=1, description="only the first N test and golden rows")
    out: str | None = Field(None, description="output folder; default <run>/eval")
    # --- curate advise: why fine-tune, and what kind of task (read by curate/advise/) ---
    motivation: str | None = Field(
        None,
        description="why fine-tune: style_persona, strict_format, distillation, private_domain "
        "or latency_cost (curate advise checks it)",
    )
    task_kind: Literal["style", "classification", "extraction", "format", "distillation"] | None = (
        Field(None, description="the row of the data-size table; default from task.type")
    )
    # --- end curate advise ---

    @model_validator(mode="after")
    def _known_preset(self) -> Self:
        if self.decoding is not None and self.decoding not in self.presets:
            raise ValueError(f"decoding {self.decoding!r} is not one of {sorted(self.presets)}")
        self.preset()  # an override that makes the preset invalid fails here, at the edge
        if not self.variants:
            raise ValueError("variants is empty")
        return self

    def preset(self) -> tuple[str, DecodingPreset]:
        """The preset's name and its fields after the overrides; the eval's ``seed`` is the
        preset's seed unless the overrides name one."""
        name = self.decoding or TASK_PRESET[self.task.type]
        changes = {"seed": self.seed} | self.decoding_overrides.model_dump(exclude_unset=True)
        return name, resolve_preset(name, changes, self.presets)

    def out_dir(self) -> Path:
        return Path(self.out) if self.out else Path(self.run) / "eval"


def load_eval_config(path: Path, **overrides: Any) -> EvalConfig:
    """Read an eval YAML file; relative paths in it are relative to the file's folder.
    ``overrides`` (tuned_model, limit, out) replace what the file says when not None."""
    data, text = read_mapping(path, CurateError, kind="eval file", expected="at least `run:`")
    base = path.resolve().parent
    for key in ("run", "golden", "tuned_model", "base_model"):
        value = data.get(key)
        if isinstance(value, str) and not Path(value).expanduser().is_absolute():
            candidate = Path(os.path.normpath(base / value))
            if key != "base_model" or candidate.exists():
                data[key] = str(candidate)
    adversarial = data.get("adversarial")
    hard = adversarial.get("file") if isinstance(adversarial, dict) else None
    if isinstance(hard, str) and not Path(hard).expanduser().is_absolute():
        adversarial["file"] = str(Path(os.path.normpath(base / hard)))
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return EvalConfig.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, path, text, CurateError) from None
