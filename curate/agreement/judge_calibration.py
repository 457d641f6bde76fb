"""How well the LLM judge agrees with the human majority on the examples both labelled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.agreement.stats import Figure, cohen, library, majority
from curate.errors import CurateError
from curate.runs.layout import RunLayout


@dataclass
class JudgeCalibration:
    """Judge vs human majority: kappa, precision/recall of BAD, and the counts."""

    n: int
    kappa: Figure
    bad_precision: float | None
    bad_recall: float | None
    confusion: dict[tuple[str, str], int]  # (human, judge) -> count


def judge_verdicts(run_dir: Path) -> dict[str, str]:
    """GOOD/BAD per example from the run's judge stage (kept and rejected)."""
    stage = RunLayout(run_dir).require_stage("judge")
    verdicts: dict[str, str] = {}
    for path in (stage.kept, stage.rejected):
        frame = pl.read_parquet(path)
        if "judge_verdict" in frame.columns:
            rows = frame.select("id", "judge_verdict").drop_nulls().iter_rows()
            verdicts.update({i: str(v) for i, v in rows})
        elif "reason" in frame.columns:
            bad = frame.filter(pl.col("reason") == "judge.bad")["id"]
            verdicts.update(dict.fromkeys(bad, "BAD"))
    return verdicts


def calibrate(ratings: pl.DataFrame, verdicts: dict[str, str]) -> JudgeCalibration:
    """Compare the judge with the human majority label (ties left out) per example."""
    pairs = []
    for (item,), group in ratings.group_by("item_id"):
        vote = majority(group["label"].to_list())
        if vote is not None and str(item) in verdicts:
            pairs.append((vote.upper(), verdicts[str(item)].upper()))
    if not pairs:
        raise CurateError(
            "no example has both a human majority label and a judge verdict",
            hint="label examples of the judged run (curate labelstudio push RUN_DIR)",
        )
    human, judge = [h for h, _ in pairs], [j for _, j in pairs]
    labels = sorted(set(human) | set(judge))
    truth = [h == "BAD" for h in human]
    said = [j == "BAD" for j in judge]
    metrics = library("sklearn.metrics")
    confusion: dict[tuple[str, str], int] = {}
    for pair in pairs:
        confusion[pair] = confusion.get(pair, 0) + 1
    return JudgeCalibration(
        n=len(pairs),
        kappa=cohen(human, judge, labels),
        bad_precision=float(metrics.precision_score(truth, said, zero_division=0))
        if any(said)
        else None,
        bad_recall=float(metrics.recall_score(truth, said, zero_division=0))
        if any(truth)
        else None,
        confusion=confusion,
    )
