"""A run's PII findings shaped for the PII screen: one object per example, original text.

Kept rows hold redacted text, so the turns shown are read from the pii stage's input (the
stage before it in the same run folder), where the findings' offsets point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.pii.anonymize import allowed_spans
from curate.runs.pii_findings import pii_stage_dir, run_findings
from curate.runs.views import RunSummary
from curate.workspace import SpanDecision

PII_STAGE = "pii"
WITH_FINDINGS = "*"  # filter value: examples with any finding
EVERY_EXAMPLE = "all"  # filter value: every example the pii stage read
TURN_FIELDS = ("messages", "chosen", "rejected")
# Shorter names for the examples list, where several types share one cell.
SHORT_NAMES = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "STREET_ADDRESS": "ADDRESS",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "PRIVATE_KEY": "PRIVKEY",
}
# (field, turn index, role, content)
Turn = tuple[str, int, str, str]


def has_pii(run: RunSummary) -> bool:
    """Whether the run went through a pii stage."""
    return run.ran(PII_STAGE)


@dataclass(frozen=True)
class Span:
    """One finding of the run: where it is, what it was taken for, and by what."""

    field: str
    turn: int
    entity: str
    start: int
    end: int
    score: float
    by: str
    action: str
    text: str


@dataclass
class PiiExample:
    """An example as the pii stage read it, with every finding in it."""

    example_id: str
    row: int
    source: str
    kept: bool
    turns: list[Turn]
    spans: list[Span] = field(default_factory=list)

    @property
    def entities(self) -> list[str]:
        """Entity types found, most frequent first."""
        counts: dict[str, int] = {}
        for span in self.spans:
            counts[span.entity] = counts.get(span.entity, 0) + 1
        return sorted(counts, key=lambda e: (-counts[e], e))

    @property
    def prompt(self) -> str:
        return next((t[3] for t in self.turns if t[2] == "user"), "")

    def occurrences(self, text: str) -> list[tuple[str, int, int, int]]:
        """``(field, turn, start, end)`` wherever ``text`` occurs as the pii stage matches it."""
        return [
            (name, index, start, end)
            for name, index, _, content in self.turns
            for start, end in allowed_spans(content, [text])
        ]


@dataclass(frozen=True)
class SpanRow:
    """A line of the span list: a found text, or a text only a person's decision names."""

    text: str
    entity: str
    count: int
    score: float | None
    by: str
    decision: SpanDecision | None

    @property
    def mark(self) -> str:
        """N: a person said not PII; P: a person marked it PII."""
        if self.decision is None:
            return ""
        return "N" if self.decision.verdict == "not_pii" else "P"


def read_pii_examples(run_dir: Path) -> list[PiiExample]:
    """Every example the pii stage read, most findings first (ties in row order)."""
    stage, before = pii_stage_dir(run_dir)
    columns = ["row", "id", "source", *TURN_FIELDS]
    originals = pl.read_parquet(before / "kept.parquet", columns=columns)
    kept_ids = set(pl.read_parquet(stage / "kept.parquet", columns=["id"])["id"].to_list())
    examples: dict[str, PiiExample] = {}
    for row in originals.sort("row").iter_rows(named=True):
        turns = [
            (name, index, str(turn["role"]), str(turn["content"] or ""))
            for name in TURN_FIELDS
            for index, turn in enumerate(row[name] or [])
        ]
        example_id = str(row["id"])
        examples[example_id] = PiiExample(
            example_id, row["row"], str(row["source"]), example_id in kept_ids, turns
        )
    for finding in run_findings(run_dir).iter_rows(named=True):
        example = examples.get(str(finding["id"]))
        if example is not None:
            example.spans.append(
                Span(
                    *(finding[k] for k in ("field", "turn", "entity", "start", "end")),
                    score=float(finding["score"]),
                    by=str(finding["by"]),
                    action=str(finding["action"]),
                    text=str(finding["text"]),
                )
            )
    return sorted(examples.values(), key=lambda e: (-len(e.spans), e.row))


def span_rows(example: PiiExample, decisions: Sequence[SpanDecision]) -> list[SpanRow]:
    """One row per distinct found text (in reading order), then texts only decisions name."""
    by_text = {d.text.strip().casefold(): d for d in decisions}
    rows: dict[str, SpanRow] = {}
    for span in example.spans:
        key = span.text.strip().casefold()
        if key in rows:
            row = rows[key]
            score = max(row.score or 0.0, span.score)
            rows[key] = SpanRow(row.text, row.entity, row.count + 1, score, row.by, row.decision)
        else:
            rows[key] = SpanRow(span.text, span.entity, 1, span.score, span.by, by_text.get(key))
    for key, decision in by_text.items():
        if key not in rows:
            count = len(example.occurrences(decision.text))
            entity = decision.entity or ("not PII" if decision.verdict == "not_pii" else "PII")
            rows[key] = SpanRow(decision.text, entity, count, None, "person", decision)
    return list(rows.values())


def filter_examples(examples: Iterable[PiiExample], entity: str) -> list[PiiExample]:
    """Examples with a finding of ``entity``, with any finding, or every example."""
    if entity == EVERY_EXAMPLE:
        return list(examples)
    if entity == WITH_FINDINGS:
        return [e for e in examples if e.spans]
    return [e for e in examples if entity in e.entities]


def filter_options(examples: Iterable[PiiExample]) -> list[tuple[str, str]]:
    """(label, value) choices for the entity filter, each type with its example count."""
    counts: dict[str, int] = {}
    for example in examples:
        for entity in example.entities:
            counts[entity] = counts.get(entity, 0) + 1
    types = [(f"{entity} ({n})", entity) for entity, n in sorted(counts.items())]
    return [("with findings", WITH_FINDINGS), *types, ("all examples", EVERY_EXAMPLE)]
