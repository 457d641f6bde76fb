"""The ``llm_calls`` and ``llm_batches`` tables: answered LLM calls, and open Message Batches.

One committed row per answered call, so a rerun pays nothing; an open batch row, so a killed
run collects its batch instead of paying for a second one. ``curate.llm.cache`` builds the
keys from a provider and a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB

CHUNK = 500  # keys per SELECT, under SQLite's bound-parameter limit


class LlmCallStore:
    """Reads and writes cached answers (as JSON) by cache key, and batch ids."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def answers(self, keys: list[str]) -> dict[str, Any]:
        """The cached answer of every key that has one."""
        out: dict[str, Any] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.db.connection.execute(
                f"SELECT cache_key, answer FROM llm_calls WHERE cache_key IN ({marks})", chunk
            ).fetchall()
            out.update((k, orjson.loads(a)) for k, a in rows)
        return out

    def save(
        self,
        key: str,
        *,
        provider: str,
        model: str,
        answer: Any,
        tokens: tuple[int, int],
        cost: float,
    ) -> None:
        """Commit one answered call (replacing an older answer under the same key)."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO llm_calls (cache_key, provider, model, answer, "
                "input_tokens, output_tokens, cost_usd, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    key,
                    provider,
                    model,
                    orjson.dumps(answer).decode(),
                    tokens[0],
                    tokens[1],
                    cost,
                    now(),
                ),
            )

    def open_batch(self, provider: str, model: str, requests_hash: str) -> str | None:
        """The newest open batch for exactly these requests, or None."""
        row = self.db.connection.execute(
            "SELECT batch_id FROM llm_batches WHERE provider = ? AND model = ? "
            "AND requests_hash = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1",
            (provider, model, requests_hash),
        ).fetchone()
        return row[0] if row else None

    def record_batch(self, batch_id: str, provider: str, model: str, requests_hash: str) -> None:
        """Remember a submitted batch as open."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO llm_batches (batch_id, provider, model, requests_hash, "
                "status, created_at) VALUES (?, ?, ?, ?, 'open', ?)",
                (batch_id, provider, model, requests_hash, now()),
            )

    def close_batch(self, batch_id: str) -> None:
        """Mark a batch collected."""
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE llm_batches SET status = 'collected' WHERE batch_id = ?", (batch_id,)
            )
