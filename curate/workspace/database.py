"""workspace.db: the connection, its schema migrations, and the stores that own its SQL.

SQLite in WAL mode. The schema is versioned with ``PRAGMA user_version`` and migrated
step by step, never recreated, so no decision is lost across upgrades. Every table belongs
to one store module in this package; nothing outside ``curate.workspace`` issues SQL.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from curate.errors import CurateError

if TYPE_CHECKING:
    from curate.workspace.annotations import AnnotationStore
    from curate.workspace.audits import AuditStore
    from curate.workspace.llm_calls import LlmCallStore
    from curate.workspace.overrides import Action, Override, OverrideStore
    from curate.workspace.pii_marks import PiiMarkStore
    from curate.workspace.preferences import PreferenceStore
    from curate.workspace.runs_index import RunIndex

DB_NAME = "workspace.db"
BUSY_SECONDS = 30.0  # how long a write waits for another process's transaction

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
    # v6: the runs index is keyed by run folder (two --out folders of one pipeline are two
    # runs), and records the process that last wrote a run's status, so a run whose process
    # was killed shows as interrupted instead of running forever.
    """
    CREATE TABLE runs_v2 (
        run_dir TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        pid INTEGER,
        host TEXT,
        process_started REAL
    );
    INSERT OR REPLACE INTO runs_v2 (run_dir, run_id, pipeline, status, message, updated_at)
        SELECT run_dir, run_id, pipeline, status, message, updated_at FROM runs
        ORDER BY updated_at;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    """,
    # v7: label decisions on label_issues suspects (keep, drop, relabel to a named label),
    # latest per (example, label field) standing; the stage applies them on every run.
    """
    CREATE TABLE label_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id TEXT NOT NULL,
        field TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('keep', 'drop', 'relabel', 'clear')),
        label TEXT,
        note TEXT NOT NULL DEFAULT '',
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX label_decisions_key ON label_decisions (example_id, field, seq);
    """,
    # v8: remembered choices per workspace (the pipeline the TUI runs), one value per key.
    """
    CREATE TABLE preferences (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # v9: a re-audit carries a person's verdict on an unchanged example (same id, so same
    # content) from an earlier audit of the pipeline; the carried row names the audit it came from.
    """
    ALTER TABLE audit_verdicts ADD COLUMN carried_from TEXT;
    """,
]


def default_annotator() -> str:
    """Who is deciding: $CURATE_ANNOTATOR, else the login name."""
    return os.environ.get("CURATE_ANNOTATOR") or getpass.getuser()


def now() -> str:
    """An ISO timestamp in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class WorkspaceDB:
    """An open, migrated ``workspace.db``; every write is its own committed transaction.

    The stores are attributes (``audits``, ``pii_marks``, ``annotations``, ``llm_calls``,
    ``preferences``);
    overrides and the runs index keep their methods on this class (``set_override``,
    ``overrides``, ``overrides_fingerprint``, ``record_run``, ``runs``).
    """

    def __init__(self, workspace: Path, *, annotator: str | None = None) -> None:
        # The store modules import this one (for now() and the type), so they load here.
        from curate.workspace.annotations import AnnotationStore
        from curate.workspace.audits import AuditStore
        from curate.workspace.llm_calls import LlmCallStore
        from curate.workspace.overrides import OverrideStore
        from curate.workspace.pii_marks import PiiMarkStore
        from curate.workspace.preferences import PreferenceStore
        from curate.workspace.runs_index import RunIndex

        workspace.mkdir(parents=True, exist_ok=True)
        self.path = workspace / DB_NAME
        self.annotator = annotator or default_annotator()
        # the busy timeout comes first: another process may be creating the same database
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        _use_wal(self._db)
        self._db.execute("PRAGMA synchronous=NORMAL")
        try:
            self._migrate()
        except BaseException:
            self._db.close()
            raise
        self.pii_marks: PiiMarkStore = PiiMarkStore(self)
        self.annotations: AnnotationStore = AnnotationStore(self)
        self.llm_calls: LlmCallStore = LlmCallStore(self)
        self.preferences: PreferenceStore = PreferenceStore(self)
        self._overrides: OverrideStore = OverrideStore(self, self.pii_marks)
        self._runs: RunIndex = RunIndex(self)
        self.audits: AuditStore = AuditStore(self, self._overrides)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> WorkspaceDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Bring the schema up to date in one write transaction.

        The version is read inside the transaction: another process opening the same new
        workspace may have migrated it while this one waited for the lock, and a step run
        twice would fail or, worse, rebuild a table over newer data.
        """
        if self.schema_version == len(MIGRATIONS):
            return  # the common case, without taking the write lock
        with self.transaction():
            version = self.schema_version
            if version > len(MIGRATIONS):
                raise CurateError(
                    f"workspace.db is at schema version {version}, newer than this curate "
                    f"knows ({len(MIGRATIONS)})",
                    file=self.path,
                    hint="upgrade curate; the database is left as it is",
                )
            for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {step}")

    @property
    def connection(self) -> sqlite3.Connection:
        """For the stores of this package only, to read with."""
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One committed write transaction (``BEGIN IMMEDIATE``), rolled back on error."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # overrides and the runs index, kept as methods: the run and stage code calls them so

    def set_override(self, example_id: str, action: Action | Literal["clear"], reason: str) -> None:
        """Force-keep, force-drop, or mark an example distinct from its near-duplicates
        (``clear`` withdraws the decision)."""
        self._overrides.set(example_id, action, reason)

    def overrides(self) -> dict[str, Override]:
        """The latest standing decision per example."""
        return self._overrides.standing()

    def overrides_fingerprint(self) -> str:
        """Changes whenever the standing decisions change; part of a run's fingerprint."""
        return self._overrides.fingerprint()

    def record_run(
        self, run_id: str, run_dir: Path, pipeline: str, status: str, message: str = ""
    ) -> None:
        """Insert or update a run's row in the index."""
        self._runs.record(run_id, run_dir, pipeline, status, message)

    def runs(self) -> list[dict[str, str]]:
        """Every run the workspace knows, newest first."""
        return self._runs.all()


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the database to WAL. The switch needs the database to itself and SQLite does
    not wait for it (the busy timeout does not apply), so while another process migrates
    an old workspace it is tried again, up to the busy timeout."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
