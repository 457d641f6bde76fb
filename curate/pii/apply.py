"""Apply the actions to a scanned batch: rewritten turns, pii columns, rejections, metrics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import orjson
import polars as pl

from curate.pii.anonymize import (
    Finding,
    Pseudonymizer,
    person_last_names,
    placeholder,
    rewrite,
)
from curate.pii.json_leaves import json_path, parse_json_text, replace_leaves, string_leaves
from curate.pii.scan import FIELDS, BatchScan, ExampleScan
from curate.record import MESSAGES_DTYPE
from curate.rejections import partition

if TYPE_CHECKING:
    from curate.pii.settings import PiiSettings

FINDING_DTYPE = pl.Struct(
    {
        "field": pl.String,
        "turn": pl.Int32,
        "role": pl.String,
        "entity": pl.String,
        "start": pl.Int32,
        "end": pl.Int32,
        "score": pl.Float32,
        "source": pl.String,
        "action": pl.String,
    }
)
PII_COLUMNS = ("pii", "pii_types", "pii_count", "pii_review")
EXAMPLES_PER_TYPE = 3
TOP_SPANS = 20
SHOWN_FROM = 3  # examples a model-found span must be changed in to be named in the report


def apply_findings(
    batch: pl.DataFrame, scan: BatchScan, config: PiiSettings
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float | int | str]]:
    """Kept rows rewritten and annotated, ``drop`` rows rejected, and the counts."""
    faker = Pseudonymizer(config.seed) if _uses(config, "pseudonymize") else None
    new_turns: dict[str, list] = {name: [] for name in FIELDS}
    dropped: list[str | None] = []
    for row, example in zip(batch.select(FIELDS).iter_rows(named=True), scan.examples, strict=True):
        drops = [f for f in example.findings if f.action == "drop"]
        dropped.append(_drop_detail(example, drops) if drops else None)
        replacements = _replacements(example, faker, config, redact_all=bool(drops))
        for name in FIELDS:
            new_turns[name].append(_rewritten(row[name], name, replacements))
    frame = batch.with_columns(
        *(pl.Series(name, new_turns[name], dtype=MESSAGES_DTYPE) for name in FIELDS),
        pii=pl.Series(
            [[_as_row(f) for f in e.findings] for e in scan.examples],
            dtype=pl.List(FINDING_DTYPE),
        ),
        pii_types=pl.Series(
            [sorted({f.entity for f in e.findings}) for e in scan.examples],
            dtype=pl.List(pl.String),
        ),
        pii_count=pl.Series([len(e.findings) for e in scan.examples], dtype=pl.Int32),
        pii_review=pl.Series(
            [any(f.action == "flag" for f in e.findings) for e in scan.examples], dtype=pl.Boolean
        ),
        _drop=pl.Series(dropped, dtype=pl.String),
    )
    reason = pl.when(pl.col("_drop").is_not_null()).then(pl.lit("pii.dropped"))
    kept, rejected = partition(frame, reason, pl.col("_drop"))
    metrics = _metrics(scan, rejected.height) | change_metrics(scan, config)
    return kept.drop("_drop"), rejected.drop("_drop"), metrics


def _uses(config: PiiSettings, action: str) -> bool:
    return config.default_action == action or action in config.actions.values()


def _replacements(
    example: ExampleScan, faker: Pseudonymizer | None, config: PiiSettings, *, redact_all: bool
) -> dict[tuple[str, int], list[tuple[int, int, str]]]:
    """New text per finding span; a dropped example is redacted throughout (no PII in
    rejected.jsonl), a kept one per its actions."""
    scope = example.id if config.consistent == "example" else ""
    names = [_span_text(example, f) for f in example.findings if f.entity == "PERSON"]
    last_names = person_last_names(names)
    out: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for f in example.findings:
        if f.action == "flag" and not redact_all:
            continue
        if f.action == "pseudonymize" and faker is not None and not redact_all:
            new = faker.fake(f.entity, _span_text(example, f), scope, last_names)
        else:
            new = placeholder(f.entity)
        out.setdefault((f.field, f.turn), []).append((f.start, f.end, new))
    return out


def _rewritten(
    turns: list[dict] | None, name: str, replacements: dict[tuple[str, int], list]
) -> list[dict] | None:
    if turns is None:
        return None
    out = [
        {**t, "content": rewrite(t["content"], replacements[(name, i)])}
        if (name, i) in replacements
        else t
        for i, t in enumerate(turns)
    ]
    for (field, i), spans in replacements.items():
        if field != name and field.startswith(f"{name}[{i}]."):
            out[i] = _with_leaf_rewritten(out[i], field[len(f"{name}[{i}].") :], spans)
    return out


def _with_leaf_rewritten(turn: dict, where: str, spans: list) -> dict:
    """The turn with one JSON string leaf rewritten: ``where`` is ``content$.path`` or
    ``tool_calls[k].function.arguments$.path``; the JSON text is written back compact."""
    location, _, path = where.partition("$")
    if location == "content":
        value = parse_json_text(turn["content"])
        leaves = dict(string_leaves(value))
        target = next(p for p in leaves if json_path(p) == "$" + path)
        new = replace_leaves(value, {target: rewrite(leaves[target], spans)})
        return {**turn, "content": orjson.dumps(new).decode()}
    k = int(location.split("[", 1)[1].split("]", 1)[0])
    calls = orjson.loads(turn["tool_calls"])
    arguments = calls[k]["function"]["arguments"]
    parsed = parse_json_text(arguments) if isinstance(arguments, str) else arguments
    if parsed is None:  # arguments that are not JSON were scanned as one text
        calls[k]["function"]["arguments"] = rewrite(arguments, spans)
    else:
        leaves = dict(string_leaves(parsed))
        target = next(p for p in leaves if json_path(p) == "$" + path)
        new = replace_leaves(parsed, {target: rewrite(leaves[target], spans)})
        calls[k]["function"]["arguments"] = (
            orjson.dumps(new).decode() if isinstance(arguments, str) else new
        )
    return {**turn, "tool_calls": orjson.dumps(calls, option=orjson.OPT_SORT_KEYS).decode()}


def _span_text(example: ExampleScan, finding: Finding) -> str:
    return example.turns[(finding.field, finding.turn)][1][finding.start : finding.end]


def _drop_detail(example: ExampleScan, drops: list[Finding]) -> str:
    where = "; ".join(f"{f.entity} in {f.where()}" for f in drops[:5])
    more = f" and {len(drops) - 5} more" if len(drops) > 5 else ""
    return f"{example.source}: contains {where}{more}"


def _as_row(f: Finding) -> dict:
    return {
        "field": f.field,
        "turn": f.turn,
        "role": f.role,
        "entity": f.entity,
        "start": f.start,
        "end": f.end,
        "score": f.score,
        "source": f.source,
        "action": f.action,
    }


def _metrics(scan: BatchScan, dropped: int) -> dict[str, float | int | str]:
    """Counts per type and action, and a few masked examples per type for the report."""
    by_type: Counter[str] = Counter()
    by_action: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for example in scan.examples:
        for f in example.findings:
            by_type[f.entity] += 1
            by_action[f.action] += 1
            shown = examples.setdefault(f.entity, [])
            if len(shown) < EXAMPLES_PER_TYPE:
                shown.append(f"{example.source}: {_masked_context(example, f)}")
    metrics: dict[str, float | int | str] = {
        "examples_with_pii": sum(1 for e in scan.examples if e.findings),
        "findings": sum(by_type.values()),
        "dropped": dropped,
        "flagged_examples": sum(
            1 for e in scan.examples if any(f.action == "flag" for f in e.findings)
        ),
        "human_decisions_applied": sum(e.human for e in scan.examples),
        "texts_analyzed": scan.texts,
        "texts_with_ner": scan.ner_texts,
        "texts_from_cache": scan.cached,
    }
    metrics |= {f"found.{k}": v for k, v in sorted(by_type.items())}
    metrics |= {f"action.{k}": v for k, v in sorted(by_action.items())}
    metrics["examples"] = orjson.dumps(examples, option=orjson.OPT_SORT_KEYS).decode()
    return metrics


def change_metrics(scan: BatchScan, config: PiiSettings) -> dict[str, float | int | str]:
    """What the rewrite did to the set, per type: the share of examples changed and the span
    texts changed in the most examples, plus the precision rules applied and a warning for
    each type that changed more than ``warn_share`` of the examples.

    The report must not become a list of the set's personal data: a span of a pattern type
    (email, phone, card, key) is shown by its shape only ("d ddd-d ddd" tells a price range
    from a phone number), and a model-found span only once it is in ``SHOWN_FROM`` examples
    (a span that common is a word or a product far more often than one person)."""
    changed: Counter[str] = Counter()
    spans: dict[str, Counter[str]] = {}
    for example in scan.examples:
        seen: dict[str, set[str]] = {}
        for f in example.findings:
            if f.action != "flag":
                text = " ".join(_span_text(example, f).split())
                seen.setdefault(f.entity, set()).add(text if f.source == "model" else shape(text))
        for entity, texts in seen.items():
            changed[entity] += 1
            spans.setdefault(entity, Counter()).update(texts)
    total = len(scan.examples) or 1
    shares = {entity: round(n / total, 4) for entity, n in sorted(changed.items())}
    top = {
        entity: [
            [text, n]
            for text, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SPANS]
            if n >= SHOWN_FROM
        ]
        for entity, counter in sorted(spans.items())
    }
    warnings = [
        f"{entity} changed {share:.0%} of examples (over warn_share {config.warn_share:.0%}): "
        "check the most frequent spans, and the allow_list, person_policy or actions"
        for entity, share in shares.items()
        if share > config.warn_share
    ]
    out: dict[str, float | int | str] = {
        "examples_changed": sum(
            1 for e in scan.examples if any(f.action != "flag" for f in e.findings)
        ),
        "changed_share_by_type": orjson.dumps(shares).decode(),
        "top_changed_spans": orjson.dumps({k: v for k, v in top.items() if v}).decode(),
        "other_language_turns": orjson.dumps(dict(scan.other_languages.most_common())).decode(),
        "precision_rules": orjson.dumps(dict(sorted((+scan.adjustments).items()))).decode(),
        "recurring_flagged_spans": orjson.dumps(
            [[entity, text, n] for (entity, text), n in scan.recurring.items()][:TOP_SPANS]
        ).decode(),
    }
    if warnings:
        out["warnings"] = " | ".join(warnings)
    return out


def shape(text: str) -> str:
    """A value's shape: digits as d, letters as a or A, the rest as written."""
    return "".join(
        "d" if c.isdigit() else ("A" if c.isupper() else "a") if c.isalpha() else c for c in text
    )


def _masked_context(example: ExampleScan, finding: Finding, width: int = 50) -> str:
    """The turn around the finding, every finding in it shown as its placeholder."""
    text = example.turns[(finding.field, finding.turn)][1]
    same_turn = [f for f in example.findings if (f.field, f.turn) == (finding.field, finding.turn)]
    before = [f for f in same_turn if f.end <= finding.start]
    shift = sum(len(placeholder(f.entity)) - (f.end - f.start) for f in before)
    masked = rewrite(text, [(f.start, f.end, placeholder(f.entity)) for f in same_turn])
    start = max(finding.start + shift - width, 0)
    end = finding.start + shift + len(placeholder(finding.entity)) + width
    snippet = " ".join(masked[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(masked) else "")
