"""Task metrics: exact match and per-class P/R/F1, JSON validity and schema adherence,
per-field match, ROUGE-L; each as one number and as per-row values with a 95% interval."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import orjson

from curate.evaluate.config import TaskConfig
from curate.evaluate.stats import (
    Interval,
    macro_f1_interval,
    mean_interval,
    ratio_interval,
)
from curate.formats.json_schema import schema_mismatch

_OBJECT = re.compile(r"\{.*\}", re.S)
ROUGE_PASS = 0.5  # a generation counts as right for the golden check at this ROUGE-L


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 of one label, over the rows whose gold has that label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


def normalize_label(text: str | None) -> str:
    """A class label as compared: trimmed, lower-case, without quotes or end punctuation."""
    if text is None:
        return ""
    return str(text).strip().strip("\"'`").rstrip(".!").strip().lower()


def per_class(gold: list[str], predicted: list[str]) -> tuple[list[ClassScore], float]:
    """Per-class scores over the gold labels (a predicted unknown label only costs recall)
    and their macro-F1, with scikit-learn."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    scores = [
        ClassScore(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    ]
    macro = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    return scores, macro


def classification_metrics(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Exact match after label normalisation, macro-F1 and the per-class table."""
    gold_n = [normalize_label(g) for g in gold]
    pred_n = [normalize_label(p) for p in predicted]
    scores, macro = per_class(gold_n, pred_n)
    hits = sum(g == p for g, p in zip(gold_n, pred_n, strict=True))
    return {
        "accuracy": hits / len(gold) if gold else 0.0,
        "macro_f1": macro,
        "per_class": [asdict(s) for s in scores],
    }


def parse_json_answer(text: str) -> tuple[bool, Any]:
    """(strictly valid, value). The value falls back to the first ``{...}`` in the text,
    so an answer wrapped in prose still scores on its fields but not on validity."""
    try:
        return True, orjson.loads(text.strip())
    except orjson.JSONDecodeError:
        pass
    match = _OBJECT.search(text)
    if match:
        try:
            return False, orjson.loads(match.group(0))
        except orjson.JSONDecodeError:
            pass
    return False, None


def json_metrics(gold: list[str], predicted: list[str], task: TaskConfig) -> dict[str, Any]:
    """Validity, schema adherence, per-field exact match, all-fields match, label-field P/R/F1."""
    parsed = [parse_json_answer(p) for p in predicted]
    gold_values = [parse_json_answer(g)[1] for g in gold]
    n = len(gold) or 1
    out: dict[str, Any] = {"valid_rate": sum(ok for ok, _ in parsed) / n}
    if task.json_schema is not None:
        adhering = sum(
            ok and schema_mismatch(value, task.json_schema) is None for ok, value in parsed
        )
        out["schema_rate"] = adhering / n
    if task.fields:
        field_hits = {f: 0 for f in task.fields}
        all_hits = 0
        for (_, value), want in zip(parsed, gold_values, strict=True):
            row_ok = True
            for f in task.fields:
                hit = _same(_field(value, f), _field(want, f))
                field_hits[f] += hit
                row_ok = row_ok and hit
            all_hits += row_ok
        out["exact_match"] = all_hits / n
        out["fields"] = {f: hits / n for f, hits in field_hits.items()}
        label = task.label()
        gold_labels = [normalize_label(_text(_field(v, label))) for v in gold_values]
        pred_labels = [normalize_label(_text(_field(v, label))) for _, v in parsed]
        scores, macro = per_class(gold_labels, pred_labels)
        out["label_field"] = label
        out["macro_f1"] = macro
        out["per_class"] = [asdict(s) for s in scores]
    return out


def rouge_l(gold: list[str], predicted: list[str]) -> list[float]:
    """ROUGE-L F-measure of each prediction against its reference (rouge-score)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    return [scorer.score(g, p)["rougeL"].fmeasure for g, p in zip(gold, predicted, strict=True)]


def task_metrics(task: TaskConfig, gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Every metric of the task type; ``primary`` names the one the decision uses."""
    if task.type == "classification":
        out = classification_metrics(gold, predicted)
    elif task.type == "json":
        out = json_metrics(gold, predicted, task)
    else:
        scores = rouge_l(gold, predicted)
        out = {"rouge_l": sum(scores) / len(scores) if scores else 0.0}
    out["primary"] = primary_metric(task)
    return out


def primary_metric(task: TaskConfig) -> str:
    """accuracy (classification), exact_match or valid_rate (json), rouge_l (generation)."""
    if task.type == "classification":
        return "accuracy"
    if task.type == "json":
        return "exact_match" if task.fields else "valid_rate"
    return "rouge_l"


def row_scores(task: TaskConfig, gold: list[str], predicted: list[str]) -> list[float]:
    """Each row's primary score, 0..1 (1/0 for exact-match tasks, ROUGE-L for generation)."""
    if task.type == "generation":
        return rouge_l(gold, predicted)
    pairs = list(zip(gold, predicted, strict=True))
    if task.type == "classification":
        return [float(normalize_label(g) == normalize_label(p)) for g, p in pairs]
    scores = []
    for g, p in pairs:
        ok, value = parse_json_answer(p)
        if not task.fields:
            scores.append(float(ok))
            continue
        want = parse_json_answer(g)[1]
        hits = [_same(_field(value, f), _field(want, f)) for f in task.fields]
        scores.append(float(all(hits)))
    return scores


def row_values(task: TaskConfig, gold: list[str], predicted: list[str]) -> dict[str, list[float]]:
    """Each mean-type metric of ``task_metrics`` as its per-row values (keys as there; a
    field's match is ``fields.<name>``), so its interval can be bootstrapped over rows."""
    if task.type == "generation":
        return {"rouge_l": rouge_l(gold, predicted)}
    if task.type == "classification":
        return {"accuracy": row_scores(task, gold, predicted)}
    parsed = [parse_json_answer(p) for p in predicted]
    out: dict[str, list[float]] = {"valid_rate": [float(ok) for ok, _ in parsed]}
    if task.json_schema is not None:
        out["schema_rate"] = [
            float(ok and schema_mismatch(value, task.json_schema) is None) for ok, value in parsed
        ]
    if task.fields:
        wants = [parse_json_answer(g)[1] for g in gold]
        for f in task.fields:
            out[f"fields.{f}"] = [
                float(_same(_field(v, f), _field(w, f)))
                for (_, v), w in zip(parsed, wants, strict=True)
            ]
        out["exact_match"] = [
            float(all(hits))
            for hits in zip(*(out[f"fields.{f}"] for f in task.fields), strict=True)
        ]
    return out


def row_labels(
    task: TaskConfig, gold: list[str], predicted: list[str]
) -> tuple[list[str], list[str]] | None:
    """The normalised gold and predicted labels macro-F1 is computed over (None: no F1)."""
    if task.type == "classification":
        return [normalize_label(g) for g in gold], [normalize_label(p) for p in predicted]
    if task.type == "json" and task.fields:
        label = task.label()
        gold_labels = [normalize_label(_text(_field(parse_json_answer(g)[1], label))) for g in gold]
        pred_labels = [
            normalize_label(_text(_field(parse_json_answer(p)[1], label))) for p in predicted
        ]
        return gold_labels, pred_labels
    return None


def metric_intervals(
    task: TaskConfig,
    gold: list[str],
    predicted: list[str],
    *,
    seed: int,
    resamples: int,
    loss_rows: tuple[list[float], list[float]] | None = None,
) -> dict[str, Interval]:
    """A 95% bootstrap interval (over test rows, seeded) for every metric of the task, and for
    the reference loss when its per-row (NLL sum, token count) are given."""
    out = {
        key: mean_interval(values, seed=seed, resamples=resamples)
        for key, values in row_values(task, gold, predicted).items()
    }
    labels = row_labels(task, gold, predicted)
    if labels is not None:
        out["macro_f1"] = macro_f1_interval(*labels, seed=seed, resamples=resamples)
    if loss_rows is not None:
        out["loss"] = ratio_interval(*loss_rows, seed=seed, resamples=resamples)
    return out


def _same(got: Any, want: Any) -> bool:
    return got is not None and got == want


def _field(value: Any, name: str | None) -> Any:
    return value.get(name) if isinstance(value, dict) and name else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)
