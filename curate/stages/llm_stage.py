"""What the LLM stages (judge, distill) share: the ``llm:`` block, the privacy opt-out, the
skip-with-a-notice rule, the workspace call cache, and what happens to rows that got no
answer: errors (asked again on the next run; ``max_error_share`` of them accepted) and rows
a budget stop left unasked (``on_budget_stop``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import orjson
import polars as pl
from pydantic import BaseModel, Field, PrivateAttr, model_serializer

from curate.llm.cache import CallCache
from curate.llm.calls import CallStats, Outcome, ask_all
from curate.llm.config import LLMConfig
from curate.llm.provider import Provider, Request, build_provider
from curate.stages.base import ERROR_ROWS, MAX_ERROR_SHARE, RunContext, StageConfig
from curate.workspace import WorkspaceDB

T = TypeVar("T", bound=BaseModel)
UNASKED_SHOWN = 50  # rows a budget stop left unasked, named in metrics.json and report.md


class LLMStageConfig(StageConfig):
    """A stage that sends example text to a model."""

    llm: LLMConfig
    send_unredacted: bool = Field(
        False, description="allow sending text to the provider without an earlier pii stage"
    )
    max_error_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of rows that may end as errors (refused or still-malformed calls) "
        "with the run still exiting 0; error rows are asked again on every run either way",
    )
    on_budget_stop: Literal["keep", "hold_back"] = Field(
        "keep",
        description="rows left unasked when budget_usd runs out: keep (exported as they "
        "were, flagged in the status column and named in report.md) or hold_back (rejected "
        "as <stage>.not_judged / distill.not_distilled until a bigger budget asks them)",
    )
    _ready: bool | None = PrivateAttr(None)

    @model_serializer(mode="wrap")
    def _with_readiness(self, handler: Any) -> dict[str, Any]:
        # Once built, whether the provider was usable is part of the stage's fingerprint:
        # a stage skipped for want of a key must run once a key is set.
        data = handler(self)
        if self._ready is not None:
            data["provider_ready"] = self._ready
        return data

    def provider(self) -> tuple[Provider, str | None]:
        """The provider, and why it cannot be used now (None when it can)."""
        provider = build_provider(self.llm)
        problem = provider.problem()
        self._ready = problem is None
        return provider, problem


def model_id(provider: Provider) -> str:
    """``provider:model``, as the manifest and the added columns pin it."""
    return f"{provider.name}:{provider.config.model}"


def ask_cached(
    stage: str,
    provider: Provider,
    requests: dict[str, Request],
    answer_model: type[T],
    ctx: RunContext,
) -> tuple[dict[str, Outcome[T]], CallStats]:
    """``ask_all`` through the workspace's call cache, with the stage's log and progress."""
    store = ctx.decisions or WorkspaceDB(ctx.workspace)
    try:
        return ask_all(
            provider,
            requests,
            answer_model,
            CallCache(store),
            log=lambda message: ctx.log(f"{stage}: {message}"),
            done=lambda _: ctx.progress(1),
        )
    finally:
        if store is not ctx.decisions:
            store.close()


def call_metrics(provider: Provider, stats: CallStats) -> dict[str, float | int | str]:
    """The cost and cache figures every LLM stage reports."""
    llm = provider.config
    metrics: dict[str, float | int | str] = {
        "model": model_id(provider),
        "batch": str(llm.batch).lower(),
        "requests": stats.requests,
        "cache_hits": stats.cache_hits,
        "calls": stats.calls,
        "errors": stats.failed,
        "input_tokens": stats.usage.input_tokens,
        "output_tokens": stats.usage.output_tokens,
        "cache_read_tokens": stats.usage.cache_read_tokens,
        "spent_usd": stats.spent_usd,
    }
    if stats.estimated_usd is not None:
        metrics["estimated_usd"] = stats.estimated_usd
    if llm.budget_usd is not None:
        metrics["budget_usd"] = llm.budget_usd
    return metrics


def unanswered_metrics(
    config: LLMStageConfig,
    batch: pl.DataFrame,
    outcomes: dict[str, Outcome[Any]],
    label: str,
) -> dict[str, float | int | str]:
    """The error and budget-stop figures the runner and report.md read: how many rows hold
    an error (never an answer), the share accepted, and which rows went unasked."""
    rows = batch.select("row", "id", "source").rows()
    failed = sum(1 for row, _, _ in rows if _status(outcomes, row) == "failed")
    unasked = [(s, i) for row, i, s in rows if _status(outcomes, row) == "not_asked"]
    metrics: dict[str, float | int | str] = {
        ERROR_ROWS: failed,
        MAX_ERROR_SHARE: config.max_error_share,
    }
    if unasked:
        shown = [{"source": s, "id": i} for s, i in unasked[:UNASKED_SHOWN]]
        metrics["unasked_rows"] = len(unasked)
        metrics["unasked_status"] = label
        metrics["unasked_examples"] = orjson.dumps(shown).decode()
        metrics["on_budget_stop"] = config.on_budget_stop
    return metrics


def _status(outcomes: dict[str, Outcome[Any]], row: int) -> str | None:
    outcome = outcomes.get(str(row))
    return outcome.status if outcome is not None else None


def budget_notice(
    stage: str,
    provider: Provider,
    stats: CallStats,
    status: str,
    log: Callable[[str], None],
    on_budget_stop: str = "keep",
) -> str | None:
    """The 'budget reached' line, logged, when the budget left rows unasked."""
    if not stats.not_asked:
        return None
    verb = "kept as they were" if on_budget_stop == "keep" else "held back"
    message = (
        f"budget_usd {provider.config.budget_usd} reached after ${stats.spent_usd:.4f}: "
        f"{stats.not_asked} rows {verb}"
    )
    where = f'{stage}_status = "{status}"' if on_budget_stop == "keep" else f"{stage}.{status}"
    log(f"{stage}: {message} ({where}); raise the budget to go on")
    return message


def skip_notice(stage: str, problem: str, batch: pl.DataFrame, log: Callable[[str], None]) -> None:
    log(
        f"{stage}: skipped, {problem}; all {batch.height} rows kept as they were "
        f'({stage}_status = "skipped")'
    )
