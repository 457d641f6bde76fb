"""The Judge screen's list: one row per judged example, most doubtful first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.widgets import DataTable

from curate.runs.judge_verdicts import JudgedRow
from curate.workspace import Override
from curate_tui.formatting import one_line
from curate_tui.widgets.example_table import OVERRIDE_MARKS

VERDICT_COLUMNS = ("", "verdict", "score", "doubt", "outcome", "id", "prompt", "rationale")
PROMPT_WIDTH = 28  # enough to tell two rows with one verdict apart


def first_prompt(row: Mapping[str, object]) -> str:
    """The first user turn of a judged row, on one line and cut to PROMPT_WIDTH."""
    turns = row.get("messages")
    text = (
        next(
            (
                str(turn.get("content") or "")
                for turn in turns or []
                if isinstance(turn, Mapping) and turn.get("role") == "user"
            ),
            "",
        )
        if isinstance(turns, list)
        else ""
    )
    text = one_line(text)
    return text if len(text) <= PROMPT_WIDTH else text[: PROMPT_WIDTH - 1] + "…"


def outcome(verdict: JudgedRow) -> str:
    """``kept``, or the rejection reason without its ``judge.`` prefix."""
    reason = verdict.row.get("reason")
    return "kept" if reason is None else str(reason).removeprefix("judge.")


class VerdictTable(DataTable[str]):
    """Verdicts in the order given, each with the mark of its standing override (K or D)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.add_columns(*VERDICT_COLUMNS)

    def show_verdicts(
        self, verdicts: Sequence[JudgedRow], overrides: Mapping[str, Override]
    ) -> None:
        """Replace the rows, keeping the cursor where it was."""
        row = self.cursor_row
        self.clear()
        for index, verdict in enumerate(verdicts):
            override = overrides.get(verdict.example_id)
            score = verdict.score
            cells = (
                OVERRIDE_MARKS.get(override.action, "") if override else "",
                verdict.verdict,
                "" if score is None else f"{score:.2f}",
                verdict.doubt_text,
                outcome(verdict),
                verdict.example_id[:8],
                first_prompt(verdict.row),
                one_line(verdict.row.get("judge_rationale") or verdict.row.get("detail")),
            )
            self.add_row(*cells, key=str(index))
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))
