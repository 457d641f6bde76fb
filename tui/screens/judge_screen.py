"""Judge: a run's LLM verdicts, most doubtful first, for a person to overrule."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import ClassVar, Literal

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from curate.errors import CurateError
from curate.runs.judge_verdicts import JudgedRow, read_verdicts
from curate.runs.views import RunSummary
from curate_tui.key_map import key
from curate_tui.overrides_flow import OverrideScreen
from curate_tui.session import Session
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.verdict_detail import Conversation, VerdictCard
from curate_tui.widgets.verdict_table import VerdictTable

Decision = Literal["keep", "drop", "clear"]


class JudgeScreen(OverrideScreen):
    """Verdicts by doubt above the highlighted one's scores and conversation; k/d/c overrule."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("keep", "decide('keep')", "Force keep"),
        key("drop", "decide('drop')", "Force drop"),
        key("clear", "decide('clear')", "Clear override"),
        key("undo", "undo", "Undo"),
        key("back", "app.pop_screen", "Back"),
    ]
    PROMPTS: ClassVar[dict[str, str]] = {
        "keep": "Keep {id} despite the judge: why?",
        "drop": "Drop {id} despite the judge: why?",
    }
    DONE: ClassVar[dict[str, str]] = {
        "keep": "Force-keeping {id}",
        "drop": "Force-dropping {id}",
        "clear": "Cleared the override on {id}",
    }

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__(session)
        self.run = run
        self.verdicts: list[JudgedRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="judge-error")
        yield Static("loading verdicts…", id="judge-count", markup=False)
        yield VerdictTable(id="judge-verdicts")
        with Horizontal(id="judge-detail"):
            yield Conversation(id="judge-conversation")
            yield VerdictCard(id="judge-card")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        skipped = judge_skipped(self.run)
        self.sub_title = f"judge {self.run.run_id}" + (f" · skipped: {skipped}" if skipped else "")
        self.query_one(VerdictTable).border_title = (
            "Examples, never sent to the judge" if skipped else "Verdicts, most doubtful first"
        )
        self.query_one(Conversation).border_title = "Conversation"
        self.query_one(VerdictCard).border_title = "Verdict"
        self._load()

    @work(exclusive=True, group="judge-load")
    async def _load(self) -> None:
        verdicts: list[JudgedRow] = []
        try:
            verdicts = await asyncio.to_thread(read_verdicts, self.run.run_dir)
        except CurateError as exc:
            self.query_one(ErrorPanel).message = str(exc)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
        self._show_verdicts(verdicts)

    def _show_verdicts(self, verdicts: list[JudgedRow]) -> None:
        self.verdicts = verdicts
        self.reload_overrides()
        table = self.query_one(VerdictTable)
        table.show_verdicts(verdicts, self.overrides)
        table.focus()
        self._update_count()
        self._show_verdict()

    def _update_count(self) -> None:
        self.query_one("#judge-count", Static).update(judge_count(self.verdicts, self.overrides))

    @property
    def verdict(self) -> JudgedRow | None:
        """The verdict under the cursor, or None."""
        row = self.query_one(VerdictTable).cursor_row
        return self.verdicts[row] if 0 <= row < len(self.verdicts) else None

    @on(DataTable.RowHighlighted, "#judge-verdicts")
    def _verdict_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_verdict()

    def _show_verdict(self) -> None:
        verdict = self.verdict
        self.query_one(Conversation).shown = verdict
        card = self.query_one(VerdictCard)
        card.shown = None if verdict is None else (verdict, self.overrides.get(verdict.example_id))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "decide":
            return True
        verdict = self.verdict
        if verdict is None:
            return None
        override = self.overrides.get(verdict.example_id)
        if parameters and parameters[0] == "clear":
            return True if override is not None else None
        if override is not None and parameters and override.action == parameters[0]:
            return None  # already decided that way
        # Keeping what the judge kept would change nothing, unless it stands force-dropped.
        if parameters and parameters[0] == "keep" and verdict.kept and override is None:
            return None
        return True

    def action_decide(self, decision: Decision) -> None:
        verdict = self.verdict
        if verdict is not None:
            self.decide_override(verdict.example_id, decision)

    def show_overrides(self) -> None:
        self.query_one(VerdictTable).show_verdicts(self.verdicts, self.overrides)
        self._update_count()
        self._show_verdict()


def judge_skipped(run: RunSummary) -> str | None:
    """Why the run's (last) judge stage skipped its work, or None when it judged."""
    entries = [entry for entry in run.stages if entry.name == "judge"]
    skipped = entries[-1].metrics.get("skipped") if entries else None
    return str(skipped) if skipped else None


def judge_count(verdicts: list[JudgedRow], overrides: Mapping[str, object]) -> str:
    """How many rows got a verdict, a failed call, or none at all (a skipped judge says so,
    instead of calling its rows judged); then rejections and overrules."""
    if not verdicts:
        return "The judge stage saw no examples."
    judged = sum(v.verdict in ("GOOD", "BAD") for v in verdicts)
    failed = sum(v.doubt == math.inf for v in verdicts)
    unjudged = [v for v in verdicts if v.verdict not in ("GOOD", "BAD") and v.doubt != math.inf]
    if judged == 0 and not failed:
        statuses = ", ".join(sorted({v.verdict for v in unjudged}))
        return f"The judge gave no verdicts: all {len(unjudged)} examples are {statuses}."
    parts = [f"{judged} judged"]
    if failed:
        parts.append(f"{failed} failed {'call' if failed == 1 else 'calls'}")
    if unjudged:
        statuses = ", ".join(sorted({v.verdict for v in unjudged}))
        parts.append(f"{len(unjudged)} not judged ({statuses})")
    bad = sum(1 for v in verdicts if not v.kept)
    overruled = sum(1 for v in verdicts if v.example_id in overrides)
    return " · ".join([*parts, f"{bad} rejected", f"{overruled} overruled"])
