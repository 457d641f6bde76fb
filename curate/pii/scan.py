"""Find the PII of a batch: distinct turn texts analysed once, then per-example findings.

Each turn's language decides whether the NER model reads it. Thresholds, the precision rules
(``precision.py``, ``person_check.py``), the allow-list and the standing human decisions turn
raw analyzer hits into findings; overlapping spans are resolved (human, then score, then
length); last, the rules that need the whole set (public names, recurring spans) apply.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
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
from curate.pii.hit_cache import cached_analyze
from curate.pii.json_leaves import json_path, parse_json_text, string_leaves
from curate.pii.person_check import adjacent_name_end, confirmed_person, name_prefix_end
from curate.pii.precision import DatasetRules, line_pieces, plausible_phone, whole_words
from curate.text.language import turn_languages

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
    other_languages: Counter[str] = field(default_factory=Counter)  # turns NER did not read
    adjustments: Counter[str] = field(default_factory=Counter)  # precision rules applied
    recurring: dict[tuple[str, str], int] = field(default_factory=dict)  # flagged, not rewritten
    cached: int = 0  # distinct texts whose hits came from the cache


def scan_batch(
    batch: pl.DataFrame,
    config: PiiSettings,
    decisions: dict[str, list[SpanDecision]],
    *,
    log: Callable[[str], None] = lambda _: None,
    progress: Callable[[int], None] = lambda _: None,
    cache_root: Path | None = None,
    analyze: Callable[..., list] = analyze_texts,  # texts -> hits, where the run puts it
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
    languages: dict[str, str] = {}
    if needs_ner and config.detect_language and config.other_languages == "patterns":
        languages = turn_languages(
            ([content for _, content in e.turns.values()] for e in examples), config.language
        )
    other: Counter[str] = Counter()
    ner_texts: dict[str, None] = {}
    plain_texts: dict[str, None] = {}
    for example in examples:
        for role, content in example.turns.values():
            language = languages.get(content, config.language)
            other[language] += language != config.language
            if needs_ner and role in config.ner_roles and language == config.language:
                ner_texts[content] = None
            else:
                plain_texts[content] = None
    other = +other
    plain_texts = {t: None for t in plain_texts if t not in ner_texts}
    log(f"pii: {len(ner_texts)} distinct texts with NER, {len(plain_texts)} with patterns only")
    if other:
        shown = ", ".join(f"{n} in {lang}" for lang, n in other.most_common())
        log(
            f"pii: turns not in {config.language!r} ({shown}): the {config.language} NER model "
            "does not read them, pattern recognizers only"
        )
    report = _RowProgress(progress, batch.height, len(ner_texts) + len(plain_texts))
    hits = {}
    analysed = 0
    for texts, entities, use_ner in (
        (ner_texts, wanted, True),
        (plain_texts, patterns_only, False),
    ):
        task = Task(config.language, config.model, entities, use_ner, config.batch_size)
        found, done = cached_analyze(
            list(texts),
            task,
            cache_root,
            workers=config.workers,
            parallel_from=config.parallel_from,
            progress=report,
            analyze=analyze,
        )
        hits.update(zip(texts, found, strict=True))
        analysed += done
    distinct = len(ner_texts) + len(plain_texts)
    if cache_root is not None:
        log(f"pii: {distinct - analysed} of {distinct} distinct texts from the cache")
    scan = BatchScan(examples, distinct, len(ner_texts), other, cached=distinct - analysed)
    for example in examples:
        found = _findings(example, hits, config, languages, scan.adjustments)
        _resolve(example, found, config, decisions.get(example.id, []))
    _apply_dataset_rules(scan, config)
    return scan


def _read_example(row: dict, config: PiiSettings) -> ExampleScan:
    turns: dict[TurnKey, tuple[str, str]] = {}
    for name in FIELDS:
        for i, message in enumerate(row.get(name) or []):
            role, content = message["role"], message["content"]
            if role not in config.roles:
                continue
            tool_json = parse_json_text(content) if role in ("tool", "function") else None
            if tool_json is not None:  # a JSON tool result: its string leaves, not the text
                turns.update(_leaf_turns(f"{name}[{i}].content", i, role, tool_json))
            elif content and content.strip():
                turns[(name, i)] = (role, content)
            for k, call in enumerate(orjson.loads(message.get("tool_calls") or "[]")):
                arguments = (call.get("function") or {}).get("arguments")
                where = f"{name}[{i}].tool_calls[{k}].function.arguments"
                parsed = parse_json_text(arguments) if isinstance(arguments, str) else arguments
                if parsed is None and isinstance(arguments, str):
                    parsed = arguments  # not JSON: scanned as one text
                turns.update(_leaf_turns(where, i, role, parsed))
    return ExampleScan(row["id"], row["source"], turns)


def _leaf_turns(where: str, turn: int, role: str, value: object) -> dict[TurnKey, tuple[str, str]]:
    """Scan entries for the string leaves of a JSON value, keyed by where each sits."""
    return {
        (where + json_path(path), turn): (role, text)
        for path, text in string_leaves(value)
        if text.strip()
    }


def _findings(
    example: ExampleScan,
    hits: dict,
    config: PiiSettings,
    languages: dict[str, str],
    adjustments: Counter[str],
) -> list[Finding]:
    """The example's analyzer hits over their thresholds, through the precision rules."""
    found = []
    for (name, turn), (role, text) in example.turns.items():
        language = languages.get(text, config.language)
        for raw in hits.get(text, []):
            if raw.score < config.threshold_for(raw.entity):
                continue
            pieces = list(line_pieces(raw, text))
            adjustments["split_at_line_break"] += len(pieces) != 1 or pieces[0] != raw
            for piece in pieces:
                hit = whole_words(piece, text)
                adjustments["grown_to_whole_word"] += hit != piece
                value = text[hit.start : hit.end]
                if hit.entity == "PHONE_NUMBER" and not plausible_phone(hit, value):
                    adjustments["not_a_phone_number"] += 1
                    continue
                if hit.entity == "PERSON" and hit.source == "model":
                    cut = name_prefix_end(text, hit.start, hit.end)
                    adjustments["person_cut_before_digits"] += cut != hit.end
                    hit = replace(hit, end=max(cut, hit.start + 1))
                    value = text[hit.start : hit.end]
                    if config.confirm_names and not confirmed_person(
                        value, text[: hit.start], language
                    ):
                        adjustments["person_not_confirmed"] += 1
                        continue
                    end = adjacent_name_end(text, hit.end)
                    adjustments["person_grown_to_full_name"] += end != hit.end
                    hit = replace(hit, end=end)
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
                        config.action_for(hit.entity),
                    )
                )
    return found


