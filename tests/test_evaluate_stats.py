"""Eval statistics on cases whose answers are known: McNemar against scipy's binomial test,
bootstrap intervals against the normal approximation, the detectable effect against its
closed form, the golden minimum, and each branch of the decision."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, norm
from sklearn.metrics import f1_score

from curate.evaluate import decide, golden_check
from curate.evaluate.config import DecisionRule, TaskConfig
from curate.evaluate.stats import (
    NO_DIFFERENCE,
    compare_rates,
    compare_scores,
    macro_f1_interval,
    mcnemar_exact,
    mean_interval,
    minimum_detectable_effect,
)

ROUTING = TaskConfig(type="json", fields=["team", "priority"])
OPTS = {"seed": 0, "resamples": 2000}


def paired_rows(both: int, tuned_only: int, base_only: int, neither: int) -> tuple[list, list]:
    """Per-row right (1.0) / wrong (0.0) for tuned and baseline, from a 2x2 table."""
    tuned = [1.0] * both + [1.0] * tuned_only + [0.0] * base_only + [0.0] * neither
    base = [1.0] * both + [0.0] * tuned_only + [1.0] * base_only + [0.0] * neither
    return tuned, base


def test_mcnemar_exact_p_is_the_binomial_test_on_discordant_rows():
    tuned, base = paired_rows(both=30, tuned_only=9, base_only=2, neither=19)
    p, tuned_only, base_only = mcnemar_exact([t == 1 for t in tuned], [b == 1 for b in base])
    assert (tuned_only, base_only) == (9, 2)
    assert p == pytest.approx(binomtest(2, 11, 0.5).pvalue)


def test_nine_to_two_is_not_detected_but_ten_to_one_is():
    # binomtest(2, 11) two-sided is 0.065, binomtest(1, 11) is 0.012
    close = compare_rates(*paired_rows(30, 9, 2, 19), name="few_shot", metric="m", **OPTS)
    assert close.p_value > 0.05 and close.verdict == NO_DIFFERENCE
    assert close.difference == pytest.approx(7 / 60)
    clear = compare_rates(*paired_rows(30, 10, 1, 19), name="few_shot", metric="m", **OPTS)
    assert clear.p_value < 0.05 and clear.verdict == "better"
    assert clear.interval.low > 0
    worse = compare_rates(*paired_rows(30, 1, 10, 19), name="few_shot", metric="m", **OPTS)
    assert worse.verdict == "worse" and worse.difference < 0


def test_bootstrap_interval_of_a_rate_matches_the_normal_approximation():
    values = [1.0] * 240 + [0.0] * 160  # 60% of 400 rows
    ci = mean_interval(values, **OPTS)
    half = norm.ppf(0.975) * math.sqrt(0.6 * 0.4 / 400)
    assert ci.low == pytest.approx(0.6 - half, abs=0.01)
    assert ci.high == pytest.approx(0.6 + half, abs=0.01)
    assert mean_interval(values, **OPTS) == ci  # seeded: the same interval every run
    all_right = mean_interval([1.0] * 20, **OPTS)
    assert (all_right.low, all_right.high) == (1.0, 1.0)


def test_macro_f1_interval_holds_the_sklearn_estimate():
    rng = np.random.default_rng(3)
    gold = list(rng.choice(["billing", "sales", "technical"], 150))
    predicted = [g if rng.random() < 0.7 else "sales" for g in gold]
    point = f1_score(gold, predicted, average="macro", labels=sorted(set(gold)))
    ci = macro_f1_interval(gold, predicted, **OPTS)
    assert ci.low < point < ci.high and ci.high - ci.low < 0.25
    perfect = macro_f1_interval(gold, gold, **OPTS)
    assert (perfect.low, perfect.high) == (1.0, 1.0)


def test_minimum_detectable_effect_matches_the_normal_formula_and_the_exact_floor():
    rng = np.random.default_rng(0)
    diffs = rng.choice([-1.0, 0.0, 1.0], size=400, p=[0.15, 0.7, 0.15])
    closed_form = (norm.ppf(0.975) + norm.ppf(0.8)) * np.std(diffs, ddof=1) / math.sqrt(400)
    assert minimum_detectable_effect(diffs, binary=True) == pytest.approx(closed_form, rel=0.01)
    # no discordant rows: the gap must still be 6 rows, all one way, for the exact test
    assert binomtest(5, 5).pvalue > 0.05 > binomtest(6, 6).pvalue
    assert minimum_detectable_effect(np.zeros(200), binary=True) == pytest.approx(6 / 200)
    assert math.isinf(minimum_detectable_effect(np.zeros(5), binary=True))


def test_paired_bootstrap_on_scores_and_on_loss():
    rng = np.random.default_rng(1)
    base = rng.uniform(0.2, 0.6, 120)
    better = compare_scores(
        list(base + 0.1 + rng.normal(0, 0.05, 120)), list(base), name="p", metric="rouge_l", **OPTS
    )
    assert better.verdict == "better" and better.interval.low > 0 and better.p_value is None
    noise = compare_scores(
        list(base + rng.normal(0, 0.05, 120)), list(base), name="p", metric="rouge_l", **OPTS
    )
    assert noise.verdict == NO_DIFFERENCE and noise.interval.contains(0.0)
    tokens = [10.0] * 120
    lower_loss = compare_scores(
        list(base * 10), list(base * 10 + 3), name="p", metric="loss", higher_is_better=False,
        weights=tokens, **OPTS,
    )  # fmt: skip
    assert lower_loss.difference == pytest.approx(-0.3) and lower_loss.verdict == "better"


def test_golden_below_the_minimum_is_too_small_to_judge():
    small = golden_check(ROUTING, [1.0] * 8, [1.0] * 7 + [0.0], 0.05, min_correct=30)
    assert small.relative_drop == pytest.approx(0.125)
    assert small.too_small and not small.regressed and small.regressions == 1
    rule = DecisionRule()
    decision = decide({"prompted": 0.3, "tuned": 0.6}, small, rule)
    assert decision.verdict == "worth_it" and "golden set too small to judge" in decision.reason


def test_golden_regression_carries_its_count_and_exact_interval():
    base, tuned = [1.0] * 40 + [0.0] * 5, [1.0] * 37 + [0.0] * 3 + [1.0] * 5
    check = golden_check(ROUTING, base, tuned, 0.05, min_correct=30)
    assert (check.base_right, check.regressions) == (40, 3) and check.regressed
    exact = binomtest(3, 40).proportion_ci(confidence_level=0.95, method="exact")
    assert check.drop_interval.low == pytest.approx(exact.low)
    assert check.drop_interval.high == pytest.approx(exact.high)
    decision = decide({"prompted": 0.3, "tuned": 0.9}, check, DecisionRule())
    assert decision.verdict == "not_worth_it" and "3 of 40 rows" in decision.reason


@pytest.mark.parametrize(
    ("table", "verdict", "words"),
    [
        ((30, 20, 2, 48), "worth_it", "better than prompted"),  # +18 pts, detected
        ((1900, 90, 50, 960), "not_worth_it", "less than the +5"),  # +1.3 pts, detected
        ((30, 2, 20, 48), "not_worth_it", "worse than prompted"),
        ((30, 4, 2, 4), "undecided", "add test rows"),  # 40 rows cannot see 5 points
        ((1900, 20, 20, 1060), "not_worth_it", "which would detect"),  # 3000 rows can
    ],
)
def test_decision_reads_the_paired_test(table, verdict, words):
    tuned, base = paired_rows(*table)
    test = compare_rates(tuned, base, name="prompted", metric="exact_match", **OPTS)
    primary = {"prompted": float(np.mean(base)), "tuned": float(np.mean(tuned))}
    decision = decide(primary, None, DecisionRule(), {"prompted": test})
    assert decision.verdict == verdict and words in decision.reason
    assert decision.comparison is test
