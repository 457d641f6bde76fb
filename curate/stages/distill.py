"""distill: a pinned teacher model writes the final assistant turn of each example.

The example keeps its ``id`` (the id of its source content), so human decisions made on it
keep applying; the replaced answer is kept in ``distill_original``. Preference pairs and
examples that do not end on an assistant turn pass through unchanged. A judge that audits
the distilled data must be another model: the pipeline file refuses the teacher as judge.
Error rows (refused or still-malformed teacher calls) are asked again on the next run; rows
a budget stop leaves unasked keep their answer (``distill_status = "not_distilled"``) or,
with ``on_budget_stop: hold_back``, are rejected as ``distill.not_distilled``.
"""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from curate.llm.calls import Outcome
from curate.llm.provider import Provider, Request
from curate.llm.rubric import tool_schema
from curate.reasons import Reason
from curate.record import MESSAGES_DTYPE
from curate.stages.base import RunContext, StageResult, no_rejections, partition
from curate.stages.llm_stage import (
    LLMStageConfig,
    ask_cached,
    budget_notice,
    call_metrics,
    model_id,
    skip_notice,
    unanswered_metrics,
)
from curate.stages.registry import register_stage

ANSWER_TOOL = "record_answer"
TEACHER_PROMPT = (
    "You write the assistant's reply in conversations used to fine-tune a chat assistant. "
    "Reply as the best assistant would: correct, complete and helpful, in the user's "
    "language and register, following the conversation's own system prompt if it has one. "
    "Give the reply only by calling the record_answer tool."
)
DISTILL_COLUMNS: dict[str, pl.DataType] = {
    "distill_status": pl.String(),  # distilled | error | not_distilled | not_applicable | skipped
    "distill_model": pl.String(),  # provider:model of the teacher, pinned
    "distill_original": pl.String(),  # the assistant turn the teacher's answer replaced
}


class TeacherAnswer(BaseModel):
    """The teacher's reply."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, description="the assistant's next turn, as plain text")


@register_stage(
    reasons=(
        Reason(
            "distill.error",
            "The API refused the teacher request, or its answers stayed malformed.",
            rescuable=True,
        ),
        Reason(
            "distill.not_distilled",
            "The budget ran out before the teacher answered (on_budget_stop: hold_back).",
            rescuable=True,
        ),
    ),
    remote=True,
    rewrites_text=True,
)
class DistillConfig(LLMStageConfig):
    """Replace each example's last assistant turn with a pinned teacher model's answer."""

    stage: Literal["distill"] = "distill"
    instructions: str = Field(TEACHER_PROMPT, min_length=10, description="the teacher's brief")
    on_error: Literal["reject", "keep"] = Field(
        "reject",
        description="a call that failed for good: reject as distill.error, or keep the "
        "original answer, flagged",
    )

    def build(self) -> Distill:
        return Distill(self, *self.provider())


class Distill:
    """Asks the teacher once per distinct conversation prefix (cached in workspace.db)."""

    name = "distill"

    def __init__(self, config: DistillConfig, provider: Provider, problem: str | None) -> None:
        self.config = config
        self.provider = provider
        self.problem = problem

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        if self.problem is not None:
            skip_notice(self.name, self.problem, batch, ctx.log)
            kept = batch.with_columns(
                pl.lit("skipped").alias("distill_status"),
                pl.lit(None, pl.String).alias("distill_model"),
                pl.lit(None, pl.String).alias("distill_original"),
            )
            return StageResult(kept, no_rejections(kept), {"skipped": self.problem})
        rows = batch.select("row", "messages", "chosen").to_dicts()
        requests = {str(r["row"]): self._request(r["messages"]) for r in rows if _applicable(r)}
        outcomes, stats = ask_cached(self.name, self.provider, requests, TeacherAnswer, ctx)
        frame = self._rewrite(batch, rows, outcomes)
        kept, rejected = partition(
            frame,
            pl.col("_reason"),
            pl.format("{}: {}", pl.col("source"), pl.col("_error")),
        )
        kept, rejected = kept.drop("_reason", "_error"), rejected.drop("_reason", "_error")
        metrics = call_metrics(self.provider, stats)
        metrics["not_distilled"] = stats.not_asked
        metrics["distilled"] = int((kept["distill_status"] == "distilled").sum())
        metrics["not_applicable"] = batch.height - len(requests)
        metrics.update(unanswered_metrics(self.config, batch, outcomes, "not_distilled"))
        stopped = budget_notice(
            self.name, self.provider, stats, "not_distilled", ctx.log, self.config.on_budget_stop
        )
        if stopped:
            metrics["stopped"] = stopped
        return StageResult(kept, rejected, metrics)

    def _request(self, messages: list[dict[str, str]]) -> Request:
        turns = "\n\n".join(f"<{t['role']}>\n{t['content']}\n</{t['role']}>" for t in messages[:-1])
        user = f"Write the next assistant turn.\n\n<conversation>\n{turns}\n</conversation>"
        llm = self.config.llm
        schema = tool_schema(TeacherAnswer)
        return Request(
            self.config.instructions, user, schema, ANSWER_TOOL, llm.max_tokens, llm.temperature
        )

    def _rewrite(
        self, batch: pl.DataFrame, rows: list[dict[str, Any]], outcomes: dict[str, Outcome]
    ) -> pl.DataFrame:
        teacher = model_id(self.provider)
        messages, status, original, reason, error = [], [], [], [], []
        for r in rows:
            outcome = outcomes.get(str(r["row"]))
            turns = r["messages"]
            state, before, why, problem = "not_applicable", None, None, None
            if outcome is not None and outcome.status == "answered":
                state, before = "distilled", turns[-1]["content"]
                turns = [*turns[:-1], {"role": "assistant", "content": outcome.value.answer}]
            elif outcome is not None and outcome.status == "failed":
                state, problem = "error", f"the teacher call failed: {outcome.error}"
                why = "distill.error" if self.config.on_error == "reject" else None
            elif outcome is not None:
                state = "not_distilled"
                if self.config.on_budget_stop == "hold_back":
                    why = "distill.not_distilled"
                    problem = (
                        f"not distilled: budget_usd {self.config.llm.budget_usd} ran out first"
                    )
            messages.append(turns)
            status.append(state)
            original.append(before)
            reason.append(why)
            error.append(problem)
        return batch.with_columns(
            pl.Series("messages", messages, dtype=MESSAGES_DTYPE),
            pl.Series("distill_status", status, dtype=pl.String),
            pl.Series("distill_model", [teacher] * len(rows), dtype=pl.String),
            pl.Series("distill_original", original, dtype=pl.String),
            pl.Series("_reason", reason, dtype=pl.String),
            pl.Series("_error", error, dtype=pl.String),
        )


def _applicable(row: dict[str, Any]) -> bool:
    """Chat examples that end on an assistant turn; preference pairs keep their answers."""
    turns = row["messages"] or []
    return row["chosen"] is None and len(turns) >= 2 and turns[-1]["role"] == "assistant"