def _resolve(
    example: ExampleScan, found: list[Finding], config: PiiSettings, decisions: list[SpanDecision]
) -> None:
    not_pii = [d.text for d in decisions if d.verdict == "not_pii"]
    findings = []
    direct = set(found)
    for f in found + _echoes(example, found):
        text = example.turns[(f.field, f.turn)][1]
        is_direct = f in direct
        if not is_direct and f.entity == "PERSON" and f.source == "model":
            f = replace(f, end=adjacent_name_end(text, f.end))  # an echo may be cut short too
        if is_allowed(f.start, f.end, allowed_spans(text, config.allow_list)):
            continue
        if is_allowed(f.start, f.end, allowed_spans(text, not_pii)) or _same_text(
            text[f.start : f.end], not_pii
        ):
            example.human += is_direct  # echoes of a removed span are not counted again
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


def _apply_dataset_rules(scan: BatchScan, config: PiiSettings) -> None:
    """Public names left as written (``private_only``); spans recurring across the set
    flagged for review instead of rewritten."""
    rules = DatasetRules(config.person_policy, config.recurring_share, config.recurring_min)
    for example in scan.examples:
        public = rules.public_people(example.findings)
        if public:
            scan.adjustments["person_kept_public"] += len(public)
            example.findings = [f for f in example.findings if f not in public]
    spans: Counter[tuple[str, str]] = Counter()
    for example in scan.examples:
        spans.update(
            {(f.entity, _span_key(example, f)) for f in example.findings if f.source == "model"}
        )
    recurring = rules.recurring(spans, len(scan.examples))
    scan.recurring = {key: spans[key] for key in sorted(recurring)}
    for example in scan.examples:
        for i, f in enumerate(example.findings):
            key = (f.entity, _span_key(example, f))
            if f.source == "model" and f.action != "flag" and key in recurring:
                example.findings[i] = replace(f, action="flag")
                scan.adjustments["recurring_flagged"] += 1


def _span_key(example: ExampleScan, finding: Finding) -> str:
    return example.turns[(finding.field, finding.turn)][1][finding.start : finding.end].casefold()


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
