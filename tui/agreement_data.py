"""What the Agreement screen shows: the workspace's ratings, their report, the review queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from curate.agreement import AgreementReport, agreement_report, disagreements, store_ratings
from curate.agreement.review import Disagreement
from curate.agreement.stats import labels_of
from curate.errors import CurateError
from curate.run.views import list_runs
from tui.session import Session

EMPTY_HINT = (
    "No annotations in workspace.db yet. Pull them from Label Studio with "
    "`curate labelstudio pull --project NAME`, or audit a run here (a on Home) as one of "
    "the annotators. `curate agree FILE` reports on a ratings file without storing it."
)
RUNS_SEARCHED = 5  # the item text comes from the newest runs that still hold the example


@dataclass
class AgreementData:
    """The ratings and what follows from them; ``problem`` says why there is no report."""

    ratings: pl.DataFrame
    report: AgreementReport | None
    queue: list[Disagreement]
    labels: list[str]
    problem: str = ""
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_agreement(session: Session) -> AgreementData:
    """Read every stored rating (Label Studio pulls, imports, TUI audits) and report on it."""
    ratings = store_ratings(session.store)
    if ratings.is_empty():
        return AgreementData(ratings, None, [], [], EMPTY_HINT)
    labels = labels_of(ratings)
    annotators = ratings["annotator"].unique().sort().to_list()
    if len(annotators) < 2:
        problem = (
            f"Agreement needs two annotators; only {annotators[0]} has labelled anything. "
            + EMPTY_HINT.split(". ", 1)[1]
        )
        return AgreementData(ratings, None, [], labels, problem)
    report = agreement_report(ratings)
    queue = disagreements(ratings, session.store)
    examples = find_examples(session, {item.item_id for item in queue})
    return AgreementData(ratings, report, queue, labels, "", examples)


def find_examples(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The examples with these ids, as load_examples gives them, from the newest runs first."""
    found: dict[str, dict[str, Any]] = {}
    for run in list_runs(session.workspace)[:RUNS_SEARCHED]:
        missing = ids - found.keys()
        if not missing:
            break
        try:
            frame = session.examples.examples(run.run_dir)
        except (OSError, pl.exceptions.PolarsError, CurateError):
            continue  # a broken run folder must not hide the agreement figures
        if "id" not in frame.columns:
            continue
        for row in frame.filter(pl.col("id").is_in(list(missing))).iter_rows(named=True):
            found.setdefault(row["id"], row)
    return found


def adjudication_keys(labels: list[str]) -> dict[str, str]:
    """Key -> label: g/b for GOOD/BAD when the label set has them, 1-9 for every label."""
    keys = {str(n): label for n, label in enumerate(labels[:9], start=1)}
    for key, label in (("g", "GOOD"), ("b", "BAD")):
        if label in labels:
            keys[key] = label
    return keys
