"""Which model answers, where, how fast and for how much: the ``llm:`` block of an LLM stage."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

ProviderName = Literal["anthropic", "openai"]


class Prices(BaseModel):
    """USD per million tokens. Prompt-cache reads cost 0.1x input and writes 1.25x (Anthropic)."""

    model_config = ConfigDict(extra="forbid")

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)


# Anthropic list prices (USD per million tokens), matched by the longest model-name prefix.
# Override in the pipeline file with `prices:` when these move or for a model not listed.
ANTHROPIC_PRICES: dict[str, Prices] = {
    name: Prices(input_per_mtok=i, output_per_mtok=o)
    for name, (i, o) in {
        "claude-opus-4-5": (5.0, 25.0),
        "claude-opus-4-1": (15.0, 75.0),
        "claude-opus-4": (15.0, 75.0),
        "claude-sonnet-4-5": (3.0, 15.0),
        "claude-sonnet-4": (3.0, 15.0),
        "claude-3-7-sonnet": (3.0, 15.0),
        "claude-haiku-4-5": (1.0, 5.0),
        "claude-3-5-haiku": (0.8, 4.0),
        "claude-3-haiku": (0.25, 1.25),
    }.items()
}
FREE = Prices(input_per_mtok=0.0, output_per_mtok=0.0)
BATCH_DISCOUNT = 0.5  # Message Batches bill half the standard price


class LLMConfig(BaseModel):
    """A pinned model behind the Anthropic API or an OpenAI-compatible server."""

    model_config = ConfigDict(extra="forbid")

    provider: ProviderName = Field(
        "anthropic",
        description="anthropic (key from ANTHROPIC_API_KEY) or openai (an OpenAI-compatible "
        "server such as vLLM, llama.cpp or Ollama, at base_url)",
    )
    model: str = Field(description="the model id, pinned (e.g. claude-haiku-4-5)")
    base_url: str | None = Field(
        None, description="API root; required for openai (e.g. http://127.0.0.1:8000/v1)"
    )
    max_concurrency: int = Field(4, ge=1, le=256, description="calls in flight at once")
    timeout_s: float = Field(60.0, gt=0, description="per-request timeout")
    max_retries: int = Field(4, ge=0, le=20, description="retries of 429, 529, 5xx, timeouts")
    backoff_s: float = Field(
        0.5, gt=0, description="first backoff (openai; the anthropic SDK uses its own)"
    )
    validation_retries: int = Field(
        2, ge=0, le=5, description="re-asks after an answer that fails the schema"
    )
    max_tokens: int = Field(512, ge=16, description="output token cap per call")
    temperature: float | None = Field(
        None, ge=0, le=2, description="openai only (the Messages API no longer takes one)"
    )
    budget_usd: float | None = Field(
        None, ge=0, description="stop calling once this much would be spent; finished work kept"
    )
    prices: Prices | None = Field(None, description="override the built-in price table")
    batch: bool = Field(False, description="anthropic: use the Message Batches API (half price)")
    batch_poll_s: float = Field(30.0, gt=0, description="seconds between batch status checks")
    estimate_sample: int = Field(
        8, ge=1, description="requests whose tokens are counted exactly to estimate the rest"
    )

    @model_validator(mode="after")
    def _provider_options(self) -> Self:
        if self.provider == "openai" and not self.base_url:
            raise ValueError("provider openai needs base_url (e.g. http://127.0.0.1:8000/v1)")
        if self.batch and self.provider != "anthropic":
            raise ValueError("batch: true needs provider anthropic (the Message Batches API)")
        return self

    def price(self) -> Prices | None:
        """Prices for this model: the override, the table, free for local servers, or None."""
        if self.prices is not None:
            return self.prices
        if self.provider == "openai":
            return FREE
        matches = [name for name in ANTHROPIC_PRICES if self.model.startswith(name)]
        return ANTHROPIC_PRICES[max(matches, key=len)] if matches else None
