"""Confidence intervals and paired tests for eval metrics, with scipy and statsmodels.

Every interval is a seeded bootstrap over test rows (``scipy.stats.bootstrap``, BCa, falling
back to the percentile interval when every resample agrees). Tuned-vs-baseline comparisons
are paired on the same rows: McNemar's exact test for per-row right/wrong, a paired bootstrap
of the mean difference for continuous scores (ROUGE-L, reference loss).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

CONFIDENCE = 0.95
ALPHA = 0.05
POWER = 0.8
Verdict = Literal["better", "worse", "no detectable difference at this test size"]
NO_DIFFERENCE: Verdict = "no detectable difference at this test size"


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval."""

    low: float
    high: float
    level: float = CONFIDENCE

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def bootstrap_interval(
    samples: tuple[np.ndarray, ...],
    statistic: Callable[..., np.ndarray],
    *,
    seed: int,
    resamples: int,
) -> Interval:
    """The bootstrap interval of ``statistic(*samples, axis=-1)``, the samples resampled
    together (row i of each sample stays with row i of the others)."""
    from scipy.stats import bootstrap

    arrays = tuple(np.asarray(s, dtype=float) for s in samples)
    if arrays[0].size == 0:
        return Interval(math.nan, math.nan)
    if arrays[0].size == 1:
        value = float(statistic(*arrays, axis=-1))
        return Interval(value, value)
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            # BCa is undefined when every resample gives the same value (all rows right, say);
            # the percentile interval is then the honest answer: that one value.
            warnings.simplefilter("ignore")
            result = bootstrap(
                arrays,
                statistic,
                n_resamples=resamples,
                paired=True,
                vectorized=True,
                confidence_level=CONFIDENCE,
                method=method,
                rng=np.random.default_rng(seed),
            )
        low, high = result.confidence_interval
        if not (math.isnan(low) or math.isnan(high)):
            return Interval(float(low), float(high))
    value = float(statistic(*arrays, axis=-1))
    return Interval(value, value)


