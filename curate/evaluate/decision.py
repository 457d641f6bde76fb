"""The golden-set regression check and the rule that says whether the fine-tune pays.

Both read intervals, not just point estimates: a golden set with few rows the base already
gets right is reported as too small to judge, and a gain the paired test cannot tell from
noise is "no detectable difference at this test size", never a win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from curate.evaluate.config import DecisionRule, TaskConfig
from curate.evaluate.metrics import ROUGE_PASS
from curate.evaluate.stats import Comparison, Interval, proportion_interval, ratio_interval

_EPS = 1e-9  # so that a drop of exactly 5% is not read as 5.0000001%


@dataclass
class GoldenCheck:
    """The tuned model on the golden rows the base model already gets right."""

    rows: int
    base_right: int
    base_score: float
    tuned_score: float
    relative_drop: float
    regressed: bool
    baseline: str = "prompted"
    base_overall: float = 0.0  # mean score over every golden row, right or not
    tuned_overall: float = 0.0
    regressions: int = 0  # base-right rows the tuned model no longer gets right
    drop_interval: Interval | None = None
    too_small: bool = False  # fewer base-right rows than the rule's minimum: not judged
    min_correct: int = 0


def golden_check(
    task: TaskConfig,
    base: list[float],
    tuned: list[float],
    max_regression: float,
    *,
    baseline: str = "prompted",
    min_correct: int = 0,
    seed: int = 0,
    resamples: int = 2000,
) -> GoldenCheck:
    """Red (``regressed``) when the tuned score on the base's right rows falls more than
    ``max_regression`` below the base's score on them, relative to the base, and the base
    gets at least ``min_correct`` rows right (below that one row moves the drop by several
    points, so the set is reported as too small instead of judged)."""
    pass_mark = ROUGE_PASS if task.type == "generation" else 1.0
    right = [i for i, s in enumerate(base) if s >= pass_mark - _EPS]
    overall = (sum(base) / len(base), sum(tuned) / len(tuned)) if base else (0.0, 0.0)
    too_small = len(right) < min_correct
    if not right:
        return GoldenCheck(
            len(base), 0, 0.0, 0.0, 0.0, False, baseline, *overall, 0, None, too_small, min_correct
        )
    b = np.asarray([base[i] for i in right])
    t = np.asarray([tuned[i] for i in right])
    base_score, tuned_score = float(b.mean()), float(t.mean())
    drop = (base_score - tuned_score) / base_score if base_score else 0.0
    regressions = int(np.sum(t < pass_mark - _EPS))
    if task.type == "generation":
        # relative drop = sum(base - tuned) / sum(base), resampled over the right rows
        interval = ratio_interval(list(b - t), list(b), seed=seed, resamples=resamples)
    else:
        interval = proportion_interval(regressions, len(right))
    return GoldenCheck(
        len(base),
        len(right),
        base_score,
        tuned_score,
        drop,
        not too_small and drop > max_regression + _EPS,
        baseline,
        *overall,
        regressions,
        interval,
        too_small,
        min_correct,
    )


FineTuneVerdict = Literal["worth_it", "not_worth_it", "undecided"]


@dataclass
class Decision:
    """Whether the fine-tune pays, and the sentence that says why."""

    verdict: FineTuneVerdict
    reason: str
    gain_points: float | None = None
    best_baseline: str | None = None
    comparison: Comparison | None = None  # the paired test against the best baseline


def rule_text(rule: DecisionRule) -> str:
    """The decision rule in one sentence, for the report."""
    return (
        f"fine-tuning is worth it when the tuned model beats the best prompting baseline "
        f"(prompted or few-shot) by at least {rule.min_gain_points:g} points on the primary "
        f"metric, the paired test (McNemar's exact test for right/wrong rows, a paired "
        f"bootstrap for scores) finds the difference at alpha 0.05, and the golden set does "
        f"not regress by more than {rule.max_golden_regression:.0%} relative to the base model "
        f"(judged only when the base gets at least {rule.min_golden_correct} golden rows right)"
    )


def golden_words(golden: GoldenCheck) -> str:
    """The golden regression with its count and interval, in one phrase."""
    text = f"{golden.relative_drop:.1%} ({golden.regressions} of {golden.base_right} rows"
    if golden.drop_interval is not None:
        text += f"; 95% CI {golden.drop_interval.low:.1%} to {golden.drop_interval.high:.1%}"
    return text + ")"


def decide(
    primary: dict[str, float],
    golden: GoldenCheck | None,
    rule: DecisionRule,
    comparisons: dict[str, Comparison] | None = None,
) -> Decision:
    """Apply the rule to the variants' primary scores (0..1) and, when given, the paired
    tests of tuned against each baseline (keyed by baseline name)."""
    baselines = {v: s for v, s in primary.items() if v != "tuned"}
    if "tuned" not in primary or not baselines:
        return Decision("undecided", "needs the tuned variant and a prompting baseline")
    best = max(baselines, key=lambda v: baselines[v])
    gain = (primary["tuned"] - baselines[best]) * 100
    test = (comparisons or {}).get(best)
    if golden is not None and golden.regressed:
        return Decision(
            "not_worth_it",
            f"the golden set regressed by {golden_words(golden)}; limit "
            f"{rule.max_golden_regression:.0%}",
            gain,
            best,
            test,
        )
    small = ""
    if golden is not None and golden.too_small:
        small = (
            f"; golden set too small to judge ({golden.base_right} base-correct rows, "
            f"needs {golden.min_correct})"
        )
    if test is None:
        if gain >= rule.min_gain_points - _EPS:
            return Decision(
                "worth_it", f"tuned beats {best} by {gain:+.1f} points{small}", gain, best
            )
        return Decision(
            "not_worth_it",
            f"tuned is {gain:+.1f} points against {best} (needs +{rule.min_gain_points:g}){small}",
            gain,
            best,
        )
    evidence = _evidence(test)
    detectable = test.minimum_detectable * 100
    if test.verdict == "worse":
        return Decision(
            "not_worth_it", f"tuned is worse than {best}: {evidence}{small}", gain, best, test
        )
    if test.verdict == "better":
        if gain >= rule.min_gain_points - _EPS:
            return Decision(
                "worth_it", f"tuned is better than {best}: {evidence}{small}", gain, best, test
            )
        return Decision(
            "not_worth_it",
            f"tuned is better than {best} but by less than the +{rule.min_gain_points:g} "
            f"points the rule asks: {evidence}{small}",
            gain,
            best,
            test,
        )
    if detectable > rule.min_gain_points + _EPS:
        reach = (
            f"detect only about {detectable:.1f} points or more"
            if math.isfinite(detectable)
            else "are too few for the test to detect any difference"
        )
        return Decision(
            "undecided",
            f"no detectable difference at this test size against {best}: {evidence}; these "
            f"{test.rows} rows {reach}, the rule asks for +{rule.min_gain_points:g}, so add "
            f"test rows{small}",
            gain,
            best,
            test,
        )
    return Decision(
        "not_worth_it",
        f"no detectable difference at this test size against {best}, which would detect "
        f"{detectable:.1f} points: {evidence}{small}",
        gain,
        best,
        test,
    )


def _evidence(test: Comparison) -> str:
    """The difference, its interval and the test's p-value, in points."""
    i = test.interval
    text = f"{test.difference * 100:+.1f} points (95% CI {i.low * 100:+.1f} to {i.high * 100:+.1f}"
    if test.p_value is not None:
        text += f", McNemar exact p={test.p_value:.3g}"
    return text + ")"
