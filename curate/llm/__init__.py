"""LLM calls for judge and teacher stages: one provider interface (Anthropic Messages and
Message Batches, OpenAI-compatible servers), a call cache in workspace.db, bounded
concurrency, retries, a cost estimate and a budget cap."""

from curate.llm.calls import CallStats, Outcome, ask_all
from curate.llm.config import LLMConfig, Prices
from curate.llm.provider import (
    Answer,
    CallFailed,
    LLMError,
    Provider,
    Request,
    Usage,
    build_provider,
)

__all__ = [
    "Answer",
    "CallFailed",
    "CallStats",
    "LLMConfig",
    "LLMError",
    "Outcome",
    "Prices",
    "Provider",
    "Request",
    "Usage",
    "ask_all",
    "build_provider",
]
