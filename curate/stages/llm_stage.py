"""What the LLM stages (judge, distill) share: the ``llm:`` block, the privacy opt-out, the
skip-with-a-notice rule, and the workspace call cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl
from pydantic import BaseModel, Field, PrivateAttr, model_serializer

from curate.llm.cache import CallCache
from curate.llm.calls import CallStats, Outcome, ask_all
from curate.llm.config import LLMConfig
from curate.llm.provider import Provider, Request, build_provider
from curate.stages.base import RunContext, StageConfig
from curate.workspace import WorkspaceDB

T = TypeVar("T", bound=BaseModel)


class LLMStageConfig(StageConfig):
    """A stage that sends example text to a model."""

    llm: LLMConfig
    send_unredacted: bool = Field(
        False, description="allow sending text to the provider without an earlier pii stage"
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


def budget_notice(
    stage: str, provider: Provider, stats: CallStats, status: str, log: Callable[[str], None]
) -> str | None:
    """The 'budget reached' line, logged, when the budget left rows unasked."""
    if not stats.not_asked:
        return None
    message = (
        f"budget_usd {provider.config.budget_usd} reached after ${stats.spent_usd:.4f}: "
        f"{stats.not_asked} rows kept as they were"
    )
    log(f'{stage}: {message} ({stage}_status = "{status}"); raise the budget to go on')
    return message


def skip_notice(stage: str, problem: str, batch: pl.DataFrame, log: Callable[[str], None]) -> None:
    log(
        f"{stage}: skipped, {problem}; all {batch.height} rows kept as they were "
        f'({stage}_status = "skipped")'
    )
