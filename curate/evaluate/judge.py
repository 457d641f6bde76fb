"""Pairwise LLM judge: does the tuned model's answer beat the prompted one, row by row?"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from curate.evaluate.config import JudgeSettings
from curate.evaluate.data import EvalRow
from curate.llm.cache import CallCache
from curate.llm.calls import ask_all
from curate.llm.provider import LLMError, Request, build_provider
from curate.workspace import WorkspaceDB

PAIRWISE_TOOL = "record_preference"
SYSTEM = (
    "You compare two answers to the same request. Judge which one does the task better: "
    "correct, complete, in the requested format. A reference answer is given as a guide. "
    "Ignore the order the answers are shown in and their length. Say A, B or tie."
)
SCHEMA = {
    "type": "object",
    "properties": {
        "winner": {"type": "string", "enum": ["A", "B", "tie"]},
        "reason": {"type": "string"},
    },
    "required": ["winner", "reason"],
    "additionalProperties": False,
}


class PairwiseVerdict(BaseModel):
    """The judge's structured answer."""

    winner: Literal["A", "B", "tie"]
    reason: str = ""


@dataclass
class JudgeResult:
    """Tuned against prompted; ties count half. ``win_rate`` is over answered rows."""

    model: str
    rows: int
    tuned_wins: int
    prompted_wins: int
    ties: int
    failed: int
    win_rate: float | None


def pairwise_prompt(row: EvalRow, first: str, second: str) -> str:
    """The request, the reference, and the two answers in the order shown."""
    turns = "\n".join(f"<{m['role']}>\n{m['content']}\n</{m['role']}>" for m in row.prompt)
    return (
        f"<request>\n{turns}\n</request>\n<reference>\n{row.reference}\n</reference>\n"
        f"<answer_A>\n{first}\n</answer_A>\n<answer_B>\n{second}\n</answer_B>"
    )


def judge_pairwise(
    settings: JudgeSettings,
    rows: list[EvalRow],
    tuned: list[str],
    prompted: list[str],
    *,
    seed: int,
    workspace: Path,
    note: Callable[[str], None],
) -> JudgeResult | None:
    """Ask the judge once per row (cached in workspace.db); None with a notice when the
    provider cannot be used. The tuned answer is shown first or second at random (seeded)."""
    provider = build_provider(settings.llm)
    problem = provider.problem()
    model = f"{provider.name}:{settings.llm.model}"
    if problem:
        note(f"judge: skipped, {problem}")
        return None
    rng = random.Random(seed)
    tuned_first: dict[str, bool] = {}
    requests: dict[str, Request] = {}
    for i, (row, t, p) in enumerate(zip(rows, tuned, prompted, strict=True)):
        key = str(i)
        tuned_first[key] = rng.random() < 0.5
        first, second = (t, p) if tuned_first[key] else (p, t)
        requests[key] = Request(
            SYSTEM,
            pairwise_prompt(row, first, second),
            SCHEMA,
            PAIRWISE_TOOL,
            settings.llm.max_tokens,
            settings.llm.temperature,
        )
    store = WorkspaceDB(workspace)
    try:
        outcomes, _ = ask_all(provider, requests, PairwiseVerdict, CallCache(store), log=note)
    except LLMError as exc:
        note(f"judge: stopped, {exc}")
        return None
    finally:
        store.close()
    tuned_wins = prompted_wins = ties = failed = 0
    for key, outcome in outcomes.items():
        if outcome.value is None:
            failed += 1
        elif outcome.value.winner == "tie":
            ties += 1
        elif (outcome.value.winner == "A") == tuned_first[key]:
            tuned_wins += 1
        else:
            prompted_wins += 1
    answered = tuned_wins + prompted_wins + ties
    rate = (tuned_wins + 0.5 * ties) / answered if answered else None
    return JudgeResult(model, len(rows), tuned_wins, prompted_wins, ties, failed, rate)
