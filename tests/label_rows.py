"""Labelled chat rows for the label_issues, consistency and label review tests: clean
tickets of the ticket demo, a few with their team planted wrong."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import REPO

TICKETS = REPO / "sample_data" / "tickets"
TEAMS = ("billing", "technical", "account", "shipping", "sales")


def clean_tickets(count: int) -> list[dict[str, Any]]:
    """The first ``count`` ticket rows with no planted problem, as written."""
    planted = json.loads((TICKETS / "planted.json").read_text())
    noisy = {line for lines in planted.values() for line in lines}
    rows = []
    for line, text in enumerate((TICKETS / "tickets_raw.jsonl").read_text().splitlines(), 1):
        if line not in noisy:
            rows.append(json.loads(text))
        if len(rows) == count:
            break
    return rows


def answer(row: dict[str, Any]) -> dict[str, str]:
    return json.loads(row["messages"][-1]["content"])


def with_team(row: dict[str, Any], team: str) -> dict[str, Any]:
    """A copy of ``row`` whose answer names ``team``."""
    route = {**answer(row), "team": team}
    messages = [*row["messages"][:-1], {"role": "assistant", "content": json.dumps(route)}]
    return {**row, "messages": messages}


def planted_rows(count: int = 150, every: int = 25) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """``count`` clean tickets with every ``every``-th one's team changed; returns the rows
    and, by 1-based line, the true team of each planted row."""
    rows = clean_tickets(count)
    truth: dict[int, str] = {}
    for at in range(every // 2, count, every):
        true_team = answer(rows[at])["team"]
        wrong = TEAMS[(TEAMS.index(true_team) + 2) % len(TEAMS)]
        rows[at] = with_team(rows[at], wrong)
        truth[at + 1] = true_team
    return rows, truth
