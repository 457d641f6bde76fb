"""The ``pii_decisions`` table: "this is not PII", "this missed span is an EMAIL".

A mark names an example and a text in it, not offsets, so a person can type it; the pii
stage applies the latest standing verdict per (example, text) on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from curate.errors import CurateError
from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB

PiiVerdict = Literal["not_pii", "pii", "clear"]


@dataclass(frozen=True)
class SpanDecision:
    """A person's standing verdict on one text of one example."""

    example_id: str
    text: str
    verdict: Literal["not_pii", "pii"]
    entity: str | None
    note: str
    annotator: str
    created_at: str


class PiiMarkStore:
    """Reads and writes PII span marks; every row is kept, the latest per (example, text)
    stands."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def mark(
        self,
        example_id: str,
        text: str,
        *,
        verdict: PiiVerdict,
        entity: str | None = None,
        note: str = "",
    ) -> None:
        """Record a verdict (committed at once); ``clear`` withdraws the standing one."""
        if not text.strip():
            raise CurateError("the marked text is empty", field="text")
        if verdict == "pii" and not entity:
            raise CurateError("marking a missed span needs its entity type", field="entity")
        if verdict != "pii":
            entity = None
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO pii_decisions "
                "(example_id, text, verdict, entity, note, annotator, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (example_id, text, verdict, entity, note, self.db.annotator, now()),
            )

    def standing(self, example_ids: list[str] | None = None) -> dict[str, list[SpanDecision]]:
        """Standing decisions by example id (all examples when ``example_ids`` is None)."""
        rows = self.db.connection.execute(
            "SELECT example_id, text, verdict, entity, note, annotator, created_at "
            "FROM pii_decisions d WHERE seq = (SELECT MAX(seq) FROM pii_decisions "
            "WHERE example_id = d.example_id AND text = d.text) AND verdict != 'clear' "
            "ORDER BY example_id, seq"
        ).fetchall()
        wanted = None if example_ids is None else set(example_ids)
        out: dict[str, list[SpanDecision]] = {}
        for row in rows:
            if wanted is None or row[0] in wanted:
                out.setdefault(row[0], []).append(SpanDecision(*row))
        return out

    def fingerprint_rows(self) -> list[tuple[str, str, str, str | None]]:
        """Every mark ever made, oldest first, as (example_id, text, verdict, entity): the
        rows the overrides fingerprint hashes."""
        return self.db.connection.execute(
            "SELECT example_id, text, verdict, entity FROM pii_decisions ORDER BY seq"
        ).fetchall()
