"""A run's label-issue suspects shaped for review, the most confidently wrong first.

Each suspect is one label field of one example: the label given, the one the classifier
suggests, how sure it is, and the nearest examples carrying the suggested label (their
text read from the same stage). Examples a person already decided on stay listed with the
decision, so a decision can be seen and changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from curate.runs.layout import RunLayout
from curate.runs.views import RunSummary

LABEL_STAGE = "label_issues"


def has_label_issues(run: RunSummary) -> bool:
    """Whether the run went through a label_issues stage."""
    return run.ran(LABEL_STAGE)


@dataclass(frozen=True)
class Neighbour:
    """A near example that carries the suggested label: the evidence for it."""

    example_id: str
    source: str
    cosine: float
    prompt: str


@dataclass(frozen=True)
class LabelSuspect:
    """One doubted (or decided) label of one example."""

    row: dict[str, Any]  # the stage's row: turns, source, reason when it was rejected
    field: str
    given: str | None
    suggested: str | None
    confidence: float | None  # the model's probability of the suggested label
    given_probability: float | None
    decision: str | None  # keep | drop | relabel, by a person or (relabel) the stage
    decided_by: str | None
    neighbours: tuple[Neighbour, ...]

    @property
    def example_id(self) -> str:
        return str(self.row["id"])

    @property
    def kept(self) -> bool:
        return self.row.get("reason") is None

    @property
    def prompt(self) -> str:
        return _prompt(self.row)


def read_suspects(run_dir: Path) -> list[LabelSuspect]:
    """Every suspect and decided label of the run's label_issues stage, most confidently
    wrong first (lowest probability of the given label), then decided ones no longer doubted."""
    folder = RunLayout(run_dir).require_stage(LABEL_STAGE)
    frame = pl.concat(
        [pl.read_parquet(folder.kept), pl.read_parquet(folder.rejected)], how="diagonal_relaxed"
    ).sort("row")
    prompts = {r["id"]: _prompt(r) for r in frame.select("id", "messages").iter_rows(named=True)}
    suspects = []
    for row in frame.filter(pl.col("label_issues").is_not_null()).iter_rows(named=True):
        for entry in orjson.loads(row["label_issues"]):
            near = tuple(
                Neighbour(n["id"], n["source"], n["cosine"], prompts.get(n["id"], ""))
                for n in entry.get("neighbours", [])
            )
            suspects.append(
                LabelSuspect(
                    row=row,
                    field=entry["field"],
                    given=entry.get("given"),
                    suggested=entry.get("suggested"),
                    confidence=entry.get("confidence"),
                    given_probability=entry.get("given_probability"),
                    decision=entry.get("decision"),
                    decided_by=entry.get("decided_by"),
                    neighbours=near,
                )
            )
    return sorted(suspects, key=_order)


def _order(suspect: LabelSuspect) -> tuple[float, float, int]:
    if suspect.given_probability is None:  # decided, no longer doubted: last
        return (2.0, 0.0, suspect.row["row"])
    return (suspect.given_probability, -(suspect.confidence or 0.0), suspect.row["row"])


def _prompt(row: dict[str, Any]) -> str:
    turns = row.get("messages") or []
    return "\n\n".join(t["content"] or "" for t in turns if t["role"] == "user")
