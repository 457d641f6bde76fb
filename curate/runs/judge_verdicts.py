"""A run's judge verdicts shaped for the Judge screen, most doubtful first.

Doubt is how far the mean score sits on the wrong side of the middle of the 1-5 scale:
a GOOD verdict with low scores or a BAD one with high scores is the first a person should
check. Failed judge calls come first of all; unjudged rows (skipped, out of budget) last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from curate.runs.layout import RunLayout
from curate.runs.views import RunSummary

JUDGE_STAGE = "judge"
MIDDLE_SCORE = 3.0  # the middle of the judge's 1-5 scale


def has_judge(run: RunSummary) -> bool:
    """Whether the run went through a judge stage."""
    return run.ran(JUDGE_STAGE)


def judge_stage_folder(run_dir: Path) -> Path:
    """The run's judge stage folder (its last one when the judge repeats)."""
    return RunLayout(run_dir).require_stage(JUDGE_STAGE).path


@dataclass(frozen=True)
class JudgedRow:
    """One example as the judge saw it, with its place in the doubt order."""

    row: dict[str, Any]  # the judge stage's row: turns, judge_* columns, reason if rejected
    scores: dict[str, int]
    doubt: float  # inf for a failed call, -inf for an unjudged row

    @property
    def example_id(self) -> str:
        return str(self.row["id"])

    @property
    def kept(self) -> bool:
        """Whether the judge stage kept it (rescued force-keeps included)."""
        return self.row.get("reason") is None

    @property
    def verdict(self) -> str:
        """GOOD, BAD, or the judge status when there is no verdict (error, skipped…)."""
        return str(self.row.get("judge_verdict") or self.row.get("judge_status") or "?")

    @property
    def score(self) -> float | None:
        return self.row.get("judge_score")

    @property
    def tiebreak(self) -> int:
        """Among equal doubt: a GOOD with one low criterion, a BAD with one high, first."""
        if not self.scores:
            return 0
        return min(self.scores.values()) if self.verdict == "GOOD" else -max(self.scores.values())

    @property
    def doubt_text(self) -> str:
        if math.isinf(self.doubt):
            return "!" if self.doubt > 0 else ""
        return f"{self.doubt:+.2f}"


def doubt_of(status: str | None, verdict: str | None, score: float | None) -> float:
    """Higher is more doubtful: score distance from the middle, against the verdict."""
    if status == "error":
        return math.inf
    if verdict not in ("GOOD", "BAD") or score is None:
        return -math.inf
    return MIDDLE_SCORE - score if verdict == "GOOD" else score - MIDDLE_SCORE


def _scores(raw: str | None) -> dict[str, int]:
    return {str(k): int(v) for k, v in orjson.loads(raw).items()} if raw else {}


def read_verdicts(run_dir: Path) -> list[JudgedRow]:
    """Every example the judge stage saw, most doubtful first (ties in row order)."""
    folder = judge_stage_folder(run_dir)
    frame = pl.concat(
        [pl.read_parquet(folder / "kept.parquet"), pl.read_parquet(folder / "rejected.parquet")],
        how="diagonal_relaxed",
    )
    verdicts = []
    for row in frame.sort("row").iter_rows(named=True):
        scores = _scores(row.get("judge_scores"))
        doubt = doubt_of(row.get("judge_status"), row.get("judge_verdict"), row["judge_score"])
        verdicts.append(JudgedRow(row, scores, doubt))
    return sorted(verdicts, key=lambda v: (-v.doubt, v.tiebreak))
