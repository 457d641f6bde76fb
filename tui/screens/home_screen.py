"""Home: the workspace's runs, the selected run's stage counts and its kept-length histogram."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from curate.run.judge_verdicts import has_judge
from curate.run.pii_review import has_pii
from curate.run.views import RunSummary, length_histogram, list_runs
from tui.formatting import run_totals, when
from tui.screens.agreement_screen import AgreementScreen
from tui.screens.audit_screen import AuditScreen
from tui.screens.browse_screen import BrowseScreen
from tui.screens.duplicates_screen import DuplicatesScreen, has_semantic_dedup
from tui.screens.judge_screen import JudgeScreen
from tui.screens.pii_screen import PiiScreen
from tui.session import Session
from tui.widgets.length_histogram import LengthHistogram
from tui.widgets.stage_table import StageTable

RUN_COLUMNS = ("run", "pipeline", "status", "updated", "input → train/eval/test/rejected")
STAGE_SCREENS: dict[str, Callable[[RunSummary], bool]] = {
    "duplicates": has_semantic_dedup,
    "judge": has_judge,
    "pii": has_pii,
}
NEEDS_RUN = {"browse", "audit", "duplicates", "judge", "pii"}


class HomeScreen(Screen[None]):
    """Lists runs newest first; the highlighted run's details fill the lower half."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run pipeline"),
        Binding("b", "browse", "Browse"),
        Binding("a", "audit", "Audit"),
        Binding("u", "duplicates", "Duplicates"),
        Binding("j", "judge", "Judge"),
        Binding("i", "pii", "PII"),
        Binding("g", "agreement", "Agreement"),
        Binding("f5", "reload", "Reload"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.runs: list[RunSummary] = []
        self.selected: RunSummary | None = None
        self._histogram_stale = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="runs-empty")
        yield DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="run-details"):
            with Vertical(id="stages-pane"):
                yield StageTable(id="stages")
            with Vertical(id="histogram-pane"):
                yield LengthHistogram(id="histogram")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#runs", DataTable).add_columns(*RUN_COLUMNS)
        self.query_one("#stages-pane").border_title = "Stages of the selected run"
        self.query_one("#histogram-pane").border_title = "Kept lengths (chars)"

    def on_screen_resume(self) -> None:
        self.reload_runs()

    def reload_runs(self) -> None:
        """Read the runs again, keeping the same run selected if it is still there."""
        previous = self.selected.run_id if self.selected else None
        self._histogram_stale = True  # the run may have been resumed since it was drawn
        self.runs = list_runs(self.session.workspace)
        table = self.query_one("#runs", DataTable)
        table.clear()
        for index, run in enumerate(self.runs):
            cells = (run.run_id, run.pipeline, run.status, when(run.updated_at), run_totals(run))
            table.add_row(*cells, key=str(index))
        empty = self.query_one("#runs-empty", Static)
        empty.display = not self.runs
        if not self.runs:
            pipeline = self.session.pipeline.name if self.session.pipeline else "a pipeline"
            empty.update(f"No runs yet. Press r to run {pipeline}.")
            self._select(None)
            return
        ids = [run.run_id for run in self.runs]
        table.move_cursor(row=ids.index(previous) if previous in ids else 0)
        self._select(self.runs[table.cursor_row])

    @on(DataTable.RowHighlighted, "#runs")
    def _run_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.runs):
            self._select(self.runs[event.cursor_row])

    @on(DataTable.RowSelected, "#runs")
    def _run_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_browse()

    def _select(self, run: RunSummary | None) -> None:
        previous, self.selected = self.selected, run
        self.refresh_bindings()
        self.query_one("#stages", StageTable).show_entries(run.stages if run else [])
        # why a stopped run stopped (a gate, a bad input), under the stages it got through
        pane = self.query_one("#stages-pane")
        pane.border_subtitle = run.message[:90] if run and run.message else ""
        histogram = self.query_one("#histogram", LengthHistogram)
        if run is None:
            histogram.bins = []
        elif self._histogram_stale or previous is None or previous.run_dir != run.run_dir:
            self._histogram_stale = False
            histogram.bins = None
            self._load_histogram(run)

    @work(exclusive=True, group="histogram")
    async def _load_histogram(self, run: RunSummary) -> None:
        try:
            frame = await asyncio.to_thread(self.session.examples.examples, run.run_dir)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.notify(f"could not read {run.run_id}: {exc}", severity="error")
            frame = pl.DataFrame()
        bins = length_histogram(frame) if "chars" in frame.columns else []
        self.query_one("#histogram", LengthHistogram).bins = bins

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_RUN and self.selected is None:
            return None
        # A screen for a stage the run did not have is hidden, which keeps the footer short.
        has_stage = STAGE_SCREENS.get(action)
        if has_stage is not None:
            return self.selected is not None and has_stage(self.selected)
        return True

    def action_run(self) -> None:
        self.app.push_screen("run")

    def action_browse(self) -> None:
        if self.selected is not None:
            self.app.push_screen(BrowseScreen(self.session, self.selected))

    def action_audit(self) -> None:
        if self.selected is not None:
            self.app.push_screen(AuditScreen(self.session, self.selected))

    def action_duplicates(self) -> None:
        if self.selected is not None and has_semantic_dedup(self.selected):
            self.app.push_screen(DuplicatesScreen(self.session, self.selected))

    def action_judge(self) -> None:
        if self.selected is not None and has_judge(self.selected):
            self.app.push_screen(JudgeScreen(self.session, self.selected))

    def action_pii(self) -> None:
        if self.selected is not None and has_pii(self.selected):
            self.app.push_screen(PiiScreen(self.session, self.selected))

    def action_agreement(self) -> None:
        self.app.push_screen(AgreementScreen(self.session))

    def action_reload(self) -> None:
        self.reload_runs()
