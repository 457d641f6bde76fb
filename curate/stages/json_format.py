"""json_format: the last assistant turn must be a JSON value, optionally matching a schema."""

from __future__ import annotations

from typing import Any, Literal

import orjson
import polars as pl
from pydantic import Field, field_validator

from curate.formats.json_schema import schema_mismatch, schema_problem
from curate.reasons import Reason
from curate.record import conversation_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage


@register_stage(
    reasons=(
        Reason("format.invalid_json", "The last assistant turn is not valid JSON."),
        Reason(
            "format.schema_mismatch",
            "The last assistant turn is JSON but does not match the schema.",
        ),
    )
)
class JsonFormatConfig(StageConfig):
    """For tasks whose answer is JSON (extraction, routing, function arguments)."""

    stage: Literal["json_format"] = "json_format"
    json_schema: dict[str, Any] | None = Field(
        None,
        description="a JSON Schema the answer must match (type, required, properties, enum, "
        "additionalProperties ...); without it, any valid JSON passes",
    )

    @field_validator("json_schema")
    @classmethod
    def _schema_is_valid(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            problem = schema_problem(value)
            if problem:
                raise ValueError(f"not a valid JSON Schema: {problem}")
        return value

    def build(self) -> JsonFormat:
        return JsonFormat(self)


class JsonFormat:
    """Rejects answers that do not parse (``format.invalid_json``) and, given a schema, those
    that parse but break it (``format.schema_mismatch``); the detail quotes the problem."""

    name = "json_format"

    def __init__(self, config: JsonFormatConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        answers = batch.select(
            conversation_expr()
            .list.filter(pl.element().struct.field("role") == "assistant")
            .list.last()
            .struct.field("content")
        ).to_series()
        reasons, details = [], []
        for source, answer in zip(batch["source"], answers, strict=True):
            reason, problem = check_answer(answer, self.config.json_schema)
            reasons.append(reason)
            details.append(f"{source}: {problem}" if problem else None)
        frame = batch.with_columns(
            pl.Series("_reason", reasons, pl.String), pl.Series("_detail", details, pl.String)
        )
        kept, rejected = partition(frame, pl.col("_reason"), pl.col("_detail"))
        kept, rejected = kept.drop("_reason", "_detail"), rejected.drop("_reason", "_detail")
        metrics = {
            "checked": batch.height,
            "invalid_json": reasons.count("format.invalid_json"),
            "schema_mismatch": reasons.count("format.schema_mismatch"),
        }
        return StageResult(kept, rejected, metrics)


def check_answer(answer: str | None, schema: dict[str, Any] | None) -> tuple[str | None, str]:
    """(reason code or None, human problem) for one answer."""
    if answer is None:
        return "format.invalid_json", "there is no assistant answer"
    try:
        value = orjson.loads(answer)
    except orjson.JSONDecodeError as exc:
        return "format.invalid_json", f"the answer is not valid JSON ({exc}): {answer[:60]!r}"
    if schema is not None:
        problem = schema_mismatch(value, schema)
        if problem:
            return "format.schema_mismatch", f"the answer breaks the schema: {problem}"
    return None, ""
