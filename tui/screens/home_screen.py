"""Home: the workspace's runs, the selected run's stage counts, and pictures of its kept set:
lengths in characters, tokens against the model's limit, and its largest topic clusters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from curate.errors import CurateError
from curate.runs.judge_verdicts import has_judge
from curate.runs.label_review import has_label_issues
from curate.runs.pii_review import has_pii
from curate.runs.token_lengths import HOW_TO_GET_IT, token_lengths
from curate.runs.views import RunSummary, length_histogram, list_runs
from curate_tui.formatting import run_totals, when
from curate_tui.key_map import KEY_MAP, key
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
from curate_tui.widgets.token_histogram import TokenHistogram
from curate_tui.widgets.topic_clusters import TopicClusters

if TYPE_CHECKING:
    from curate.runs.cluster_overview import ClusterOverview

RUN_COLUMNS = ("run", "pipeline", "status", "updated", "input → train/eval/test/rejected")
NO_EMBEDDINGS = "No embeddings: add `- stage: semantic_dedup` to the pipeline for topic clusters."
NO_VECTORS = "No stored vectors for this run's kept rows (cache/embeddings is empty or cleared)."


@dataclass(frozen=True)
class ScreenKey:
    """A key of Home, the screen it opens and when; ``help`` follows the key in the overview.
    The key itself is ``action``'s in the app's key map."""

    action: str
    label: str
    help: str
    run_screen: Callable[[Session, RunSummary], Screen[None]] | None = None  # on the selected run
    workspace_screen: Callable[[Session], Screen[None]] | str = ""  # or an installed one's name
    has_stage: Callable[[RunSummary], bool] | None = None  # the run stage the screen is about

    @property
    def key(self) -> str:
        return KEY_MAP[self.action].keys

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
    ScreenKey("run", "Run pipeline", "runs the pipeline", workspace_screen="run"),
    ScreenKey("browse", "Browse", "(or enter) browses the run", BrowseScreen),
    ScreenKey("audit", "Audit", "audits it", AuditScreen),
    ScreenKey(
        "duplicates",
        "Duplicates",
        "shows its near-duplicate clusters (runs with a semantic_dedup stage)",
        DuplicatesScreen,
        has_stage=has_semantic_dedup,
    ),
    ScreenKey(
        "judge",
        "Judge",
        "its judge verdicts (runs with a judge stage)",
        JudgeScreen,
        has_stage=has_judge,
    ),
    ScreenKey(
        "pii", "PII", "its PII findings (runs with a pii stage)", PiiScreen, has_stage=has_pii
    ),
    ScreenKey(
        "labels",
        "Labels",
        "its suspect labels (runs with a label_issues stage)",
        LabelReviewScreen,
        has_stage=has_label_issues,
    ),
    ScreenKey(
        "agreement",
        "Agreement",
        "how well the workspace's annotators agree",
        workspace_screen=AgreementScreen,
    ),
)
SCREENS_BY_ACTION = {entry.action: entry for entry in SCREEN_KEYS}
HOME_HELP = (
    "**Home** lists the workspace's runs. Highlight one to see its stages and three pictures\n"
    "of its kept set (**tab** to the tabs, **←/→** switch): lengths in characters, tokens\n"
    "against the model's limit (a token_budget stage), topic clusters (semantic_dedup runs);\n"
    + ", ".join(f"**{entry.key}** {entry.help}" for entry in SCREEN_KEYS)
    + "."
)


class HomeScreen(Screen[None]):
    """Lists runs newest first; the highlighted run's details fill the lower half."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(key(entry.action, entry.action, entry.label) for entry in SCREEN_KEYS),
        key("reload", "reload", "Reload"),
    ]

    # how often Home re-reads the runs index for runs started elsewhere (another TUI, the CLI)
    WATCH_SECONDS: ClassVar[float] = 2.0

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.runs: list[RunSummary] = []
        self.selected: RunSummary | None = None
        self._histogram_stale = True
        self._runs_seen: tuple[object, ...] = ()
        self._topics_for: Path | None = None  # the run whose topics are shown or computing

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="runs-empty")
        yield DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="run-details"):
            with Vertical(id="stages-pane"):
                yield StageTable(id="stages")
            with TabbedContent(id="pictures"):
                with TabPane("Chars", id="tab-lengths"):
                    yield LengthHistogram(id="histogram")
                with TabPane("Tokens", id="tab-tokens"):
                    yield TokenHistogram(id="tokens")
                with TabPane("Topics", id="tab-topics"):
                    yield TopicClusters(id="topics")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#runs", DataTable).add_columns(*RUN_COLUMNS)
        self.query_one("#stages-pane").border_title = "Stages of the selected run"
        self.set_interval(self.WATCH_SECONDS, self._poll_runs)

    def on_screen_resume(self) -> None:
        self.reload_runs()

    def _runs_stamp(self) -> tuple[object, ...]:
        """Changes when a run is added, moves on, or finishes: the index rows and the run
        folders, without reading any manifest."""
        indexed = tuple(
            (run["run_dir"], run["status"], run["updated_at"]) for run in self.session.store.runs()
        )
        runs_root = self.session.workspace / "runs"
        folders = tuple(sorted(p.name for p in runs_root.iterdir())) if runs_root.is_dir() else ()
        return indexed, folders

    def _poll_runs(self) -> None:
        """Reload when the workspace's runs changed since Home last read them."""
        if self._runs_stamp() != self._runs_seen:
            self.reload_runs()

    def reload_runs(self, *, select: Path | None = None) -> None:
        """Read the runs again and select the run in folder ``select``, else the same run as
        before if it is still there, else the newest."""
        previous = self.selected.run_id if self.selected else None
        self._histogram_stale = True  # the run may have been resumed since it was drawn
        self._runs_seen = self._runs_stamp()
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
        row = 0
        folders = [run.run_dir.resolve() for run in self.runs]
        ids = [run.run_id for run in self.runs]
        if select is not None and select.resolve() in folders:
            row = folders.index(select.resolve())
        elif previous in ids:
            row = ids.index(previous)
        table.move_cursor(row=row)
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
        where = self.session.workspace.name
        self.sub_title = f"{where} · run {run.run_id}" if run else f"{where} · no run selected"
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
            self._topics_for = None
            self._load_histogram(run)
        self._show_tokens(run)
        self._show_topics()

    def _show_tokens(self, run: RunSummary | None) -> None:
        """The token_budget stage's distribution: cheap, it is in the stage entry."""
        tokens = self.query_one(TokenHistogram)
        try:
            lengths = token_lengths(run.run_dir, run.stages) if run else None
        except CurateError as exc:
            tokens.note = str(exc)
            return
        tokens.lengths = lengths
        tokens.note = "" if lengths is not None else HOW_TO_GET_IT if run else "no run selected"

    @on(TabbedContent.TabActivated, "#pictures")
    def _picture_chosen(self, event: TabbedContent.TabActivated) -> None:
        self._show_topics()

    def _show_topics(self) -> None:
        """Cluster the selected run's kept set once its Topics tab is open: k-means is the
        one costly picture, so Home never pays for it unasked."""
        topics, run = self.query_one(TopicClusters), self.selected
        if run is None or not has_semantic_dedup(run):
            topics.overview, topics.note = None, "" if run is None else NO_EMBEDDINGS
            self._topics_for = None
            return
        showing = self.query_one("#pictures", TabbedContent).active == "tab-topics"
        if showing and self._topics_for != run.run_dir:
            self._topics_for = run.run_dir
            topics.overview, topics.note = None, "clustering the kept examples…"
            self._load_topics(run)

    @work(exclusive=True, group="histogram")
    async def _load_histogram(self, run: RunSummary) -> None:
        try:
            frame = await asyncio.to_thread(self.session.examples.examples, run.run_dir)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.notify(f"could not read {run.run_id}: {exc}", severity="error", markup=False)
            frame = pl.DataFrame()
        bins = length_histogram(frame) if "chars" in frame.columns else []
        self.query_one("#histogram", LengthHistogram).bins = bins

    @work(exclusive=True, group="topics")
    async def _load_topics(self, run: RunSummary) -> None:
        try:
            frame = await asyncio.to_thread(self.session.examples.examples, run.run_dir)
            overview = await asyncio.to_thread(_topics_of, self.session.workspace, frame, run)
        except CurateError as exc:
            overview, note = None, str(exc)
        except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
            overview, note = None, f"Could not cluster {run.run_id}: {exc}"
        else:
            note = "" if overview is not None else NO_VECTORS
        if self._topics_for == run.run_dir:  # not a run the user has moved away from
            topics = self.query_one(TopicClusters)
            topics.overview, topics.note = overview, note

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


def _topics_of(workspace: Path, frame: pl.DataFrame, run: RunSummary) -> ClusterOverview | None:
    """The run's topic clusters, importing numpy and scikit-learn off the UI thread."""
    from curate.runs.cluster_overview import cluster_overview

    return cluster_overview(workspace, frame, run.manifest)


def _opener(action: str) -> Callable[[HomeScreen], None]:
    def open_it(home: HomeScreen) -> None:
        home.open_screen(action)

    open_it.__doc__ = f"Open the {action} screen."
    return open_it


# Each key's action (action_browse, ...) comes from the table, so check_action, the palette
# and tests address them by the same names as before.
for _entry in SCREEN_KEYS:
    setattr(HomeScreen, f"action_{_entry.action}", _opener(_entry.action))
