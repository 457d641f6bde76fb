"""The ``audits``, ``audit_items`` and ``audit_verdicts`` tables: drawn samples and verdicts.

Drawing the sample and judging the gate stay in ``curate.audit``; this module only stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB
    from curate.workspace.overrides import OverrideStore

AuditVerdict = Literal["pass", "fail", "skip"]


class AuditRecord(NamedTuple):
    """An audit's row: which run it samples, and the pass rate its gate needs."""

    run_id: str
    run_dir: str
    pipeline: str
    threshold: float


class AuditRow(NamedTuple):
    """One sampled example with its latest verdict (None until reviewed); ``carried_from``
    names the earlier audit the verdict was carried from, None for one given here."""

    position: int
    example_id: str
    verdict: AuditVerdict | None
    note: str
    carried_from: str | None = None


class AuditStore:
    """Reads and writes audits. A verdict is committed at once, and a fail force-drops its
    example through the overrides in the same transaction."""

    def __init__(self, db: WorkspaceDB, overrides: OverrideStore) -> None:
        self.db = db
        self.overrides = overrides

    def exists(self, audit_id: str) -> bool:
        return (
            self.db.connection.execute(
                "SELECT 1 FROM audits WHERE audit_id = ?", (audit_id,)
            ).fetchone()
            is not None
        )

    def create(
        self,
        audit_id: str,
        run_dir: Path,
        *,
        pipeline: str,
        seed: int,
        stratify: str | None,
        threshold: float,
        example_ids: list[str],
    ) -> None:
        """Store a drawn sample, its items in order."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO audits (audit_id, run_id, run_dir, pipeline, size, seed, stratify, "
                "threshold, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    audit_id,
                    run_dir.name,
                    str(run_dir),
                    pipeline,
                    len(example_ids),
                    seed,
                    stratify,
                    threshold,
                    self.db.annotator,
                    now(),
                ),
            )
            tx.executemany(
                "INSERT INTO audit_items (audit_id, position, example_id) VALUES (?, ?, ?)",
                [(audit_id, pos, example_id) for pos, example_id in enumerate(example_ids)],
            )

    def carry_verdicts(self, audit_id: str, pipeline: str) -> int:
        """Copy into ``audit_id`` the newest pass or fail each of its examples got in an
        earlier audit of ``pipeline``; returns how many. An example's id hashes its content,
        so a verdict carried by id is a verdict on the same text. Overrides are left as they
        stand: a carried fail already force-dropped its example when it was given."""
        with self.db.transaction() as tx:
            cursor = tx.execute(
                "INSERT INTO audit_verdicts (audit_id, example_id, verdict, note, annotator, "
                "created_at, carried_from) "
                "SELECT ?, v.example_id, v.verdict, v.note, v.annotator, ?, "
                "COALESCE(v.carried_from, v.audit_id) FROM audit_verdicts v "
                "JOIN audit_items i ON i.audit_id = ? AND i.example_id = v.example_id "
                "WHERE v.seq = (SELECT MAX(w.seq) FROM audit_verdicts w "
                "JOIN audits a ON a.audit_id = w.audit_id WHERE w.example_id = v.example_id "
                "AND w.audit_id != ? AND a.pipeline = ? AND w.verdict != 'skip') "
                "ORDER BY i.position",
                (audit_id, now(), audit_id, audit_id, pipeline),
            )
            return cursor.rowcount

    def record_verdict(
        self, audit_id: str, example_id: str, verdict: AuditVerdict, note: str = ""
    ) -> None:
        """Commit a verdict now. A fail also force-drops the example; a later pass withdraws
        that."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO audit_verdicts (audit_id, example_id, verdict, note, annotator, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (audit_id, example_id, verdict, note, self.db.annotator, now()),
            )
            previous = self.overrides.latest(tx, example_id)
            ours = previous is not None and previous[1].startswith(f"audit {audit_id}")
            if verdict == "fail":
                action, reason = "drop", f"audit {audit_id} failed" + (f": {note}" if note else "")
            elif ours and previous[0] == "drop":
                action, reason = "clear", f"audit {audit_id} verdict changed to {verdict}"
            else:
                return
            self.overrides.insert(tx, example_id, action, reason)

    def withdraw_verdict(self, audit_id: str, example_id: str) -> None:
        """Delete the newest verdict on the example in this audit (an undo), so the one
        before it, or none, stands again. Overrides are the caller's to put back."""
        with self.db.transaction() as tx:
            tx.execute(
                "DELETE FROM audit_verdicts WHERE seq = (SELECT MAX(seq) FROM audit_verdicts "
                "WHERE audit_id = ? AND example_id = ?)",
                (audit_id, example_id),
            )

    def record(self, audit_id: str) -> AuditRecord | None:
        """The audit's row, or None when there is no such audit."""
        row = self.db.connection.execute(
            "SELECT run_id, run_dir, pipeline, threshold FROM audits WHERE audit_id = ?",
            (audit_id,),
        ).fetchone()
        return AuditRecord(*row) if row else None

    def items(self, audit_id: str) -> list[AuditRow]:
        """The audit's items in sample order, each with its latest verdict."""
        rows = self.db.connection.execute(
            "SELECT i.position, i.example_id, v.verdict, v.note, v.carried_from FROM audit_items i "
            "LEFT JOIN audit_verdicts v ON v.seq = (SELECT MAX(seq) FROM audit_verdicts "
            "WHERE audit_id = i.audit_id AND example_id = i.example_id) "
            "WHERE i.audit_id = ? ORDER BY i.position",
            (audit_id,),
        ).fetchall()
        return [
            AuditRow(pos, eid, verdict, note or "", carried)
            for pos, eid, verdict, note, carried in rows
        ]

    def latest_id(self, *, pipeline: str | None = None, run_id: str | None = None) -> str | None:
        """The id of the newest audit of a pipeline (or of one run), or None."""
        query, args = "SELECT audit_id FROM audits WHERE 1 = 1", []
        if pipeline is not None:
            query, args = query + " AND pipeline = ?", [*args, pipeline]
        if run_id is not None:
            query, args = query + " AND run_id = ?", [*args, run_id]
        row = self.db.connection.execute(
            query + " ORDER BY created_at DESC, rowid DESC LIMIT 1", args
        ).fetchone()
        return row[0] if row else None

    def standing_verdicts(self) -> list[tuple[str, str, AuditVerdict]]:
        """(example_id, annotator, verdict): the latest pass or fail per example and
        annotator, across every audit (skips left out)."""
        return self.db.connection.execute(
            "SELECT example_id, annotator, verdict FROM audit_verdicts v WHERE verdict != 'skip' "
            "AND seq = (SELECT MAX(seq) FROM audit_verdicts WHERE example_id = v.example_id "
            "AND annotator = v.annotator)"
        ).fetchall()
