"""The ``annotations`` and ``adjudications`` tables: other annotators' labels, settled ones.

Every label given is a row; the latest per (item, annotator) stands, and the latest
adjudication per item is its settled label.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB


class Annotation(NamedTuple):
    """One label an annotator gave an item."""

    item_id: str
    annotator: str
    label: str
    score: float | None
    comment: str = ""


class AnnotationStore:
    """Reads and writes annotations and adjudications."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def add(self, annotations: Iterable[Annotation], source: str) -> int:
        """Store labels from one source (``labelstudio:<project>``, a file…); returns how many."""
        rows = [(*a, source, now()) for a in annotations]
        with self.db.transaction() as tx:
            tx.executemany(
                "INSERT INTO annotations (item_id, annotator, label, score, comment, source, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def standing(self) -> list[tuple[str, str, str, float | None]]:
        """(item_id, annotator, label, score): the latest label per item and annotator."""
        return self.db.connection.execute(
            "SELECT item_id, annotator, label, score FROM annotations a WHERE seq = (SELECT "
            "MAX(seq) FROM annotations WHERE item_id = a.item_id AND annotator = a.annotator)"
        ).fetchall()

    def adjudicate(self, item_id: str, label: str, note: str = "") -> None:
        """Store the settled label for an item (the latest one stands)."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO adjudications (item_id, label, note, annotator, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (item_id, label, note, self.db.annotator, now()),
            )

    def withdraw_adjudication(self, item_id: str) -> None:
        """Delete the item's newest adjudication (an undo); the one before, or none, stands."""
        with self.db.transaction() as tx:
            tx.execute(
                "DELETE FROM adjudications WHERE seq = "
                "(SELECT MAX(seq) FROM adjudications WHERE item_id = ?)",
                (item_id,),
            )

    def adjudications(self) -> dict[str, str]:
        """The standing adjudicated label per item."""
        rows = self.db.connection.execute(
            "SELECT item_id, label FROM adjudications a "
            "WHERE seq = (SELECT MAX(seq) FROM adjudications WHERE item_id = a.item_id)"
        ).fetchall()
        return dict(rows)
