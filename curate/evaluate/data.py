"""Eval rows: the run's test split, few-shot examples from its train split, the golden set."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import orjson

from curate.errors import CurateError

Message = dict[str, str]


@dataclass(frozen=True)
class EvalRow:
    """A conversation cut before its last assistant turn, which is the reference answer."""

    id: str
    prompt: list[Message]
    reference: str
    has_reference: bool = True  # False: a hard input with no expected answer ("" above)


def read_rows(
    path: Path, *, what: str, limit: int | None = None, answer_optional: bool = False
) -> list[EvalRow]:
    """Chat rows of a JSONL file (curate's export format); each must end with an answer,
    unless ``answer_optional`` (then a row ending on a user turn has no reference)."""
    if not path.is_file():
        hint = "run the pipeline with a split stage first" if what == "test split" else None
        raise CurateError(f"{what} not found", file=path, hint=hint)
    rows: list[EvalRow] = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
                messages = [{"role": m["role"], "content": m["content"]} for m in data["messages"]]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                raise CurateError(
                    "expected a JSON object with `messages` of role/content turns",
                    file=path,
                    line=number,
                ) from None
            answered = bool(messages) and messages[-1]["role"] == "assistant"
            if not answered and not (answer_optional and messages):
                raise CurateError(
                    "the last turn is not an assistant answer", file=path, line=number
                )
            row_id = str(data.get("curate_id") or data.get("id") or f"line-{number}")
            if answered:
                rows.append(EvalRow(row_id, messages[:-1], messages[-1]["content"]))
            else:
                rows.append(EvalRow(row_id, messages, "", has_reference=False))
            if limit is not None and len(rows) >= limit:
                break
    if not rows:
        raise CurateError(f"{what} has no rows", file=path)
    return rows


def pick_shots(train: list[EvalRow], k: int, seed: int) -> list[EvalRow]:
    """``k`` train examples, seeded, preferring distinct answers so the shots show the range."""
    shuffled = list(train)
    random.Random(seed).shuffle(shuffled)
    chosen: list[EvalRow] = []
    seen: set[str] = set()
    for row in shuffled:
        if row.reference not in seen:
            chosen.append(row)
            seen.add(row.reference)
        if len(chosen) == k:
            return chosen
    extra = [r for r in shuffled if r not in chosen]
    return chosen + extra[: k - len(chosen)]


def few_shot_prompt(row: EvalRow, shots: list[EvalRow]) -> list[Message]:
    """The row's system turn, then each shot as a user/assistant exchange, then the row."""
    system = [m for m in row.prompt[:1] if m["role"] == "system"]
    rest = row.prompt[len(system) :]
    turns: list[Message] = list(system)
    for shot in shots:
        user = [m for m in shot.prompt if m["role"] != "system"]
        turns += [*user, {"role": "assistant", "content": shot.reference}]
    return turns + rest
