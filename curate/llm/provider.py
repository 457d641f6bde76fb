"""The provider interface: one structured call in, one parsed answer (and its usage) out."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from curate.errors import CurateError
from curate.llm.config import BATCH_DISCOUNT, LLMConfig, Prices

API_KEY_ENV = "ANTHROPIC_API_KEY"


class LLMError(CurateError):
    """An LLM stage cannot run as configured (no price for a budget, a bad server answer)."""


# The request itself is at fault: record the failure against the example and go on. Any
# other failure (retries spent on 429/5xx, no connection, a bad key) is the service's, so
# the run stops with the finished answers cached, and a rerun asks only what is left.
PERMANENT_STATUSES = frozenset({400, 413, 422})


class CallFailed(Exception):
    """One call failed after its retries; the message is already scrubbed of the API key.
    ``transient``: not the example's fault, so the run stops rather than record it."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class MalformedReply(CallFailed):
    """A reply came back but holds no usable answer: cut off mid-way, not JSON, not the API's
    reply object, or an error object sent with status 200. Like an answer that fails the
    schema, it is asked again (``validation_retries``), then recorded against the example;
    such an error is never cached, so the next run asks again."""

    def __init__(self, message: str) -> None:
        super().__init__(scrub(message)[:500], transient=False)


def preview(body: bytes | str, limit: int = 80) -> str:
    """The start of a reply body on one line, for an error message (``<empty>`` if none)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    if not text:
        return "<empty>"
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass(frozen=True)
class Request:
    """A structured request: answer ``user`` under ``system`` with JSON matching ``schema``."""

    system: str
    user: str
    schema: dict[str, Any]
    schema_name: str
    max_tokens: int
    temperature: float | None

    def prompt_hash(self) -> str:
        payload = [self.system, self.user, self.schema_name, self.schema]
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def chars(self) -> int:
        return len(self.system) + len(self.user) + len(orjson.dumps(self.schema))


@dataclass
class Usage:
    """Tokens billed for one call."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def cost(self, prices: Prices, *, batch: bool = False) -> float:
        per_input = prices.input_per_mtok / 1e6
        usd = (
            self.input_tokens * per_input
            + self.cache_read_tokens * per_input * 0.1
            + self.cache_write_tokens * per_input * 1.25
            + self.output_tokens * prices.output_per_mtok / 1e6
        )
        return usd * (BATCH_DISCOUNT if batch else 1.0)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass
class Answer:
    """What the model returned: the structured object (or raw text when it was not JSON)."""

    data: Any
    usage: Usage = field(default_factory=Usage)


class Provider(Protocol):
    """An LLM endpoint. Implementations retry transient failures (429, 529, 5xx) themselves."""

    name: str
    config: LLMConfig

    def problem(self) -> str | None:
        """Why this provider cannot be used now (no key, server unreachable), or None."""
        ...

    def complete(self, request: Request) -> Answer:
        """One call; raises CallFailed when it fails for good."""
        ...

    def count_tokens(self, request: Request) -> int:
        """Input tokens of ``request`` (exact where the API can count, else approximate)."""
        ...

    def cache_params(self) -> dict[str, Any]:
        """What besides the prompt changes the answer (never the API key)."""
        ...


def api_key() -> str | None:
    """The Anthropic key from the environment; nothing else is read or stored."""
    return os.environ.get(API_KEY_ENV) or None


def scrub(text: str) -> str:
    """``text`` with the API key (if any) blanked out: for errors, logs and details."""
    key = api_key()
    if key and key in text:
        text = text.replace(key, "[redacted]")
    return text


def build_provider(config: LLMConfig) -> Provider:
    """The provider named in ``config``; one whose client library is missing reports that as
    its ``problem()``, so that its stage is skipped with a notice rather than crashing."""
    try:
        if config.provider == "anthropic":
            import anthropic  # noqa: F401

            from curate.llm.anthropic_provider import AnthropicProvider

            return AnthropicProvider(config)
        from curate.llm.openai_provider import OpenAICompatibleProvider

        return OpenAICompatibleProvider(config)
    except ImportError as exc:
        return _Missing(config, exc.name or "a client library")


class _Missing:
    """Stands in for a provider whose client library is not installed."""

    def __init__(self, config: LLMConfig, module: str) -> None:
        self.name = config.provider
        self.config = config
        self.module = module

    def problem(self) -> str | None:
        return f"{self.module} is not installed (pip install 'curate[llm]')"

    def complete(self, request: Request) -> Answer:
        raise CallFailed(self.problem() or "", transient=True)

    def count_tokens(self, request: Request) -> int:
        raise CallFailed(self.problem() or "", transient=True)

    def cache_params(self) -> dict[str, Any]:
        return {}
