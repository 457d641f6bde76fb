"""The LLM call cache in workspace.db: one committed row per answered call."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from curate.decisions import DecisionStore, now
from curate.llm.provider import Provider, Request


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
    """Validated answers by cache key. Only answers that passed the schema are stored, so a
    malformed answer or a failed call is asked again on the next run."""

    def __init__(self, store: DecisionStore) -> None:
        self.store = store

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        db = self.store.connection
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT cache_key, answer FROM llm_calls WHERE cache_key IN ({marks})", chunk
            ).fetchall()
            out.update((k, orjson.loads(a)) for k, a in rows)
        return out

    def put(
        self, key: str, provider: Provider, answer: Any, tokens: tuple[int, int], cost: float
    ) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_calls (cache_key, provider, model, answer, "
                "input_tokens, output_tokens, cost_usd, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    key,
                    provider.name,
                    provider.config.model,
                    orjson.dumps(answer).decode(),
                    tokens[0],
                    tokens[1],
                    cost,
                    now(),
                ),
            )

    # open Message Batches, so that a killed run collects its batch instead of paying again

    def open_batch(self, provider: Provider, requests_hash: str) -> str | None:
        row = self.store.connection.execute(
            "SELECT batch_id FROM llm_batches WHERE provider = ? AND model = ? "
            "AND requests_hash = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1",
            (provider.name, provider.config.model, requests_hash),
        ).fetchone()
        return row[0] if row else None

    def record_batch(self, batch_id: str, provider: Provider, requests_hash: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_batches (batch_id, provider, model, requests_hash, "
                "status, created_at) VALUES (?, ?, ?, ?, 'open', ?)",
                (batch_id, provider.name, provider.config.model, requests_hash, now()),
            )

    def close_batch(self, batch_id: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE llm_batches SET status = 'collected' WHERE batch_id = ?", (batch_id,)
            )
