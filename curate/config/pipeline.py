"""The pipeline file: typed models, and a loader whose errors name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from curate.config.reader import dotted, explain, read_mapping
from curate.config.stage_rules import teacher_judges_itself, unredacted_remote_stage
from curate.errors import PipelineError
from curate.execute import ExecutorConfig
from curate.formats.convert import ExportFormat, Format
from curate.stages import STAGE_CONFIGS, StageSpec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputConfig(_Strict):
    """A data file or save_to_disk folder; relative paths are relative to the pipeline file."""

    path: str
    format: Format | None = Field(None, description="skip detection and read rows as this format")


class ExportConfig(_Strict):
    """What the run writes under ``export/``."""

    format: ExportFormat = Field(
        "chat",
        description="chat, alpaca, sharegpt, preference, or openai (the fine-tuning upload "
        "as is; curate_id, source and meta go to <split>.ids.jsonl beside it)",
    )
    hf_dataset: bool = Field(False, description="also write a Hugging Face DatasetDict folder")
    include_id: bool = Field(True, description="write curate's content id as `curate_id`")
    include_meta: bool = Field(True, description="write the source row's other fields back")


class Pipeline(_Strict):
    """A pipeline: inputs, stages in order, and the export."""

    name: str = "pipeline"
    workspace: str = Field(".", description="folder holding runs/; relative to this file")
    strict: bool = Field(False, description="stop at the first unparseable row")
    inputs: list[InputConfig] = Field(min_length=1)
    stages: list[StageSpec] = Field(default_factory=list)
    export: ExportConfig = Field(default_factory=ExportConfig)
    executor: ExecutorConfig = Field(
        default_factory=ExecutorConfig,
        description="where row-wise stage work runs: local, ray, or "
        "{kind: ray, address: ..., num_cpus: ...}; outputs are the same either way",
    )

    @field_validator("executor", mode="before")
    @classmethod
    def _executor_shorthand(cls, value: Any) -> Any:
        """Accept ``executor: ray`` for ``executor: {kind: ray}``."""
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("inputs", mode="before")
    @classmethod
    def _paths_as_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"path": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("stages", mode="before")
    @classmethod
    def _stage_shorthand(cls, value: Any) -> Any:
        """Accept ``- validate`` and ``- quality: {min_assistant_chars: 10}``."""
        if not isinstance(value, list):
            return value
        expanded = []
        for item in value:
            if isinstance(item, str):
                item = {"stage": item}
            elif isinstance(item, dict) and "stage" not in item and len(item) == 1:
                ((tag, options),) = item.items()
                item = {"stage": tag, **(options or {})}
            expanded.append(item)
        return expanded

    @field_validator("stages", mode="after")
    @classmethod
    def _llm_stage_rules(cls, value: list[Any]) -> list[Any]:
        """LLM stages see redacted text, and a teacher never judges its own answers."""
        problem = unredacted_remote_stage(value)
        if problem:
            raise PydanticCustomError("unredacted_llm_stage", problem)
        problem = teacher_judges_itself(value)
        if problem:
            raise PydanticCustomError("teacher_judges_itself", problem)
        return value


def load_pipeline(path: Path) -> Pipeline:
    """Read and validate a pipeline file; every problem names the file, line and field."""
    data, text = read_mapping(
        path, PipelineError, kind="pipeline file", expected="`inputs:` and `stages:`"
    )
    try:
        return Pipeline.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, path, text, PipelineError, _unknown_stage) from None


def _unknown_stage(first: ErrorDetails) -> tuple[str, str] | None:
    if first["type"] != "union_tag_invalid":
        return None
    tag = first.get("ctx", {}).get("tag")
    message = f"unknown stage '{tag}'; known stages: {', '.join(STAGE_CONFIGS)}"
    return message, dotted(first["loc"]) + ".stage"
