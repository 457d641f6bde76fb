"""Agreement statistics over a ratings table, computed by the kept libraries.

scikit-learn gives Cohen's kappa and confusion matrices, statsmodels Fleiss' kappa, the
``krippendorff`` package alpha. Only percent agreement and majority votes are counted here.
"""

from __future__ import annotations

import importlib
import itertools
import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Literal

import numpy as np
import polars as pl

from curate.errors import CurateError

Level = Literal["nominal", "ordinal", "interval"]


@cache
def library(name: str) -> ModuleType:
    """One of the agreement libraries, imported on first use: the TUI and every other
    command work without the ``agree`` extra (and start without scikit-learn's 3 s import)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise CurateError(
            f"agreement statistics need {name.split('.')[0]}",
            hint="pip install 'curate[agree]'",
        ) from None


@dataclass(frozen=True)
class Figure:
    """One statistic: its value, or None with the reason it is undefined."""

    value: float | None
    n: int
    note: str = ""

    @property
    def defined(self) -> bool:
        return self.value is not None


def _figure(value: float, n: int, why: str) -> Figure:
    if value is None or not math.isfinite(value):
        return Figure(None, n, why)
    return Figure(float(value), n)


def labels_of(ratings: pl.DataFrame) -> list[str]:
    """The label set, sorted (scores order them when every label has one)."""
    scored = ratings.drop_nulls("score").group_by("label").agg(pl.col("score").mean())
    labels = sorted(ratings["label"].unique().to_list())
    if scored.height == len(labels):
        order = dict(zip(scored["label"], scored["score"], strict=True))
        labels.sort(key=lambda label: (order[label], label))
    return labels


def wide(ratings: pl.DataFrame) -> tuple[list[str], list[str], list[list[str | None]]]:
    """(items, annotators, labels[annotator][item]) with None where one did not rate."""
    items = sorted(ratings["item_id"].unique().to_list())
    annotators = sorted(ratings["annotator"].unique().to_list())
    cell = {
        (r["annotator"], r["item_id"]): r["label"]
        for r in ratings.select("annotator", "item_id", "label").iter_rows(named=True)
    }
    return items, annotators, [[cell.get((a, i)) for i in items] for a in annotators]


def percent_agreement(ratings: pl.DataFrame) -> Figure:
    """Share of agreeing rater pairs, averaged over items rated at least twice."""
    per_item = []
    for _, group in ratings.group_by("item_id"):
        counts = Counter(group["label"].to_list())
        m = sum(counts.values())
        if m >= 2:
            per_item.append(sum(c * (c - 1) for c in counts.values()) / (m * (m - 1)))
    if not per_item:
        return Figure(None, 0, "no item has two ratings")
    return Figure(sum(per_item) / len(per_item), len(per_item))


def cohen(a: list[str], b: list[str], labels: list[str]) -> Figure:
    """Cohen's kappa of two annotators over the items both rated."""
    if not a:
        return Figure(None, 0, "no items rated by both")
    if len(set(a) | set(b)) < 2:
        return Figure(None, len(a), f"undefined: every rating is '{a[0]}' (one category)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = library("sklearn.metrics").cohen_kappa_score(a, b, labels=labels)
    return _figure(value, len(a), "undefined: chance agreement is 1")


def fleiss(ratings: pl.DataFrame) -> Figure:
    """Fleiss' kappa over the items rated by the most common number of raters."""
    items, _, grid = wide(ratings)
    columns = [[row[j] for row in grid if row[j] is not None] for j in range(len(items))]
    sizes = Counter(len(c) for c in columns if len(c) >= 2)
    if not sizes:
        return Figure(None, 0, "no item has two ratings")
    m = sizes.most_common(1)[0][0]
    rows = [c for c in columns if len(c) == m]
    labels = sorted({label for row in rows for label in row})
    if len(labels) < 2:
        return Figure(None, len(rows), f"undefined: every rating is '{labels[0]}' (one category)")
    codes = np.array([[labels.index(x) for x in row] for row in rows])
    inter_rater = library("statsmodels.stats.inter_rater")
    table, _ = inter_rater.aggregate_raters(codes, n_cat=len(labels))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = inter_rater.fleiss_kappa(table, method="fleiss")
    note = "" if len(rows) == len(items) else f"over {len(rows)} items with {m} raters each"
    result = _figure(value, len(rows), "undefined")
    return Figure(result.value, result.n, result.note or note)


def alpha(ratings: pl.DataFrame, level: Level = "nominal") -> Figure:
    """Krippendorff's alpha; missing ratings allowed. Ordinal/interval use the score when
    every rating has one, else the label's rank in ``labels_of`` (or the label as a number)."""
    items = sorted(ratings["item_id"].unique().to_list())
    annotators = sorted(ratings["annotator"].unique().to_list())
    labels = labels_of(ratings)
    value_of = _values(ratings, labels, level)
    data = np.full((len(annotators), len(items)), np.nan)
    col = {item: j for j, item in enumerate(items)}
    row = {a: i for i, a in enumerate(annotators)}
    for r in ratings.iter_rows(named=True):
        data[row[r["annotator"]], col[r["item_id"]]] = value_of(r)
    pairable = int(((~np.isnan(data)).sum(axis=0) >= 2).sum())
    if pairable == 0:
        return Figure(None, 0, "no item has two ratings")
    if len(np.unique(data[~np.isnan(data)])) < 2:
        return Figure(None, pairable, "undefined: one value only")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = library("krippendorff").alpha(reliability_data=data, level_of_measurement=level)
    return _figure(value, pairable, "undefined")


def _values(ratings: pl.DataFrame, labels: list[str], level: Level):  # type: ignore[no-untyped-def]
    if level == "nominal":
        return lambda r: labels.index(r["label"])
    if ratings["score"].null_count() == 0:
        return lambda r: float(r["score"])
    if level == "interval":
        try:
            [float(x) for x in labels]
        except ValueError:
            return lambda r: labels.index(r["label"])
        return lambda r: float(r["label"])
    return lambda r: labels.index(r["label"])


@dataclass
class PairResult:
    """Cohen's kappa and the confusion matrix (rows: first annotator) for one pair."""

    first: str
    second: str
    kappa: Figure
    labels: list[str]
    confusion: list[list[int]] = field(default_factory=list)


def pairwise(ratings: pl.DataFrame) -> list[PairResult]:
    """Every annotator pair: kappa over the items both rated, and their confusion matrix."""
    _, annotators, grid = wide(ratings)
    labels = labels_of(ratings)
    results = []
    for (i, a), (j, b) in itertools.combinations(enumerate(annotators), 2):
        both = [(x, y) for x, y in zip(grid[i], grid[j], strict=True) if x and y]
        xs, ys = [x for x, _ in both], [y for _, y in both]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # one label only: still a 1x1 matrix
            metrics = library("sklearn.metrics")
            matrix = metrics.confusion_matrix(xs, ys, labels=labels).tolist() if both else []
        results.append(PairResult(a, b, cohen(xs, ys, labels), labels, matrix))
    return results


def majority(labels: list[str]) -> str | None:
    """The most common label, or None on a tie or no labels."""
    top = Counter(labels).most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def agreement_with_majority(ratings: pl.DataFrame) -> dict[str, Figure]:
    """Per annotator: how often their label matches the majority of the others."""
    _, annotators, grid = wide(ratings)
    result = {}
    for i, name in enumerate(annotators):
        hits = total = 0
        for j, own in enumerate(grid[i]):
            others = [grid[k][j] for k in range(len(annotators)) if k != i and grid[k][j]]
            vote = majority([x for x in others if x]) if own else None
            if vote is not None:
                total += 1
                hits += own == vote
        result[name] = Figure(hits / total, total) if total else Figure(None, 0, "no majority")
    return result


def per_label(ratings: pl.DataFrame) -> dict[str, Figure]:
    """Per label: Fleiss' kappa of that label against all others (Fleiss 1971, eq. 14)."""
    out = {}
    for label in labels_of(ratings):
        binary = ratings.with_columns(
            pl.when(pl.col("label") == label)
            .then(pl.lit(label))
            .otherwise(pl.lit("~other"))
            .alias("label")
        )
        out[label] = fleiss(binary)
    return out