def _mean(values: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(values, axis=axis)


def _ratio(numerator: np.ndarray, denominator: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.sum(numerator, axis=axis) / np.sum(denominator, axis=axis)


def mean_interval(values: list[float] | np.ndarray, *, seed: int, resamples: int) -> Interval:
    """The interval of a mean over rows (a rate of 0/1 rows, a mean ROUGE-L)."""
    return bootstrap_interval((np.asarray(values),), _mean, seed=seed, resamples=resamples)


def ratio_interval(
    numerator: list[float], denominator: list[float], *, seed: int, resamples: int
) -> Interval:
    """The interval of sum(numerator) / sum(denominator), rows resampled (token loss)."""
    return bootstrap_interval((numerator, denominator), _ratio, seed=seed, resamples=resamples)


def macro_f1_interval(
    gold: list[str], predicted: list[str], *, seed: int, resamples: int
) -> Interval:
    """The interval of macro-F1 over the gold labels, rows resampled."""
    labels = sorted(set(gold))
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    # Per row and label: is it a true positive, a false positive, a false negative. F1 of a
    # label is 2tp / (2tp + fp + fn), so the resampled sums give every resample's F1 at once.
    columns: list[np.ndarray] = []
    for label in labels:
        columns += [(g == label) & (p == label), (g != label) & (p == label)]
        columns.append((g == label) & (p != label))

    def macro(*cols: np.ndarray, axis: int = -1) -> np.ndarray:
        scores = []
        for i in range(0, len(cols), 3):
            tp, fp, fn = (np.sum(c, axis=axis) for c in cols[i : i + 3])
            denominator = 2 * tp + fp + fn
            with np.errstate(invalid="ignore", divide="ignore"):
                scores.append(np.where(denominator > 0, 2 * tp / denominator, 0.0))
        return np.mean(scores, axis=0)

    if not labels:
        return Interval(math.nan, math.nan)
    return bootstrap_interval(tuple(columns), macro, seed=seed, resamples=resamples)


def proportion_interval(count: int, total: int) -> Interval:
    """Clopper-Pearson interval of count/total (exact, so 0 of 30 still has a width)."""
    from statsmodels.stats.proportion import proportion_confint

    if total == 0:
        return Interval(math.nan, math.nan)
    low, high = proportion_confint(count, total, alpha=1 - CONFIDENCE, method="beta")
    return Interval(float(low), float(high))


@dataclass(frozen=True)
class Comparison:
    """The tuned model against one baseline on the same rows."""

    baseline: str
    metric: str
    test: Literal["mcnemar_exact", "paired_bootstrap"]
    rows: int
    difference: float  # tuned minus baseline, in the metric's unit (0..1 for rates)
    interval: Interval  # of the difference
    p_value: float | None
    verdict: Verdict
    minimum_detectable: float  # smallest |difference| this many rows would detect
    tuned_only: int | None = None  # McNemar's discordant counts
    baseline_only: int | None = None
    higher_is_better: bool = True


def mcnemar_exact(tuned: list[bool], baseline: list[bool]) -> tuple[float, int, int]:
    """McNemar's exact p-value on paired right/wrong rows, and the two discordant counts
    (rows only the tuned model gets right, rows only the baseline gets right)."""
    from statsmodels.stats.contingency_tables import mcnemar

    t, b = np.asarray(tuned, dtype=bool), np.asarray(baseline, dtype=bool)
    table = [[int(np.sum(t & b)), int(np.sum(t & ~b))], [int(np.sum(~t & b)), int(np.sum(~t & ~b))]]
    result = mcnemar(table, exact=True)
    return float(result.pvalue), table[0][1], table[1][0]


def minimum_detectable_effect(differences: np.ndarray, *, binary: bool) -> float:
    """The smallest mean paired difference a two-sided test at alpha .05 finds with power .8
    on this many rows: the paired t-test's minimum effect size (statsmodels TTestPower, in
    standard deviations) times the observed SD of the per-row differences. For right/wrong
    rows it is never below k/n, where k is the fewest discordant rows, all one way, that
    McNemar's exact test can call significant (6 at alpha .05): a smaller gap cannot be
    detected at all however the rows fall. NaN for scores that all differ by one amount,
    infinite when there are too few rows for any test."""
    from scipy.stats import binomtest
    from statsmodels.stats.power import TTestPower

    n = len(differences)
    if n < 2:
        return math.inf
    effect = TTestPower().solve_power(nobs=n, alpha=ALPHA, power=POWER, alternative="two-sided")
    spread = float(np.std(differences, ddof=1))
    if spread == 0 and not binary:
        return math.nan  # every row moved by the same amount: there is no noise to size
    detectable = float(np.ravel(effect)[0]) * spread  # solve_power may return a 1-array
    if binary:
        k = next((k for k in range(1, n + 1) if binomtest(k, k).pvalue < ALPHA), None)
        floor = k / n if k is not None else math.inf
        detectable = max(detectable, floor)
    return detectable


def compare_rates(
    tuned: list[float], baseline: list[float], *, name: str, metric: str, seed: int, resamples: int
) -> Comparison:
    """Per-row right (1) / wrong (0): McNemar's exact test, with a paired bootstrap interval
    of the difference in rates."""
    t, b = np.asarray(tuned) >= 0.5, np.asarray(baseline) >= 0.5
    p_value, tuned_only, baseline_only = mcnemar_exact(list(t), list(b))
    diff = t.astype(float) - b.astype(float)
    interval = mean_interval(diff, seed=seed, resamples=resamples)
    verdict = _verdict(float(diff.mean()), p_value < ALPHA)
    mde = minimum_detectable_effect(diff, binary=True)
    return Comparison(
        name,
        metric,
        "mcnemar_exact",
        len(diff),
        float(diff.mean()),
        interval,
        p_value,
        verdict,
        mde,
        tuned_only,
        baseline_only,
    )


def compare_scores(
    tuned: list[float],
    baseline: list[float],
    *,
    name: str,
    metric: str,
    seed: int,
    resamples: int,
    higher_is_better: bool = True,
    weights: list[float] | None = None,
) -> Comparison:
    """Continuous per-row scores: a paired bootstrap interval of the mean difference; the
    difference is detected when the interval leaves out zero. With ``weights`` the scores
    are per-row sums and the mean is sum/sum(weights) (token-weighted loss)."""
    t, b = np.asarray(tuned, dtype=float), np.asarray(baseline, dtype=float)
    if weights is None:
        diff = t - b
        interval = mean_interval(diff, seed=seed, resamples=resamples)
        per_row = diff
    else:
        w = np.asarray(weights, dtype=float)
        diff = t - b
        interval = ratio_interval(list(diff), list(w), seed=seed, resamples=resamples)
        per_row = diff / np.where(w > 0, w, 1)
    observed = float(diff.sum() / np.sum(weights)) if weights is not None else float(diff.mean())
    detected = not interval.contains(0.0)
    gain = observed if higher_is_better else -observed
    return Comparison(
        name,
        metric,
        "paired_bootstrap",
        len(diff),
        observed,
        interval,
        None,
        _verdict(gain, detected),
        minimum_detectable_effect(per_row, binary=False),
        higher_is_better=higher_is_better,
    )


def _verdict(gain: float, detected: bool) -> Verdict:
    if not detected or gain == 0:
        return NO_DIFFERENCE
    return "better" if gain > 0 else "worse"
