"""The agreement report: every figure with its interpretation band."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from curate.agreement import stats
from curate.agreement.stats import Figure, Level, PairResult


def kappa_band(value: float | None) -> str:
    """Landis & Koch (1977)."""
    if value is None:
        return "undefined"
    if value < 0:
        return "poor"
    bands = ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"))
    return next((name for limit, name in bands if value <= limit), "almost perfect")


def alpha_band(value: float | None) -> str:
    """Krippendorff (2004): >= 0.8 reliable, >= 0.667 tentative conclusions only."""
    if value is None:
        return "undefined"
    return "reliable" if value >= 0.8 else "tentative" if value >= 0.667 else "unreliable"


@dataclass
class AgreementReport:
    """Overall, per-label, per-annotator and per-pair agreement of one ratings table."""

    items: int
    annotators: list[str]
    labels: list[str]
    percent: Figure
    fleiss: Figure
    alpha: dict[str, Figure]
    per_label: dict[str, Figure]
    with_majority: dict[str, Figure]
    pairs: list[PairResult] = field(default_factory=list)

    def headline(self, metric: str = "alpha") -> Figure:
        """The figure a threshold is checked against: nominal alpha, fleiss or percent."""
        if metric == "alpha":
            return self.alpha["nominal"]
        return self.fleiss if metric == "fleiss" else self.percent


def agreement_report(
    ratings: pl.DataFrame, levels: tuple[Level, ...] = ("nominal",)
) -> AgreementReport:
    """Compute every statistic for a ratings table (columns item_id, annotator, label, score)."""
    return AgreementReport(
        items=ratings["item_id"].n_unique(),
        annotators=sorted(ratings["annotator"].unique().to_list()),
        labels=stats.labels_of(ratings),
        percent=stats.percent_agreement(ratings),
        fleiss=stats.fleiss(ratings),
        alpha={level: stats.alpha(ratings, level) for level in levels},
        per_label=stats.per_label(ratings),
        with_majority=stats.agreement_with_majority(ratings),
        pairs=stats.pairwise(ratings),
    )


def shown(figure: Figure, band: str = "") -> str:
    """``0.430 (moderate, n=30)`` or ``undefined: ...``."""
    if figure.value is None:
        return figure.note or "undefined"
    extra = ", ".join(x for x in (band, f"n={figure.n}", figure.note) if x)
    return f"{figure.value:.3f} ({extra})"
