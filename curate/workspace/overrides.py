"""The ``overrides`` table: force-keep, force-drop and distinct decisions, latest one standing."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from curate.workspace.database import now
from curate.workspace.label_decisions import LabelDecisionStore

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB
    from curate.workspace.pii_marks import PiiMarkStore

Action = Literal["keep", "drop", "distinct"]


@dataclass(frozen=True)
class Override:
    """The standing human decision on one example."""

    example_id: str
    action: Action
    reason: str
    annotator: str
    created_at: str


class OverrideStore:
    """Reads and writes ``overrides``; every row is kept, the latest per example stands."""

    def __init__(self, db: WorkspaceDB, pii_marks: PiiMarkStore) -> None:
        self.db = db
        self.pii_marks = pii_marks

    def set(self, example_id: str, action: Action | Literal["clear"], reason: str) -> None:
        """Commit a decision now (``clear`` withdraws the standing one)."""
        with self.db.transaction() as tx:
            self.insert(tx, example_id, action, reason)

    def insert(
        self,
        tx: sqlite3.Connection,
        example_id: str,
        action: Action | Literal["clear"],
        reason: str,
    ) -> None:
        """Add a decision inside the caller's open transaction."""
        tx.execute(
            "INSERT INTO overrides (example_id, action, reason, annotator, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (example_id, action, reason, self.db.annotator, now()),
        )

    def latest(self, tx: sqlite3.Connection, example_id: str) -> tuple[str, str] | None:
        """The newest row's (action, reason) for an example, ``clear`` included."""
        return tx.execute(
            "SELECT action, reason FROM overrides WHERE example_id = ? ORDER BY seq DESC LIMIT 1",
            (example_id,),
        ).fetchone()

    def standing(self) -> dict[str, Override]:
        """The latest standing decision per example."""
        rows = self.db.connection.execute(
            "SELECT example_id, action, reason, annotator, created_at FROM overrides o "
            "WHERE seq = (SELECT MAX(seq) FROM overrides WHERE example_id = o.example_id) "
            "AND action != 'clear' ORDER BY example_id"
        ).fetchall()
        return {row[0]: Override(*row) for row in rows}

    def fingerprint(self) -> str:
        """Changes whenever the standing decisions change; part of a run's fingerprint."""
        digest = hashlib.sha256()
        for example_id, item in self.standing().items():
            digest.update(f"{example_id}\0{item.action}\n".encode())
        # PII span decisions change what the pii stage keeps and writes, so they count too
        # (nothing is added while there are none, which keeps older fingerprints valid).
        for row in self.pii_marks.fingerprint_rows():
            digest.update("\0".join(map(str, row)).encode() + b"\n")
        # label decisions change what label_issues keeps and writes, the same way
        for row in LabelDecisionStore(self.db).fingerprint_rows():
            digest.update(b"label\0" + "\0".join(map(str, row)).encode() + b"\n")
        return digest.hexdigest()[:16]
