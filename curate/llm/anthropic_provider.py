"""The Anthropic Messages API through the official SDK: tool use for structure, prompt caching
for the fixed rubric, the SDK's retries (429, 529, 5xx, honouring retry-after), Message Batches.

A successful status does not make a usable reply: the body is read and checked here (see
``parse_reply``), so that a reply cut off, mislabelled or of another shape is a
``MalformedReply`` (asked again, then recorded) rather than a crash inside the SDK."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from curate.llm.config import LLMConfig
from curate.llm.provider import (
    API_KEY_ENV,
    PERMANENT_STATUSES,
    Answer,
    CallFailed,
    MalformedReply,
    Request,
    Usage,
    api_key,
    preview,
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

        # The streaming response hands over the body unread once the status is a success
        # (the SDK has retried the rest), so that reading and parsing it is ours to check.
        try:
            with self.client.messages.with_streaming_response.create(
                **self.params(request)
            ) as response:
                body = _read_body(response)
        except anthropic.APIError as exc:
            raise _failed(exc) from None
        return _answer(parse_reply(body), request.schema_name)

    def count_tokens(self, request: Request) -> int:
        import anthropic

        params = self.params(request)
        params.pop("max_tokens")
        try:
            return int(self.client.messages.count_tokens(**params).input_tokens)
        except anthropic.APIError as exc:
            raise _failed(exc) from None
        except (ValueError, AttributeError, TypeError) as exc:  # a body that is not a count
            raise MalformedReply(f"the token count reply is malformed: {exc}") from None

    # Message Batches ---------------------------------------------------------------------

    def submit_batch(self, requests: dict[str, Request]) -> str:
        """Create a batch; ``requests`` maps custom ids to requests. Returns the batch id."""
        import anthropic

        items = [{"custom_id": cid, "params": self.params(r)} for cid, r in requests.items()]
        try:
            return str(self.client.messages.batches.create(requests=items).id)
        except anthropic.APIError as exc:
            raise _failed(exc) from None
        except (ValueError, AttributeError, TypeError) as exc:
            raise _batch_reply_failed("creating the batch", exc) from None

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
        except (ValueError, AttributeError, TypeError) as exc:
            raise _batch_reply_failed("polling the batch", exc) from None
        items: list[Any] = []
        try:
            for item in results:
                items.append(item)
        except Exception:  # the SDK's HTTP library (httpx, httpx2) varies by version
            # a broken or cut line ends the decoder; the requests whose results were lost
            # with it are missing from the results, and the caller asks them again
            pass
        for item in items:
            result = item.result
            if result.type == "succeeded":
                try:
                    reply = _Reply.model_validate(result.message, from_attributes=True)
                except ValidationError as exc:
                    yield item.custom_id, MalformedReply(f"not a Messages API reply: {_first(exc)}")
                    continue
                yield item.custom_id, _answer(reply, schema_name)
            elif result.type == "errored":
                error = getattr(result.error, "error", result.error)
                kind = getattr(error, "type", "error")
                text = getattr(error, "message", "")
                message = scrub(f"batch request errored: {kind}: {text}")
                transient = kind != "invalid_request_error"
                yield item.custom_id, CallFailed(message, transient=transient)
            else:  # canceled or expired: nothing wrong with the request
                yield item.custom_id, CallFailed(f"batch request {result.type}", transient=True)


_READ = ConfigDict(extra="ignore", from_attributes=True)  # SDK objects or plain JSON


class _Block(BaseModel):
    model_config = _READ

    type: str
    name: str | None = None
    input: Any = None
    text: str | None = None


class _Tokens(BaseModel):
    model_config = _READ

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None


class _Reply(BaseModel):
    """What curate reads of a Messages API reply; anything else in it is ignored."""

    model_config = _READ

    type: Literal["message"]
    content: list[_Block]
    usage: _Tokens


def parse_reply(body: bytes) -> _Reply:
    """The reply in ``body`` (whatever its content type said), or ``MalformedReply``."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedReply(f"the reply is not JSON: {preview(body)}") from None
    if isinstance(data, dict) and data.get("type") == "error":
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        kind, text = error.get("type", "error"), error.get("message", "")
        raise MalformedReply(f"the reply is an error object with status 200: {kind}: {text}")
    try:
        return _Reply.model_validate(data)
    except ValidationError as exc:
        raise MalformedReply(f"not a Messages API reply: {_first(exc)}") from None


def _read_body(response: Any) -> bytes:
    try:
        return bytes(response.read())
    except Exception as exc:  # the SDK's HTTP library (httpx, httpx2) varies by version
        why = f"{type(exc).__name__}: {exc}"
        raise MalformedReply(f"the reply was cut off mid-way: {why}") from None


def _first(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or 'reply'}: {first['msg']}"


def _answer(reply: _Reply, tool_name: str) -> Answer:
    tokens = reply.usage
    spent = Usage(
        input_tokens=tokens.input_tokens or 0,
        output_tokens=tokens.output_tokens or 0,
        cache_read_tokens=tokens.cache_read_input_tokens or 0,
        cache_write_tokens=tokens.cache_creation_input_tokens or 0,
    )
    for block in reply.content:
        if block.type == "tool_use" and block.name == tool_name:
            return Answer(block.input, spent)
    text = "".join(b.text or "" for b in reply.content)
    return Answer(text, spent)  # no tool call: fails validation, and is re-asked


def _batch_reply_failed(doing: str, exc: Exception) -> CallFailed:
    # the batch itself (not one request) is in doubt: stop, and let a rerun collect it
    return CallFailed(scrub(f"malformed reply while {doing}: {exc}")[:500], transient=True)


def _failed(exc: Exception) -> CallFailed:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    message = scrub(f"{prefix}{type(exc).__name__}: {getattr(exc, 'message', exc)}")[:500]
    return CallFailed(message, transient=status not in PERMANENT_STATUSES)
