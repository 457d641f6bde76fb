"""The ``label_decisions`` table: a person's keep / drop / relabel of a label-issue suspect.

A decision names an example and a label field (``answer.team``); the latest per (example,
field) stands, ``clear`` withdraws it. The label_issues stage applies the standing ones on
every run, and they count in the run fingerprint, so a decision reruns what it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from curate.errors import CurateError
from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB

LabelAction = Literal["keep", "drop", "relabel"]


@dataclass(frozen=True)
class LabelDecision:
    """The standing decision on one label of one example."""

    example_id: str
    field: str
    action: LabelAction
    label: str | None  # the new label, for relabel
    note: str
    annotator: str
    created_at: str


class LabelDecisionStore:
    """Reads and writes label decisions; every row is kept, the latest per (example, field)
    stands."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def decide(
        self,
        example_id: str,
        field: str,
        action: LabelAction | Literal["clear"],
        *,
        label: str | None = None,
        note: str = "",
    ) -> None:
        """Record a decision (committed at once); ``relabel`` needs the new ``label``."""
        if action == "relabel" and not label:
            raise CurateError("relabelling needs the new label", field="label")
        if action != "relabel":
            label = None
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO label_decisions "
                "(example_id, field, action, label, note, annotator, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (example_id, field, action, label, note, self.db.annotator, now()),
            )

    def standing(self, field: str | None = None) -> dict[tuple[str, str], LabelDecision]:
        """Standing decisions by (example id, field), for one field or all."""
        rows = self.db.connection.execute(
            "SELECT example_id, field, action, label, note, annotator, created_at "
            "FROM label_decisions d WHERE seq = (SELECT MAX(seq) FROM label_decisions "
            "WHERE example_id = d.example_id AND field = d.field) AND action != 'clear' "
            "ORDER BY example_id, field"
        ).fetchall()
        return {
            (row[0], row[1]): LabelDecision(*row)
            for row in rows
            if field is None or row[1] == field
        }

    def fingerprint_rows(self) -> list[tuple[str, str, str, str | None]]:
        """Every decision ever made, oldest first, as (example_id, field, action, label): the
        rows the overrides fingerprint hashes."""
        return self.db.connection.execute(
            "SELECT example_id, field, action, label FROM label_decisions ORDER BY seq"
        ).fetchall()
