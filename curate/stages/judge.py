"""judge: an LLM audits every example against a rubric; BAD verdicts are rejected with the
judge's rationale, kept rows carry their verdict and scores.

Unjudged rows are never guessed. A request the API refuses (400) or an answer still
malformed after its re-asks is rejected as ``judge.error`` (or kept and flagged with
``on_error: keep``). A failure of the service (429/529/5xx retries spent, no connection, a
bad key) stops the run instead: the finished answers are cached, and the rerun asks only
the rest. Errors are not answers: a judge output with error rows is never reused, so the
next run asks those rows again (the cache answers the rest), and the run exits non-zero
while they exceed ``max_error_share``. Rows left when ``budget_usd`` runs out are kept with
``judge_status = "not_judged"`` and named in report.md, or with ``on_budget_stop:
hold_back`` rejected as ``judge.not_judged``; with no key or server the stage is skipped and
keeps every row with ``judge_status = "skipped"``.
"""

from __future__ import annotations

from typing import Any, Literal, Self

import orjson
import polars as pl
from pydantic import Field, model_validator

from curate.llm.calls import CallStats, Outcome
from curate.llm.provider import Provider, Request
from curate.llm.rubric import (
    DEFAULT_CRITERIA,
    VERDICT_TOOL,
    Criterion,
    VerdictBase,
    system_prompt,
    tool_schema,
    transcript,
    verdict_model,
)
from curate.reasons import Reason
from curate.record import conversation_expr
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

JUDGE_COLUMNS: dict[str, pl.DataType] = {
    "judge_status": pl.String(),  # judged | error | not_judged | skipped
    "judge_verdict": pl.String(),  # GOOD | BAD
    "judge_score": pl.Float64(),  # mean of the criterion scores, 1-5
    "judge_scores": pl.String(),  # JSON: criterion -> score
    "judge_rationale": pl.String(),
    "judge_model": pl.String(),  # provider:model, pinned
}


@register_stage(
    reasons=(
        Reason(
            "judge.bad",
            "The LLM judge's verdict is BAD; its scores and rationale are in the detail.",
            rescuable=True,
        ),
        Reason(
            "judge.low_score",
            "The judge said GOOD, but a score is below min_score or min_mean_score.",
            rescuable=True,
        ),
        Reason(
            "judge.error",
            "The API refused the judge request, or its answers stayed malformed.",
            rescuable=True,
        ),
        Reason(
            "judge.not_judged",
            "The budget ran out before the judge saw the example (on_budget_stop: hold_back).",
            rescuable=True,
        ),
    ),
    remote=True,
)
class JudgeConfig(LLMStageConfig):
    """LLM-as-judge: a verdict, 1-5 scores per criterion and a rationale for every example."""

    stage: Literal["judge"] = "judge"
    criteria: list[Criterion] = Field(
        default_factory=list, description="criteria scored besides the default three"
    )
    default_criteria: bool = Field(
        True, description="score factual_correctness, format_integrity and helpfulness"
    )
    instructions: str = Field("", description="extra rubric text (domain, house style)")
    min_score: int = Field(
        1, ge=1, le=5, description="reject (judge.low_score) a GOOD example scoring below this"
    )
    min_mean_score: float | None = Field(
        None, ge=1, le=5, description="reject (judge.low_score) below this mean score"
    )
    on_error: Literal["reject", "keep"] = Field(
        "reject", description="a call that failed for good: reject as judge.error, or keep flagged"
    )

    @model_validator(mode="after")
    def _has_criteria(self) -> Self:
        names = [c.name for c in self.all_criteria()]
        if not names:
            raise ValueError("no criteria: keep default_criteria or add criteria")
        if len(set(names)) != len(names):
            raise ValueError(f"criteria repeat a name: {', '.join(names)}")
        return self

    def all_criteria(self) -> list[Criterion]:
        return [*(DEFAULT_CRITERIA if self.default_criteria else ()), *self.criteria]

    def build(self) -> Judge:
        return Judge(self, *self.provider())


