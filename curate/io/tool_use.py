"""What a set's tool use looks like: rows that declare tools, calls per row, the tools called
most, parallel calls, and rows whose last assistant turn is a call (the model learns to stop
at a call there, with no answer after the result)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import orjson
import polars as pl

from curate.record import conversation_expr


@dataclass
class ToolUse:
    """Tool-use counts of one file; all zero for a set without tools."""

    rows_with_tools: int = 0
    rows_with_calls: int = 0
    calls: int = 0
    calls_per_row_max: int = 0
    calls_per_row_mean: float = 0.0  # over rows with calls
    parallel_call_turns: int = 0  # assistant turns holding more than one call
    ends_on_call_share: float = 0.0  # of rows with calls
    tools_by_frequency: dict[str, int] = field(default_factory=dict)


def tool_use(examples: pl.DataFrame, *, top: int = 10) -> ToolUse:
    """Count the tool use of a canonical batch."""
    turn = pl.element().struct
    frame = examples.select(
        pl.col("tools").is_not_null().alias("has_tools"),
        conversation_expr()
        .list.eval(pl.element().filter(turn.field("role") == "assistant"))
        .alias("answers"),
    )
    summary = ToolUse(rows_with_tools=int(frame["has_tools"].sum()))
    names: Counter[str] = Counter()
    per_row, ends_on_call = [], 0
    for answers in frame["answers"].to_list():
        row_calls = 0
        for answer in answers or []:
            calls = _calls(answer)
            row_calls += len(calls)
            summary.parallel_call_turns += len(calls) > 1
            names.update(str((c.get("function") or {}).get("name")) for c in calls)
        if row_calls:
            per_row.append(row_calls)
            ends_on_call += bool(_calls(answers[-1]))
    summary.rows_with_calls = len(per_row)
    summary.calls = sum(per_row)
    if per_row:
        summary.calls_per_row_max = max(per_row)
        summary.calls_per_row_mean = round(summary.calls / len(per_row), 2)
        summary.ends_on_call_share = round(ends_on_call / len(per_row), 4)
    summary.tools_by_frequency = dict(names.most_common(top))
    return summary


def _calls(turn: dict) -> list[dict]:
    if turn.get("tool_calls"):
        return [c for c in orjson.loads(turn["tool_calls"]) if isinstance(c, dict)]
    if turn.get("function_call"):
        return [{"function": orjson.loads(turn["function_call"])}]
    return []
