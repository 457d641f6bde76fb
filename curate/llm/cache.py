"""The LLM call cache: keys from a provider and a request, answers in workspace.db."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel

from curate.llm.provider import Provider, Request
from curate.workspace import WorkspaceDB


def cache_key(provider: Provider, request: Request) -> str:
    """sha256 over provider, model, prompt hash and the params that shape the answer."""
    parts = {
        "provider": provider.name,
        "model": provider.config.model,
        "prompt": request.prompt_hash(),
        "params": {
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            **provider.cache_params(),
        },
    }
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()


class CallCache:
    """Validated answers by cache key, stored in workspace.db's ``llm_calls``. Only answers
    that passed the schema are stored (``put`` takes the validated model, never raw data or
    an error), so a malformed answer or a failed call is asked again on the next run."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.calls = db.llm_calls

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self.calls.answers(keys)

    def put(
        self, key: str, provider: Provider, answer: BaseModel, tokens: tuple[int, int], cost: float
    ) -> None:
        if not isinstance(answer, BaseModel):  # a bug in the caller, not a user mistake
            raise TypeError(f"only validated answers are cached, not {type(answer).__name__}")
        self.calls.save(
            key,
            provider=provider.name,
            model=provider.config.model,
            answer=answer.model_dump(mode="json"),
            tokens=tokens,
            cost=cost,
        )

    # open Message Batches, so that a killed run collects its batch instead of paying again

    def open_batch(self, provider: Provider, requests_hash: str) -> str | None:
        return self.calls.open_batch(provider.name, provider.config.model, requests_hash)

    def record_batch(self, batch_id: str, provider: Provider, requests_hash: str) -> None:
        self.calls.record_batch(batch_id, provider.name, provider.config.model, requests_hash)

    def close_batch(self, batch_id: str) -> None:
        self.calls.close_batch(batch_id)
