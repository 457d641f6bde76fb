"""Find the PII of a batch: distinct turn texts analysed once, then per-example findings.

Thresholds, the allow-list and the standing human decisions turn raw analyzer hits into
findings; overlapping spans are resolved (human, then score, then length).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import polars as pl

from curate.pii.analyzer import (
    PiiSetupError,
    Task,
    analyze_texts,
    load_analyzer,
    model_entities,
    supported_entities,
)
from curate.pii.anonymize import Finding, allowed_spans, is_allowed, resolve_overlaps

if TYPE_CHECKING:
    from curate.pii.settings import PiiSettings
    from curate.workspace import SpanDecision

FIELDS = ("messages", "chosen", "rejected")
TurnKey = tuple[str, int]  # (field, turn index)


@dataclass
class ExampleScan:
    """One example's turns (as read) and its resolved findings."""

    id: str
    source: str
    turns: dict[TurnKey, tuple[str, str]]  # (field, turn) -> (role, content)
    findings: list[Finding] = field(default_factory=list)
    human: int = 0  # findings added or removed by a person's decision


@dataclass
class BatchScan:
    """Findings of every example, plus how much analysis it took."""

    examples: list[ExampleScan]
    texts: int
    ner_texts: int


def scan_batch(
    batch: pl.DataFrame,
    config: PiiSettings,
    decisions: dict[str, list[SpanDecision]],
    *,
    log: Callable[[str], None] = lambda _: None,
    progress: Callable[[int], None] = lambda _: None,
) -> BatchScan:
    """Analyse each distinct turn text once and resolve every example's findings."""
    analyzer = load_analyzer(config.language, config.model)
    known = supported_entities(analyzer, config.language)
    unknown = sorted(set(config.entities) - known)
    if unknown:
        raise PiiSetupError(
            f"unknown entity types: {', '.join(unknown)}",
            field="pii.entities",
            hint="known: " + ", ".join(sorted(known)),
        )
    by_model = model_entities(analyzer, config.language)
    wanted = tuple(config.entities)
    patterns_only = tuple(e for e in wanted if e not in by_model)
    needs_ner = len(patterns_only) < len(wanted)
    examples = [_read_example(row, config) for row in batch.iter_rows(named=True)]
    ner_texts: dict[str, None] = {}
    plain_texts: dict[str, None] = {}
    for example in examples:
        for role, content in example.turns.values():
            if needs_ner and role in config.ner_roles:
                ner_texts[content] = None
            else:
                plain_texts[content] = None
    plain_texts = {t: None for t in plain_texts if t not in ner_texts}
    log(f"pii: {len(ner_texts)} distinct texts with NER, {len(plain_texts)} with patterns only")
    report = _RowProgress(progress, batch.height, len(ner_texts) + len(plain_texts))
    hits = {}
    for texts, entities, use_ner in (
        (ner_texts, wanted, True),
        (plain_texts, patterns_only, False),
    ):
        task = Task(config.language, config.model, entities, use_ner, config.batch_size)
        found = analyze_texts(
            list(texts),
            task,
            workers=config.workers,
            parallel_from=config.parallel_from,
            progress=report,
        )
        hits.update(zip(texts, found, strict=True))
    for example in examples:
        _resolve(example, hits, config, decisions.get(example.id, []))
    return BatchScan(examples, len(ner_texts) + len(plain_texts), len(ner_texts))


def _read_example(row: dict, config: PiiSettings) -> ExampleScan:
    turns: dict[TurnKey, tuple[str, str]] = {}
    for name in FIELDS:
        for i, message in enumerate(row.get(name) or []):
            content = message["content"]
            if message["role"] in config.roles and content and content.strip():
                turns[(name, i)] = (message["role"], content)
    return ExampleScan(row["id"], row["source"], turns)


def _resolve(
    example: ExampleScan, hits: dict, config: PiiSettings, decisions: list[SpanDecision]
) -> None:
    not_pii = [d.text for d in decisions if d.verdict == "not_pii"]
    found = []
    for (name, turn), (role, text) in example.turns.items():
        for hit in hits.get(text, []):
            if hit.score >= config.threshold_for(hit.entity) and _plausible(
                hit.entity, text[hit.start : hit.end]
            ):
                action = config.action_for(hit.entity)
                found.append(
                    Finding(
                        name,
                        turn,
                        role,
                        hit.entity,
                        hit.start,
                        hit.end,
                        round(hit.score, 3),
                        hit.source,
                        action,
                    )
                )
    findings = []
    direct = set(found)
    for f in found + _echoes(example, found):
        text = example.turns[(f.field, f.turn)][1]
        if is_allowed(f.start, f.end, allowed_spans(text, config.allow_list)):
            continue
        if is_allowed(f.start, f.end, allowed_spans(text, not_pii)) or _same_text(
            text[f.start : f.end], not_pii
        ):
            example.human += f in direct  # echoes of a removed span are not counted again
            continue
        findings.append(f)
    for decision in (d for d in decisions if d.verdict == "pii"):
        entity = decision.entity or "PII"
        action = config.action_for(entity) if entity in config.entities else "redact"
        for (name, turn), (role, text) in example.turns.items():
            for start, end in allowed_spans(text, [decision.text]):
                example.human += 1
                findings.append(Finding(name, turn, role, entity, start, end, 1.0, "human", action))
    example.findings = resolve_overlaps(findings)


def _echoes(example: ExampleScan, findings: list[Finding]) -> list[Finding]:
    """A value found in one turn is PII wherever it recurs in the example: an assistant
    echoing "555-0163" back has no "text me at" before it for a recognizer to see."""
    values: dict[str, Finding] = {}
    for f in findings:
        text = example.turns[(f.field, f.turn)][1][f.start : f.end]
        if len(text.strip()) >= 4:
            values.setdefault(text, f)
        if f.entity == "PERSON":  # "Thanks, Ana" after "I'm Ana Lima"
            for word in re.findall(r"\w[\w'-]{2,}", text):
                values.setdefault(word, f) if word[0].isupper() else None
    out = []
    seen = set(findings)
    for (name, turn), (role, content) in example.turns.items():
        for value, f in values.items():
            for match in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", content):
                start, end = match.span()
                echo = replace(f, field=name, turn=turn, role=role, start=start, end=end)
                if echo not in seen:
                    out.append(echo)
    return out


def _plausible(entity: str, value: str) -> bool:
    """Presidio's phone recognizer also matches "16/40" and six-digit order numbers."""
    return entity != "PHONE_NUMBER" or sum(c.isdigit() for c in value) >= 7


def _same_text(span: str, texts: list[str]) -> bool:
    folded = span.strip().casefold()
    return any(folded == t.strip().casefold() for t in texts)


class _RowProgress:
    """Turns texts analysed into rows done, for the stage's progress bar."""

    def __init__(self, progress: Callable[[int], None], rows: int, texts: int) -> None:
        self.progress = progress
        self.per_text = rows / texts if texts else 0.0
        self.owed = 0.0

    def __call__(self, texts: int) -> None:
        self.owed += texts * self.per_text
        whole = int(self.owed)
        if whole:
            self.owed -= whole
            self.progress(whole)
