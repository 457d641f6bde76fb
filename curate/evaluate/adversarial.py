"""Adversarial and out-of-distribution checks: hard inputs from a file, and perturbed copies
of test inputs (typos, casing, extra whitespace, a distractor sentence).

For each perturbation and model the report says how often the answer stays the one given to
the clean input, and how often it stays in schema; for the hard inputs, how often the answer
is in schema and, where the file gives one, right. Perturbations are seeded per row, so the
same eval file always builds the same inputs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from curate.evaluate.config import AdversarialSettings, TaskConfig
from curate.evaluate.data import EvalRow, Message, read_rows
from curate.evaluate.metrics import (
    ROUGE_PASS,
    normalize_label,
    parse_json_answer,
    rouge_l,
    row_scores,
)
from curate.evaluate.stats import Interval, proportion_interval
from curate.formats.json_schema import schema_mismatch

HARD = "hard_inputs"
_TYPO_RATE = 0.15  # share of words of 4+ letters that get two neighbouring letters swapped


def perturb_text(text: str, kind: str, rng: random.Random, distractor: str) -> str:
    """One perturbed copy of a user message; meaning kept, surface changed."""
    if kind == "casing":
        return text.upper()
    if kind == "distractor":
        return f"{text.rstrip()} {distractor}".strip()
    words = text.split(" ")
    if kind == "typos":
        for i, word in enumerate(words):
            if len(word) >= 4 and word.isalpha() and rng.random() < _TYPO_RATE:
                j = rng.randrange(len(word) - 1)
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        return " ".join(words)
    if kind == "whitespace":
        gaps = [" " * rng.randint(1, 3) if rng.random() < 0.3 else " " for _ in words[1:]]
        body = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
        return f"\n  {body}\t \n"
    raise ValueError(f"unknown perturbation {kind!r}")


def perturbed_rows(
    rows: list[EvalRow], settings: AdversarialSettings, seed: int
) -> dict[str, list[EvalRow]]:
    """Per perturbation, a copy of the first ``settings.rows`` rows with the last user turn
    changed. Each row's generator is seeded by (seed, perturbation, row id)."""
    out: dict[str, list[EvalRow]] = {}
    for kind in dict.fromkeys(settings.perturb):
        copies = []
        for row in rows[: settings.rows]:
            rng = random.Random(f"{seed}:{kind}:{row.id}")
            copies.append(replace(row, prompt=_change_last_user(row.prompt, kind, rng, settings)))
        out[kind] = copies
    return out


def _change_last_user(
    prompt: list[Message], kind: str, rng: random.Random, settings: AdversarialSettings
) -> list[Message]:
    turns = [dict(m) for m in prompt]
    for turn in reversed(turns):
        if turn["role"] == "user" and isinstance(turn["content"], str):
            turn["content"] = perturb_text(turn["content"], kind, rng, settings.distractor)
            break
    return turns


def hard_rows(settings: AdversarialSettings) -> list[EvalRow]:
    """The hard inputs of ``settings.file`` (none when no file is given)."""
    if settings.file is None:
        return []
    return read_rows(Path(settings.file), what="adversarial file", answer_optional=True)


@dataclass
class AdversarialCheck:
    """One model on one set of hard or perturbed inputs."""

    set: str  # a perturbation, or "hard_inputs"
    variant: str  # prompted or tuned
    rows: int
    kept: int | None  # perturbations: answers equal to the clean input's answer
    kept_interval: Interval | None
    in_schema: int | None  # None when the task has no schema to stay in
    with_expected: int  # hard inputs that name an expected answer
    correct: int | None  # of those, answered right
    answers: list[str] = field(default_factory=list, repr=False)
    ids: list[str] = field(default_factory=list, repr=False)

    def rate(self, count: int | None, total: int | None = None) -> float | None:
        n = self.rows if total is None else total
        return None if count is None or not n else count / n


def answer_key(task: TaskConfig, answer: str) -> Any:
    """What "the same answer" means: the scored fields (json), the label (classification)."""
    if task.type == "classification":
        return normalize_label(answer)
    _, value = parse_json_answer(answer)
    if task.fields and isinstance(value, dict):
        return tuple(repr(value.get(f)) for f in task.fields)
    return repr(value) if value is not None else answer.strip()


def in_schema(task: TaskConfig, answer: str, labels: set[str]) -> bool | None:
    """Strict JSON that matches the schema (json), a known label (classification)."""
    if task.type == "classification":
        return normalize_label(answer) in labels
    if task.type == "json":
        ok, value = parse_json_answer(answer)
        return ok and (task.json_schema is None or schema_mismatch(value, task.json_schema) is None)
    return None


def score_set(
    task: TaskConfig,
    name: str,
    variant: str,
    rows: list[EvalRow],
    answers: list[str],
    clean: list[str] | None,
    labels: set[str],
) -> AdversarialCheck:
    """Count kept answers (against ``clean``), in-schema answers and right answers."""
    kept = None
    interval = None
    if clean is not None:
        if task.type == "generation":
            kept = sum(s >= ROUGE_PASS for s in rouge_l(clean, answers))
        else:
            kept = sum(
                answer_key(task, a) == answer_key(task, c)
                for a, c in zip(answers, clean, strict=True)
            )
        interval = proportion_interval(kept, len(rows))
    schema = [in_schema(task, a, labels) for a in answers]
    judged = [(r, a) for r, a in zip(rows, answers, strict=True) if r.has_reference]
    correct = None
    if judged and clean is None:
        scores = row_scores(task, [r.reference for r, _ in judged], [a for _, a in judged])
        correct = sum(s >= (ROUGE_PASS if task.type == "generation" else 1.0) for s in scores)
    return AdversarialCheck(
        name,
        variant,
        len(rows),
        kept,
        interval,
        None if schema and schema[0] is None else sum(bool(s) for s in schema),
        len(judged) if clean is None else 0,
        correct,
        answers,
        [r.id for r in rows],
    )


def check_variant(
    task: TaskConfig,
    variant: str,
    generate: Callable[[list[list[Message]]], list[str]],
    sets: dict[str, list[EvalRow]],
    clean: list[str],
    labels: set[str],
) -> list[AdversarialCheck]:
    """Answer every set with one model in one batched call and score each set; ``clean`` is
    the model's answers to the unperturbed test rows, in order."""
    names = list(sets)
    flat = [row.prompt for name in names for row in sets[name]]
    answers = generate(flat) if flat else []
    checks, start = [], 0
    for name in names:
        rows = sets[name]
        got = answers[start : start + len(rows)]
        start += len(rows)
        base = None if name == HARD else clean[: len(rows)]
        checks.append(score_set(task, name, variant, rows, got, base, labels))
    return checks
