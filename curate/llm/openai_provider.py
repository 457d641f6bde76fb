"""OpenAI-compatible chat completions over HTTP (vLLM, llama.cpp server, Ollama), with
``response_format`` JSON schema and tenacity retries that honour retry-after."""

from __future__ import annotations

import math
from typing import Any

import httpx
import orjson
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from curate.llm.config import LLMConfig
from curate.llm.provider import (
    PERMANENT_STATUSES,
    Answer,
    CallFailed,
    MalformedReply,
    Request,
    Usage,
    preview,
    scrub,
)

CHARS_PER_TOKEN = 4  # the usual approximation for English text; local servers bill nothing
RETRY_STATUSES = {408, 409, 429, 500, 502, 503, 504, 529}


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OpenAICompatibleProvider:
    """A local or self-hosted model behind ``POST {base_url}/chat/completions``; no key sent."""

    name = "openai"

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.base_url = (config.base_url or "").rstrip("/")
        self._http = httpx.Client(timeout=config.timeout_s)
        backoff = wait_random_exponential(multiplier=config.backoff_s, max=30 * config.backoff_s)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            after = getattr(error, "retry_after", None)
            return after if after is not None else backoff(state)

        self._post = retry(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            stop=stop_after_attempt(config.max_retries + 1),
            wait=wait,
            reraise=True,
        )(self._post_once)

    def problem(self) -> str | None:
        """Reachable means the server answers HTTP at all (even 401 or 404) within 3 seconds."""
        try:
            httpx.get(f"{self.base_url}/models", timeout=min(3.0, self.config.timeout_s))
        except httpx.HTTPError as exc:
            return f"no OpenAI-compatible server answers at {self.base_url} ({type(exc).__name__})"
        return None

    def cache_params(self) -> dict[str, Any]:
        # one model name can mean different weights on different servers
        return {"base_url": self.base_url}

    def complete(self, request: Request) -> Answer:
        body = {
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "max_tokens": request.max_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.schema},
            },
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        try:
            payload = self._post(body)
        except _Retryable as exc:
            message = f"{exc} (after {self.config.max_retries} retries)"
            raise CallFailed(message, transient=True) from None
        content, spent = _completion(payload)
        try:
            return Answer(orjson.loads(content), spent)
        except orjson.JSONDecodeError:
            return Answer(content, spent)  # not JSON: fails validation, and is re-asked

    def count_tokens(self, request: Request) -> int:
        """An approximation: characters / 4 (OpenAI-compatible servers have no count endpoint)."""
        return math.ceil(request.chars() / CHARS_PER_TOKEN)

    def _post_once(self, body: dict[str, Any]) -> Any:
        url = f"{self.base_url}/chat/completions"
        try:
            # streamed, so that a connection lost before the status (the service's fault,
            # retried) is told apart from a reply cut off mid-body (a malformed reply)
            with self._http.stream("POST", url, json=body) as response:
                if response.status_code in RETRY_STATUSES:
                    raise _Retryable(
                        f"HTTP {response.status_code} from {url}", _retry_after(response)
                    )
                content = _read_body(response, url)
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.config.timeout_s} s at {url}") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"cannot reach {url}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            text = content.decode("utf-8", "replace")[:300]
            transient = response.status_code not in PERMANENT_STATUSES  # e.g. 401, 404
            message = scrub(f"HTTP {response.status_code} from {url}: {text}")
            raise CallFailed(message, transient=transient)
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            raise MalformedReply(f"the reply from {url} is not JSON: {preview(content)}") from None


def _read_body(response: httpx.Response, url: str) -> bytes:
    try:
        return response.read()
    except httpx.TransportError as exc:
        raise MalformedReply(f"the reply from {url} was cut off mid-way: {exc}") from None


def _completion(payload: Any) -> tuple[str, Usage]:
    """The message content and usage of a chat completion, or ``MalformedReply``."""
    if isinstance(payload, dict) and payload.get("error") is not None:
        error = payload["error"]
        text = error.get("message", error) if isinstance(error, dict) else error
        raise MalformedReply(f"the reply is an error object with status 200: {text}")
    try:
        content = payload["choices"][0]["message"].get("content") or ""
        usage = payload.get("usage") or {}
        spent = Usage(
            input_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
        raise MalformedReply("not a chat completion: it has no choices[0].message") from None
    if not isinstance(content, str):
        raise MalformedReply("not a chat completion: choices[0].message.content is not text")
    return content, spent


def _retry_after(response: httpx.Response) -> float | None:
    for header, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return min(max(float(value) / scale, 0.0), 600.0)
        except ValueError:
            continue
    return None
