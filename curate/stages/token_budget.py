"""token_budget: tokens as the base model's chat template renders each row, a ``max_tokens``
check, and a training cost estimate.

Rows are rendered with their tool definitions, calls and results (``curate.text.tokens``), so
the count is what a trainer sees; a row over ``max_tokens`` is rejected with its count instead
of being cut by the trainer's truncation without a word. The distribution metrics cover every
row that came in (kept and rejected); the assistant share and the cost cover the kept rows,
which are what is trained on.

Cost follows OpenAI's published data-preparation recipe (the "Data preparation and analysis
for chat model fine-tuning" cookbook): each example bills at most 16,385 tokens per epoch;
without ``epochs`` the run picks 3, raised so that epochs x examples reaches 100 (at most 25
epochs) or lowered so that it stays within 25,000 (at least 1). The default price is OpenAI's
published training price for gpt-4o-mini-2024-07-18, $3.00 per million training tokens;
prices change, so set ``price_per_million`` to the current one for the model you will train.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import orjson
import polars as pl
from pydantic import Field

from curate.reasons import Reason
from curate.stages.base import Metric, RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

if TYPE_CHECKING:
    from curate.text.tokens import ChatTokenCounter, TokenCount

# OpenAI's data-prep cookbook figures (see the module docstring)
BILLED_TOKENS_PER_EXAMPLE = 16_385
TARGET_EPOCHS = 3
MIN_EXAMPLE_EPOCHS, MAX_EXAMPLE_EPOCHS = 100, 25_000
MIN_EPOCHS, MAX_EPOCHS = 1, 25
GPT_4O_MINI_TRAINING_PRICE = 3.00  # USD per million training tokens
HISTOGRAM_BINS = 30  # at most; numpy's "auto" rule picks fewer for small sets


@register_stage(
    reasons=(
        Reason(
            "length.too_many_tokens",
            "The example renders to more tokens than max_tokens through the base model's chat "
            "template; detail gives the count and the limit.",
            rescuable=True,
        ),
        Reason(
            "length.unrenderable",
            "The base model's chat template refuses to render the example; detail gives its "
            "message.",
        ),
    )
)
class TokenBudgetConfig(StageConfig):
    """Token counts through the base model's chat template (tools included), a max_tokens
    check, and the training cost estimate in the report."""

    stage: Literal["token_budget"] = "token_budget"
    tokenizer: str | None = Field(
        None,
        description="model or tokenizer folder, relative to the workspace; null: the offline "
        "SmolLM2-135M-Instruct tokenizer",
    )
    max_tokens: int | None = Field(
        None, ge=1, description="reject rows longer than this; null: measure only"
    )
    price_per_million: float = Field(
        GPT_4O_MINI_TRAINING_PRICE,
        ge=0,
        description="USD per million training tokens (default: OpenAI's gpt-4o-mini price)",
    )
    epochs: int | None = Field(
        None,
        ge=1,
        le=MAX_EPOCHS,
        description="epochs the estimate bills; null: OpenAI's default for the set's size",
    )
    cache: bool = Field(True, description="keep counts in <workspace>/cache/tokens")

    def build(self) -> TokenBudget:
        return TokenBudget(self)

    def input_digests(self, workspace: Path) -> list[str]:
        if self.tokenizer is None:
            return []
        from curate.io.containers import not_found
        from curate.io.ingest import file_sha256

        path = workspace / self.tokenizer
        if not path.exists():
            raise not_found(path, self.tokenizer, "tokenizer")
        return [f"{self.tokenizer}:{file_sha256(path)}"]


def default_epochs(examples: int) -> int:
    """The epochs OpenAI's recipe picks for a set of ``examples`` rows."""
    if examples <= 0:
        return TARGET_EPOCHS
    if examples * TARGET_EPOCHS < MIN_EXAMPLE_EPOCHS:
        return min(MAX_EPOCHS, MIN_EXAMPLE_EPOCHS // examples)
    if examples * TARGET_EPOCHS > MAX_EXAMPLE_EPOCHS:
        return max(MIN_EPOCHS, MAX_EXAMPLE_EPOCHS // examples)
    return TARGET_EPOCHS


def token_histogram(counts: list[int]) -> str:
    """``{"edges": [...], "counts": [...]}`` as JSON: numpy's "auto" bins, at most 30."""
    if not counts:
        return orjson.dumps({"edges": [], "counts": []}).decode()
    values = np.asarray(counts, dtype=np.int64)
    bins = min(HISTOGRAM_BINS, max(1, len(np.histogram_bin_edges(values, bins="auto")) - 1))
    found, edges = np.histogram(values, bins=bins)
    return orjson.dumps(
        {"edges": [round(float(e), 1) for e in edges], "counts": found.tolist()}
    ).decode()


class TokenBudget:
    """Counts every row, rejects the ones over the limit or that the template refuses."""

    name = "token_budget"

    def __init__(self, config: TokenBudgetConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        from curate.text.tokens import ChatTokenCounter, frame_counts

        cfg = self.config
        spec = ctx.workspace / cfg.tokenizer if cfg.tokenizer is not None else None
        counter = ChatTokenCounter.load(spec)
        cache = ctx.workspace / "cache" / "tokens" if cfg.cache else None
        counts, rendered = frame_counts(batch, counter, cache, progress=ctx.progress)
        totals = [c.total for c in counts]
        limit = cfg.max_tokens
        over = [limit is not None and c.error is None and c.total > limit for c in counts]
        frame = batch.with_columns(
            _total=pl.Series(totals, dtype=pl.Int64),
            _assistant=pl.Series([c.assistant for c in counts], dtype=pl.Int64),
            _error=pl.Series([c.error for c in counts], dtype=pl.String),
            _over=pl.Series(over, dtype=pl.Boolean),
        )
        reason = (
            pl.when(pl.col("_error").is_not_null())
            .then(pl.lit("length.unrenderable"))
            .when(pl.col("_over"))
            .then(pl.lit("length.too_many_tokens"))
        )
        detail = (
            pl.when(pl.col("_error").is_not_null())
            .then(pl.format("{}: the chat template refuses it: {}", "source", "_error"))
            .otherwise(
                pl.format(
                    "{}: {} tokens through the chat template, over max_tokens {}",
                    "source",
                    "_total",
                    pl.lit(cfg.max_tokens),
                )
            )
        )
        kept, rejected = partition(frame, reason, detail)
        metrics = self._metrics(counter, counts, kept, rendered, rows_over=sum(over))
        ctx.log(f"token_budget: {metrics['summary']}")
        helpers = ["_total", "_assistant", "_error", "_over"]
        return StageResult(kept.drop(helpers), rejected.drop(helpers), metrics)

    def _metrics(
        self,
        counter: ChatTokenCounter,
        counts: list[TokenCount],
        kept: pl.DataFrame,
        rendered: int,
        *,
        rows_over: int,
    ) -> dict[str, Metric]:
        cfg = self.config
        valid = pl.Series([c.total for c in counts if c.error is None], dtype=pl.Int64)
        kept_total = int(kept["_total"].sum() or 0)
        kept_assistant = int(kept["_assistant"].sum() or 0)
        billed = int(kept["_total"].clip(upper_bound=BILLED_TOKENS_PER_EXAMPLE).sum() or 0)
        epochs = cfg.epochs if cfg.epochs is not None else default_epochs(kept.height)
        cost = round(billed * epochs * cfg.price_per_million / 1_000_000, 2)
        metrics: dict[str, Metric] = {
            "tokenizer": counter.name,
            "tokens_p50": int(valid.quantile(0.5, "nearest") or 0) if valid.len() else 0,
            "tokens_p95": int(valid.quantile(0.95, "nearest") or 0) if valid.len() else 0,
            "tokens_max": int(valid.max() or 0) if valid.len() else 0,
            "assistant_token_share": round(kept_assistant / kept_total, 4) if kept_total else 0.0,
            "rows_over_max": rows_over,
            "unrenderable_rows": sum(c.error is not None for c in counts),
            "billed_tokens_per_epoch": billed,
            "epochs": epochs,
            "price_per_million": cfg.price_per_million,
            "estimated_cost": cost,
            "token_histogram": token_histogram(valid.to_list()),
            "rows_rendered": rendered,
        }
        if cfg.max_tokens is not None:
            metrics["max_tokens"] = cfg.max_tokens
        limit = f", {metrics['rows_over_max']} over {cfg.max_tokens}" if cfg.max_tokens else ""
        metrics["summary"] = (
            f"tokens p50 {metrics['tokens_p50']} / p95 {metrics['tokens_p95']} / max "
            f"{metrics['tokens_max']}{limit}; {metrics['assistant_token_share']:.0%} assistant; "
            f"~{billed:,} billed tokens/epoch x {epochs} epochs x ${cfg.price_per_million:g}/M "
            f"= ${cost:,.2f}"
        )
        if not counter.renders_tools:
            metrics["warnings"] = (
                "the tokenizer's chat template does not render tool definitions or calls; "
                "tool rows are counted without them"
            )
        return metrics
