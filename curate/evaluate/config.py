"""The eval file: which run, which models, which task, which variants, how to decode."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from curate.config.reader import explain, read_mapping
from curate.errors import CurateError
from curate.llm.config import LLMConfig
from curate.local_models import DEFAULT_BASE_MODEL

TaskType = Literal["classification", "json", "generation"]
Variant = Literal["prompted", "few_shot", "tuned"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecodingPreset(_Strict):
    """How answers are sampled; greedy when ``do_sample`` is false."""

    do_sample: bool = False
    temperature: float | None = Field(None, gt=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)


# Greedy for anything scored by exact match; the chat preset for free text.
DECODING_PRESETS: dict[str, DecodingPreset] = {
    "greedy": DecodingPreset(),
    "chat": DecodingPreset(do_sample=True, temperature=0.7, top_p=0.9),
}
TASK_PRESET: dict[str, str] = {"classification": "greedy", "json": "greedy", "generation": "chat"}


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
    decoding: str | None = Field(None, description="a preset name; default by task type")
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
    limit: int | None = Field(None, ge=1, description="only the first N test and golden rows")
    out: str | None = Field(None, description="output folder; default <run>/eval")

    @model_validator(mode="after")
    def _known_preset(self) -> Self:
        if self.decoding is not None and self.decoding not in self.presets:
            raise ValueError(f"decoding {self.decoding!r} is not one of {sorted(self.presets)}")
        if not self.variants:
            raise ValueError("variants is empty")
        return self

    def preset(self) -> tuple[str, DecodingPreset]:
        name = self.decoding or TASK_PRESET[self.task.type]
        return name, self.presets[name]

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
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return EvalConfig.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, path, text, CurateError) from None
