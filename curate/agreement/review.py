"""The review queue: items the annotators disagree on, and adjudicated labels."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.agreement.stats import majority
from curate.decisions import DecisionStore, now


@dataclass(frozen=True)
class Disagreement:
    """One item whose annotators gave different labels; ``adjudicated`` once settled."""

    item_id: str
    labels: dict[str, str]
    majority: str | None
    adjudicated: str | None = None


def disagreements(
    ratings: pl.DataFrame, store: DecisionStore | None = None, *, pending_only: bool = False
) -> list[Disagreement]:
    """Every item with more than one distinct label, with each annotator's label."""
    settled = adjudications(store) if store is not None else {}
    queue = []
    for (item,), group in ratings.sort("item_id", "annotator").group_by(
        "item_id", maintain_order=True
    ):
        labels = dict(zip(group["annotator"], group["label"], strict=True))
        if len(set(labels.values())) > 1:
            item_id = str(item)
            if pending_only and item_id in settled:
                continue
            vote = majority(list(labels.values()))
            queue.append(Disagreement(item_id, labels, vote, settled.get(item_id)))
    return queue


def adjudicate(store: DecisionStore, item_id: str, label: str, note: str = "") -> None:
    """Store the settled label for an item (the latest one stands)."""
    with store.transaction() as db:
        db.execute(
            "INSERT INTO adjudications (item_id, label, note, annotator, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (item_id, label, note, store.annotator, now()),
        )


def adjudications(store: DecisionStore) -> dict[str, str]:
    """The standing adjudicated label per item."""
    rows = store.connection.execute(
        "SELECT item_id, label FROM adjudications a "
        "WHERE seq = (SELECT MAX(seq) FROM adjudications WHERE item_id = a.item_id)"
    ).fetchall()
    return dict(rows)


def record_annotations(store: DecisionStore, ratings: pl.DataFrame, source: str) -> int:
    """Store ratings (with an optional ``comment`` column) as annotations; returns the count."""
    comments = ratings["comment"] if "comment" in ratings.columns else [""] * ratings.height
    rows = [
        (r["item_id"], r["annotator"], r["label"], r["score"], c or "", source, now())
        for r, c in zip(ratings.iter_rows(named=True), comments, strict=True)
    ]
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO annotations (item_id, annotator, label, score, comment, source, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)
