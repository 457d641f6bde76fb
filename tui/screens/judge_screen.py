"""Judge: a run's LLM verdicts, most doubtful first, for a person to overrule."""

from __future__ import annotations

import asyncio
from typing import ClassVar, Literal

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from curate.decisions import Override
from curate.errors import CurateError
from curate.run.judge_verdicts import Verdict, read_verdicts
from curate.run.views import RunSummary
from tui.screens.text_prompt_screen import TextPromptScreen
from tui.session import Session
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.verdict_detail import Conversation, VerdictCard
from tui.widgets.verdict_table import VerdictTable

Decision = Literal["keep", "drop", "clear"]
PROMPTS = {"keep": "Keep {id} despite the judge: why?", "drop": "Drop {id} despite the judge: why?"}
DONE = {
    "keep": "Force-keeping {id}",
    "drop": "Force-dropping {id}",
    "clear": "Cleared the override on {id}",
}


class JudgeScreen(Screen[None]):
    """Verdicts by doubt above the highlighted one's scores and conversation; k/d/c overrule."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "decide('keep')", "Force keep"),
        Binding("d", "decide('drop')", "Force drop"),
        Binding("c", "decide('clear')", "Clear override"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__()
        self.session = session
        self.run = run
        self.verdicts: list[Verdict] = []
        self.overrides: dict[str, Override] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="judge-error")
        yield Static("loading verdicts…", id="judge-count", markup=False)
        yield VerdictTable(id="judge-verdicts")
        with Horizontal(id="judge-detail"):
            yield Conversation(id="judge-conversation")
            yield VerdictCard(id="judge-card")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"judge {self.run.run_id}"
        self.query_one(VerdictTable).border_title = "Verdicts, most doubtful first"
        self.query_one(Conversation).border_title = "Conversation"
        self.query_one(VerdictCard).border_title = "Verdict"
        self._load()

    @work(exclusive=True, group="judge-load")
    async def _load(self) -> None:
        verdicts: list[Verdict] = []
        try:
            verdicts = await asyncio.to_thread(read_verdicts, self.run.run_dir)
        except CurateError as exc:
            self.query_one(ErrorPanel).message = str(exc)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
        self._show_verdicts(verdicts)

    def _show_verdicts(self, verdicts: list[Verdict]) -> None:
        self.verdicts = verdicts
        self.overrides = self.session.store.overrides()
        table = self.query_one(VerdictTable)
        table.show_verdicts(verdicts, self.overrides)
        table.focus()
        self._update_count()
        self._show_verdict()

    def _update_count(self) -> None:
        bad = sum(1 for v in self.verdicts if not v.kept)
        overruled = sum(1 for v in self.verdicts if v.example_id in self.overrides)
        text = (
            f"{len(self.verdicts)} judged · {bad} rejected · {overruled} overruled"
            if self.verdicts
            else "The judge stage saw no examples."
        )
        self.query_one("#judge-count", Static).update(text)

    @property
    def verdict(self) -> Verdict | None:
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
        if verdict is None:
            return
        example_id = verdict.example_id
        if decision == "clear":
            self._set_override(example_id, "clear", "cleared in the TUI")
            return

        def save(reason: str | None) -> None:
            if reason is not None:
                self._set_override(example_id, decision, reason)

        question = PROMPTS[decision].format(id=example_id)
        self.app.push_screen(TextPromptScreen(question, placeholder="reason"), save)

    def _set_override(self, example_id: str, decision: Decision, reason: str) -> None:
        self.session.store.set_override(example_id, decision, reason)
        self.overrides = self.session.store.overrides()
        self.query_one(VerdictTable).show_verdicts(self.verdicts, self.overrides)
        self._update_count()
        self._show_verdict()
        self.notify(DONE[decision].format(id=example_id) + "; the next run applies it.")
