"""The Anthropic Messages API through the official SDK: tool use for structure, prompt caching
for the fixed rubric, the SDK's retries (429, 529, 5xx, honouring retry-after), Message Batches."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from curate.llm.config import LLMConfig
from curate.llm.provider import (
    API_KEY_ENV,
    PERMANENT_STATUSES,
    Answer,
    CallFailed,
    Request,
    Usage,
    api_key,
    scrub,
)

MAX_BATCH_REQUESTS = 10_000  # the API allows 100,000; smaller batches finish and bill sooner


class AnthropicProvider:
    """Claude behind the Messages API; the key comes from ANTHROPIC_API_KEY only."""

    name = "anthropic"

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self._client: Any = None

    def problem(self) -> str | None:
        return None if api_key() else f"{API_KEY_ENV} is not set"

    def cache_params(self) -> dict[str, Any]:
        return {}  # the model and the request say it all

    @property
    def client(self) -> Any:
        if self._client is None:
            import anthropic

            # max_retries: the SDK retries 408/409/429/5xx (529 included) and connection errors
            # with exponential backoff and jitter, and waits as long as retry-after asks.
            self._client = anthropic.Anthropic(
                api_key=api_key(),
                base_url=self.config.base_url,
                timeout=self.config.timeout_s,
                max_retries=self.config.max_retries,
            )
        return self._client

    def params(self, request: Request) -> dict[str, Any]:
        """Messages API parameters; the tool is forced, and the rubric prefix is cached."""
        tool = {
            "name": request.schema_name,
            "description": "Record the structured answer.",
            "input_schema": request.schema,
        }
        return {
            "model": self.config.model,
            "max_tokens": request.max_tokens,
            # tools + system form the cached prefix; it is the same for every example
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [{"role": "user", "content": request.user}],
            "tools": [tool],
            "tool_choice": {"type": "tool", "name": request.schema_name},
        }

    def complete(self, request: Request) -> Answer:
        import anthropic

        try:
            message = self.client.messages.create(**self.params(request))
        except anthropic.APIError as exc:
            raise _failed(exc) from None
        return _answer(message, request.schema_name)

    def count_tokens(self, request: Request) -> int:
        import anthropic

        params = self.params(request)
        params.pop("max_tokens")
        try:
            return int(self.client.messages.count_tokens(**params).input_tokens)
        except anthropic.APIError as exc:
            raise _failed(exc) from None

    # Message Batches ---------------------------------------------------------------------

    def submit_batch(self, requests: dict[str, Request]) -> str:
        """Create a batch; ``requests`` maps custom ids to requests. Returns the batch id."""
        import anthropic

        items = [{"custom_id": cid, "params": self.params(r)} for cid, r in requests.items()]
        try:
            return str(self.client.messages.batches.create(requests=items).id)
        except anthropic.APIError as exc:
            raise _failed(exc) from None

    def batch_results(
        self, batch_id: str, schema_name: str
    ) -> Iterator[tuple[str, Answer | CallFailed]]:
        """Wait for the batch to end, then yield each custom id with its answer or failure."""
        import anthropic

        try:
            while self.client.messages.batches.retrieve(batch_id).processing_status != "ended":
                time.sleep(self.config.batch_poll_s)
            results = self.client.messages.batches.results(batch_id)
        except anthropic.APIError as exc:
            raise _failed(exc) from None
        for item in results:
            result = item.result
            if result.type == "succeeded":
                yield item.custom_id, _answer(result.message, schema_name)
            elif result.type == "errored":
                error = getattr(result.error, "error", result.error)
                kind = getattr(error, "type", "error")
                text = getattr(error, "message", "")
                message = scrub(f"batch request errored: {kind}: {text}")
                transient = kind != "invalid_request_error"
                yield item.custom_id, CallFailed(message, transient=transient)
            else:  # canceled or expired: nothing wrong with the request
                yield item.custom_id, CallFailed(f"batch request {result.type}", transient=True)


def _answer(message: Any, tool_name: str) -> Answer:
    usage = message.usage
    spent = Usage(
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_read_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(usage, "cache_creation_input_tokens", None) or 0,
    )
    for block in message.content:
        if block.type == "tool_use" and block.name == tool_name:
            return Answer(block.input, spent)
    text = "".join(getattr(b, "text", "") for b in message.content)
    return Answer(text, spent)  # no tool call: fails validation, and is re-asked


def _failed(exc: Exception) -> CallFailed:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    message = scrub(f"{prefix}{type(exc).__name__}: {getattr(exc, 'message', exc)}")[:500]
    return CallFailed(message, transient=status not in PERMANENT_STATUSES)
