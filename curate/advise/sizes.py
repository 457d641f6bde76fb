"""How many training examples a fine-tune of each kind of task needs, and the train split's
counts against it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.evaluate.config import EvalConfig
from curate.evaluate.data import read_rows
from curate.evaluate.metrics import normalize_label, parse_json_answer


@dataclass(frozen=True)
class SizeRange:
    """Examples a task kind needs: ``low`` to ``high`` (None: no upper bound), counted per
    class when ``per_class``."""

    low: int
    high: int | None
    per_class: bool = False

    def shown(self) -> str:
        span = f"{self.low}-{self.high}" if self.high is not None else f"{self.low}+"
        return span + (" per class" if self.per_class else " examples")


# Source: the project's seed 002, its table of how much data a LoRA fine-tune needs by task:
# 50-200 examples teach a style, 100-500 per class a classifier, 500-5000 an extraction or
# output format, and 1000+ a distillation. Extraction and format share a row.
SIZE_TABLE: dict[str, SizeRange] = {
    "style": SizeRange(50, 200),
    "classification": SizeRange(100, 500, per_class=True),
    "extraction": SizeRange(500, 5000),
    "format": SizeRange(500, 5000),
    "distillation": SizeRange(1000, None),
}


def task_kind(config: EvalConfig) -> tuple[str | None, str]:
    """The row of the table this eval is, and how that was decided."""
    if config.task_kind is not None:
        return config.task_kind, "task_kind"
    task = config.task
    if task.type == "classification" or (task.type == "json" and task.label_field):
        return "classification", f"task.type {task.type}" + (
            f" with label_field {task.label_field}" if task.label_field else ""
        )
    if task.type == "json":
        return "extraction", "task.type json"
    return None, "task.type generation could be style or distillation"


def count_rows(path: Path) -> int:
    """Non-empty lines of a JSONL file (one example each)."""
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def class_counts(config: EvalConfig, train: Path) -> tuple[str, Counter[str]] | None:
    """The label field's name and its counts over the train split, or None when the task has
    no label (a JSON answer without fields, free text)."""
    task = config.task
    if task.type == "classification":
        rows = read_rows(train, what="train split")
        return "answer", Counter(normalize_label(r.reference) for r in rows)
    label = task.label()
    if task.type != "json" or label is None:
        return None
    counts: Counter[str] = Counter()
    for row in read_rows(train, what="train split"):
        ok, value = parse_json_answer(row.reference)
        found = value.get(label) if ok and isinstance(value, dict) else None
        counts["(missing)" if found is None else str(found)] += 1
    return label, counts


def schema_classes(config: EvalConfig, label: str) -> list[str]:
    """The classes the eval's JSON Schema allows for ``label`` (its ``enum``), if it says."""
    schema: Any = config.task.json_schema or {}
    field = (schema.get("properties") or {}).get(label) if isinstance(schema, dict) else None
    values = field.get("enum") if isinstance(field, dict) else None
    return [str(v) for v in values] if isinstance(values, list) else []
