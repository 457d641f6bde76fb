"""Home: the workspace's runs, the selected run's stage counts and its kept-length histogram."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from curate.runs.judge_verdicts import has_judge
from curate.runs.label_review import has_label_issues
from curate.runs.pii_review import has_pii
from curate.runs.views import RunSummary, length_histogram, list_runs
from curate_tui.formatting import run_totals, when
from curate_tui.screens.agreement_screen import AgreementScreen
from curate_tui.screens.audit_screen import AuditScreen
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.duplicates_screen import DuplicatesScreen, has_semantic_dedup
from curate_tui.screens.judge_screen import JudgeScreen
from curate_tui.screens.label_review_screen import LabelReviewScreen
from curate_tui.screens.pii_screen import PiiScreen
from curate_tui.session import Session
from curate_tui.widgets.length_histogram import LengthHistogram
from curate_tui.widgets.stage_table import StageTable

RUN_COLUMNS = ("run", "pipeline", "status", "updated", "input → train/eval/test/rejected")


@dataclass(frozen=True)
class ScreenKey:
    """A key of Home, the screen it opens and when; ``help`` follows the key in the overview."""

    key: str
    action: str
    label: str
    help: str
    run_screen: Callable[[Session, RunSummary], Screen[None]] | None = None  # on the selected run
    workspace_screen: Callable[[Session], Screen[None]] | str = ""  # or an installed one's name
    has_stage: Callable[[RunSummary], bool] | None = None  # the run stage the screen is about

    def available(self, run: RunSummary | None) -> bool | None:
        """True if the key works; None (greyed out) with no run selected; False (hidden) for
        a run without the stage, which keeps the footer short."""
        if self.run_screen is None:
            return True
        if run is None:
            return None
        return self.has_stage is None or self.has_stage(run)

    def screen(self, session: Session, run: RunSummary | None) -> Screen[None] | str | None:
        """What the key opens for ``run``, or None where it is not available."""
        if self.run_screen is None:
            opens = self.workspace_screen
            return opens if isinstance(opens, str) else opens(session)
        if run is None or not self.available(run):
            return None
        return self.run_screen(session, run)


SCREEN_KEYS = (
    ScreenKey("r", "run", "Run pipeline", "runs the pipeline", workspace_screen="run"),
    ScreenKey("b", "browse", "Browse", "(or enter) browses the run", BrowseScreen),
    ScreenKey("a", "audit", "Audit", "audits it", AuditScreen),
    ScreenKey(
        "u",
        "duplicates",
        "Duplicates",
        "shows its near-duplicate clusters (runs with a semantic_dedup stage)",
        DuplicatesScreen,
        has_stage=has_semantic_dedup,
    ),
    ScreenKey(
        "j",
        "judge",
        "Judge",
        "its judge verdicts (runs with a judge stage)",
        JudgeScreen,
        has_stage=has_judge,
    ),
    ScreenKey(
        "i", "pii", "PII", "its PII findings (runs with a pii stage)", PiiScreen, has_stage=has_pii
    ),
    ScreenKey(
        "l",
        "labels",
        "Labels",
        "its suspect labels (runs with a label_issues stage)",
        LabelReviewScreen,
        has_stage=has_label_issues,
    ),
    ScreenKey(
        "g",
        "agreement",
        "Agreement",
        "how well the workspace's annotators agree",
        workspace_screen=AgreementScreen,
    ),
)
SCREENS_BY_ACTION = {entry.action: entry for entry in SCREEN_KEYS}
HOME_HELP = (
    "**Home** lists the workspace's runs. Highlight one to see its stages and kept lengths;\n"
    + ", ".join(f"**{entry.key}** {entry.help}" for entry in SCREEN_KEYS)
    + "."
)


class HomeScreen(Screen[None]):
    """Lists runs newest first; the highlighted run's details fill the lower half."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(entry.key, entry.action, entry.label) for entry in SCREEN_KEYS),
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
        self.open_screen("browse")

    def _select(self, run: RunSummary | None) -> None:
        previous, self.selected = self.selected, run
        self.refresh_bindings()
        self.query_one("#stages", StageTable).show_entries(run.stages if run else [])
        # why a stopped run stopped (a gate, a bad input), under the stages it got through
        pane = self.query_one("#stages-pane")
        # plain Content: a message is the user's text, and "[redacted]" is not markup
        pane.border_subtitle = Content(run.message[:90]) if run and run.message else ""
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
            self.notify(f"could not read {run.run_id}: {exc}", severity="error", markup=False)
            frame = pl.DataFrame()
        bins = length_histogram(frame) if "chars" in frame.columns else []
        self.query_one("#histogram", LengthHistogram).bins = bins

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = SCREENS_BY_ACTION.get(action)
        return True if entry is None else entry.available(self.selected)

    def open_screen(self, action: str) -> None:
        """Open the screen of SCREEN_KEYS' ``action`` if it is available."""
        screen = SCREENS_BY_ACTION[action].screen(self.session, self.selected)
        if screen is not None:
            self.app.push_screen(screen)

    def action_reload(self) -> None:
        self.reload_runs()


def _opener(action: str) -> Callable[[HomeScreen], None]:
    def open_it(home: HomeScreen) -> None:
        home.open_screen(action)

    open_it.__doc__ = f"Open the {action} screen."
    return open_it


# Each key's action (action_browse, ...) comes from the table, so check_action, the palette
# and tests address them by the same names as before.
for _entry in SCREEN_KEYS:
    setattr(HomeScreen, f"action_{_entry.action}", _opener(_entry.action))
