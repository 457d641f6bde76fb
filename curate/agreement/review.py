"""The review queue: items the annotators disagree on, and adjudicated labels."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.agreement.stats import majority
from curate.workspace import WorkspaceDB
from curate.workspace.annotations import Annotation


@dataclass(frozen=True)
class Disagreement:
    """One item whose annotators gave different labels; ``adjudicated`` once settled."""

    item_id: str
    labels: dict[str, str]
    majority: str | None
    adjudicated: str | None = None


def disagreements(
    ratings: pl.DataFrame, store: WorkspaceDB | None = None, *, pending_only: bool = False
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


def adjudicate(store: WorkspaceDB, item_id: str, label: str, note: str = "") -> None:
    """Store the settled label for an item (the latest one stands)."""
    store.annotations.adjudicate(item_id, label, note)


def adjudications(store: WorkspaceDB) -> dict[str, str]:
    """The standing adjudicated label per item."""
    return store.annotations.adjudications()


def record_annotations(store: WorkspaceDB, ratings: pl.DataFrame, source: str) -> int:
    """Store ratings (with an optional ``comment`` column) as annotations; returns the count."""
    comments = ratings["comment"] if "comment" in ratings.columns else [""] * ratings.height
    return store.annotations.add(
        (
            Annotation(r["item_id"], r["annotator"], r["label"], r["score"], c or "")
            for r, c in zip(ratings.iter_rows(named=True), comments, strict=True)
        ),
        source,
    )