class Judge:
    """Asks the provider once per distinct example (cached in workspace.db)."""

    name = "judge"

    def __init__(self, config: JudgeConfig, provider: Provider, problem: str | None) -> None:
        self.config = config
        self.provider = provider
        self.problem = problem
        self.criteria = config.all_criteria()
        self.verdict = verdict_model(self.criteria)

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        if self.problem is not None:
            skip_notice(self.name, self.problem, batch, ctx.log)
            kept = _with_columns(batch, [("skipped", None)] * batch.height, "")
            metrics = {"skipped": self.problem, "kept": kept.height}
            return StageResult(kept, no_rejections(kept), metrics)
        outcomes, stats = self._ask(batch, ctx)
        rows = [outcomes[str(r)] for r in batch["row"].to_list()]
        statuses = [(_status(o), o) for o in rows]
        frame = _with_columns(batch, statuses, model_id(self.provider))
        reasons = [self._reason(o) for o in rows]
        frame = frame.with_columns(
            _reason=pl.Series([r for r, _ in reasons], dtype=pl.String),
            _why=pl.Series([d for _, d in reasons], dtype=pl.String),
        )
        detail = pl.format("{}: {}", pl.col("source"), pl.col("_why"))
        kept, rejected = partition(frame, pl.col("_reason"), detail)
        kept, rejected = kept.drop("_reason", "_why"), rejected.drop("_reason", "_why")
        metrics = self._metrics(stats, kept, rejected, ctx)
        metrics.update(unanswered_metrics(self.config, batch, outcomes, "not_judged"))
        return StageResult(kept, rejected, metrics)

    def _ask(self, batch: pl.DataFrame, ctx: RunContext) -> tuple[dict[str, Outcome], CallStats]:
        cfg, llm = self.config, self.config.llm
        system = system_prompt(self.criteria, cfg.instructions)
        schema = tool_schema(self.verdict)
        conversations = batch.select(conversation_expr()).to_series().to_list()
        requests = {
            str(row): Request(
                system, transcript(turns), schema, VERDICT_TOOL, llm.max_tokens, llm.temperature
            )
            for row, turns in zip(batch["row"].to_list(), conversations, strict=True)
        }
        return ask_cached(self.name, self.provider, requests, self.verdict, ctx)

    def _reason(self, outcome: Outcome) -> tuple[str | None, str | None]:
        cfg = self.config
        if outcome.status == "failed":
            if cfg.on_error == "keep":
                return None, None
            return "judge.error", f"the judge call failed: {outcome.error}"
        if outcome.status == "not_asked" and cfg.on_budget_stop == "hold_back":
            budget = cfg.llm.budget_usd
            return "judge.not_judged", f"not judged: budget_usd {budget} ran out first"
        if outcome.status == "not_asked" or outcome.value is None:
            return None, None
        verdict: VerdictBase = outcome.value
        scores = verdict.score_map()
        shown = ", ".join(f"{k} {v}" for k, v in scores.items())
        if verdict.verdict == "BAD":
            return "judge.bad", f"judged BAD ({shown}): {verdict.rationale}"
        low = [f"{k} {v}" for k, v in scores.items() if v < cfg.min_score]
        if low:
            why = f"judged GOOD but {', '.join(low)} below min_score {cfg.min_score}"
            return "judge.low_score", f"{why}: {verdict.rationale}"
        mean = sum(scores.values()) / len(scores)
        if cfg.min_mean_score is not None and mean < cfg.min_mean_score:
            why = f"judged GOOD but mean score {mean:.2f} below {cfg.min_mean_score} ({shown})"
            return "judge.low_score", f"{why}: {verdict.rationale}"
        return None, None

    def _metrics(
        self, stats: CallStats, kept: pl.DataFrame, rejected: pl.DataFrame, ctx: RunContext
    ) -> dict[str, float | int | str]:
        metrics = call_metrics(self.provider, stats)
        metrics["not_judged"] = stats.not_asked
        metrics["kept"] = kept.height
        for code, count in rejected["reason"].value_counts().iter_rows():
            metrics[str(code)] = int(count)
        stopped = budget_notice(
            self.name, self.provider, stats, "not_judged", ctx.log, self.config.on_budget_stop
        )
        if stopped:
            metrics["stopped"] = stopped
        return metrics


def _status(outcome: Outcome) -> str:
    return {"answered": "judged", "failed": "error", "not_asked": "not_judged"}[outcome.status]


def _with_columns(
    batch: pl.DataFrame, rows: list[tuple[str, Outcome | None]], model_id: str
) -> pl.DataFrame:
    values: dict[str, list[Any]] = {name: [] for name in JUDGE_COLUMNS}
    for status, outcome in rows:
        verdict = outcome.value if outcome is not None else None
        scores = verdict.score_map() if verdict is not None else None
        values["judge_status"].append(status)
        values["judge_verdict"].append(verdict.verdict if verdict is not None else None)
        values["judge_score"].append(
            round(sum(scores.values()) / len(scores), 3) if scores else None
        )
        values["judge_scores"].append(orjson.dumps(scores).decode() if scores else None)
        values["judge_rationale"].append(verdict.rationale if verdict is not None else None)
        values["judge_model"].append(model_id or None)
    return batch.with_columns(
        pl.Series(name, values[name], dtype=dtype) for name, dtype in JUDGE_COLUMNS.items()
    )
