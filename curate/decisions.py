"""workspace.db: every human decision, committed the moment it is made.

SQLite in WAL mode. The schema is versioned with ``PRAGMA user_version`` and migrated
step by step, never recreated, so no decision is lost across upgrades.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

DB_NAME = "workspace.db"
Action = Literal["keep", "drop", "distinct"]
Verdict = Literal["pass", "fail", "skip"]

# Each entry moves the schema from version i to i + 1. Append; never edit a shipped step.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE overrides (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('keep', 'drop', 'clear')),
        reason TEXT NOT NULL,
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX overrides_example ON overrides (example_id, seq);
    CREATE TABLE audits (
        audit_id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        run_dir TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        size INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        stratify TEXT,
        threshold REAL NOT NULL,
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit_items (
        audit_id TEXT NOT NULL REFERENCES audits (audit_id),
        position INTEGER NOT NULL,
        example_id TEXT NOT NULL,
        PRIMARY KEY (audit_id, position)
    );
    CREATE TABLE audit_verdicts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        audit_id TEXT NOT NULL REFERENCES audits (audit_id),
        example_id TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'skip')),
        note TEXT NOT NULL DEFAULT '',
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX verdicts_item ON audit_verdicts (audit_id, example_id, seq);
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        run_dir TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    """,
    # v2: 'distinct' (never merge this example into a near-duplicate cluster). SQLite cannot
    # alter a CHECK constraint, so the table is rebuilt and every row copied across.
    """
    CREATE TABLE overrides_v2 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('keep', 'drop', 'distinct', 'clear')),
        reason TEXT NOT NULL,
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    INSERT INTO overrides_v2 (seq, example_id, action, reason, annotator, created_at)
        SELECT seq, example_id, action, reason, annotator, created_at FROM overrides;
    DROP TABLE overrides;
    ALTER TABLE overrides_v2 RENAME TO overrides;
    CREATE INDEX overrides_example ON overrides (example_id, seq);
    """,
    # v3: the LLM call cache (judge, teacher): one row per answered call, keyed by provider,
    # model, prompt hash and params, so a rerun pays nothing; and open Message Batches, so a
    # killed run picks its batch up again instead of paying for a second one.
    """
    CREATE TABLE llm_calls (
        cache_key TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        answer TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE llm_batches (
        batch_id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        requests_hash TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX llm_batches_requests ON llm_batches (requests_hash, status);
    """,
    # v4: PII span decisions: a person marks a text in an example as not PII, or as a missed
    # entity; the pii stage applies the latest standing verdict per (example, text) every run.
    """
    CREATE TABLE pii_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id TEXT NOT NULL,
        text TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('not_pii', 'pii', 'clear')),
        entity TEXT,
        note TEXT NOT NULL DEFAULT '',
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX pii_decisions_key ON pii_decisions (example_id, text, seq);
    """,
    # v5: annotations from other annotators (Label Studio, imported files), one row per
    # label given, latest per (item, annotator) standing; and adjudicated labels for items
    # the annotators disagreed on.
    """
    CREATE TABLE annotations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        annotator TEXT NOT NULL,
        label TEXT NOT NULL,
        score REAL,
        comment TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX annotations_key ON annotations (item_id, annotator, seq);
    CREATE TABLE adjudications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        label TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX adjudications_item ON adjudications (item_id, seq);
    """,
]


@dataclass(frozen=True)
class Override:
    """The standing human decision on one example."""

    example_id: str
    action: Action
    reason: str
    annotator: str
    created_at: str


def default_annotator() -> str:
    """Who is deciding: $CURATE_ANNOTATOR, else the login name."""
    return os.environ.get("CURATE_ANNOTATOR") or getpass.getuser()


def now() -> str:
    """An ISO timestamp in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class DecisionStore:
    """Read and write ``workspace.db``; every write is its own committed transaction."""

    def __init__(self, workspace: Path, *, annotator: str | None = None) -> None:
        workspace.mkdir(parents=True, exist_ok=True)
        self.path = workspace / DB_NAME
        self.annotator = annotator or default_annotator()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DecisionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction():
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {step}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # overrides ---------------------------------------------------------------------------

    def set_override(self, example_id: str, action: Action | Literal["clear"], reason: str) -> None:
        """Force-keep, force-drop, or mark an example distinct from its near-duplicates
        (``clear`` withdraws the decision)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO overrides (example_id, action, reason, annotator, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (example_id, action, reason, self.annotator, now()),
            )

    def overrides(self) -> dict[str, Override]:
        """The latest standing decision per example."""
        rows = self._db.execute(
            "SELECT example_id, action, reason, annotator, created_at FROM overrides o "
            "WHERE seq = (SELECT MAX(seq) FROM overrides WHERE example_id = o.example_id) "
            "AND action != 'clear' ORDER BY example_id"
        ).fetchall()
        return {row[0]: Override(*row) for row in rows}

    def overrides_fingerprint(self) -> str:
        """Changes whenever the standing decisions change; part of a run's fingerprint."""
        digest = hashlib.sha256()
        for example_id, item in self.overrides().items():
            digest.update(f"{example_id}\0{item.action}\n".encode())
        # PII span decisions change what the pii stage keeps and writes, so they count too
        # (nothing is added while there are none, which keeps older fingerprints valid).
        for row in self._db.execute(
            "SELECT example_id, text, verdict, entity FROM pii_decisions ORDER BY seq"
        ):
            digest.update("\0".join(map(str, row)).encode() + b"\n")
        return digest.hexdigest()[:16]

    # runs index --------------------------------------------------------------------------

    def record_run(
        self, run_id: str, run_dir: Path, pipeline: str, status: str, message: str = ""
    ) -> None:
        """Insert or update a run's row in the index."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (run_id, run_dir, pipeline, status, message, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET "
                "run_dir = excluded.run_dir, status = excluded.status, "
                "message = excluded.message, updated_at = excluded.updated_at",
                (run_id, str(run_dir), pipeline, status, message, now()),
            )

    def runs(self) -> list[dict[str, str]]:
        """Every run the workspace knows, newest first."""
        cursor = self._db.execute(
            "SELECT run_id, run_dir, pipeline, status, message, updated_at FROM runs "
            "ORDER BY updated_at DESC, run_id"
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @property
    def connection(self) -> sqlite3.Connection:
        """For the audit module, which keeps its own queries."""
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One committed write transaction."""
        with self._transaction() as db:
            yield db
