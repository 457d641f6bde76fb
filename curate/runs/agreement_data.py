"""A workspace's ratings with their agreement report, the disputed items and those items' text.

The ratings are every stored annotation (Label Studio pulls, imports, TUI audits); the text
of a disputed item comes from the newest runs that still hold the example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.agreement import AgreementReport, agreement_report, disagreements, store_ratings
from curate.agreement.review import Disagreement
from curate.agreement.stats import labels_of
from curate.errors import CurateError
from curate.runs.views import list_runs, load_examples
from curate.workspace import WorkspaceDB

RUNS_SEARCHED = 5  # the item text comes from the newest runs that still hold the example
ReadExamples = Callable[[Path], pl.DataFrame]  # run folder -> its examples, as load_examples


@dataclass
class AgreementData:
    """The ratings and what follows from them; ``report`` is None under two annotators."""

    ratings: pl.DataFrame
    report: AgreementReport | None
    queue: list[Disagreement]
    labels: list[str]
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def annotators(self) -> list[str]:
        """Everyone who rated anything, sorted."""
        if self.ratings.is_empty():
            return []
        return self.ratings["annotator"].unique().sort().to_list()


def load_agreement(
    store: WorkspaceDB, workspace: Path, read_examples: ReadExamples = load_examples
) -> AgreementData:
    """Read every stored rating and, with two annotators or more, report on it."""
    ratings = store_ratings(store)
    if ratings.is_empty():
        return AgreementData(ratings, None, [], [])
    labels = labels_of(ratings)
    if ratings["annotator"].n_unique() < 2:
        return AgreementData(ratings, None, [], labels)
    report = agreement_report(ratings)
    queue = disagreements(ratings, store)
    examples = find_examples(workspace, {item.item_id for item in queue}, read_examples)
    return AgreementData(ratings, report, queue, labels, examples)


def find_examples(
    workspace: Path, ids: set[str], read_examples: ReadExamples = load_examples
) -> dict[str, dict[str, Any]]:
    """The examples with these ids, as load_examples gives them, from the newest runs first."""
    found: dict[str, dict[str, Any]] = {}
    for run in list_runs(workspace)[:RUNS_SEARCHED]:
        missing = ids - found.keys()
        if not missing:
            break
        try:
            frame = read_examples(run.run_dir)
        except (OSError, pl.exceptions.PolarsError, CurateError):
            continue  # a broken run folder must not hide the agreement figures
        if "id" not in frame.columns:
            continue
        for row in frame.filter(pl.col("id").is_in(list(missing))).iter_rows(named=True):
            found.setdefault(row["id"], row)
    return found
