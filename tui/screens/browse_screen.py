"""Browse: every kept and rejected example of a run, filtered, with the conversation in full."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar, Literal

import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from curate.runs.views import RunSummary, filter_examples
from curate_tui.example_maximise import MaximiseExample
from curate_tui.key_map import key
from curate_tui.messages import (
    ExampleChosen,
    ExampleFilters,
    ExampleHighlighted,
    FiltersChanged,
    FiltersLeft,
)
from curate_tui.overrides_flow import OverrideScreen
from curate_tui.session import Session
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.example_detail import ExampleContent, ExampleDetail
from curate_tui.widgets.example_table import ExampleTable
from curate_tui.widgets.filter_bar import FilterBar

SPLIT_ORDER = ("train", "eval", "test")
DETAIL_DELAY = 0.06  # seconds the cursor must rest before the detail pane redraws


def _values(frame: pl.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return []
    return sorted(v for v in frame[column].unique().to_list() if v)


class BrowseScreen(OverrideScreen, MaximiseExample):
    """A virtual table of examples over a detail pane; k/d force-keep or force-drop."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("keep", "override('keep')", "Keep"),
        key("drop", "override('drop')", "Drop"),
        key("clear", "clear_override", "Clear"),
        key("undo", "undo", "Undo"),
        key("keep_all", "override_all('keep')", "Keep all", show=False),
        key("drop_all", "override_all('drop')", "Drop all", show=False),
        key("search", "search", "Search"),
        key("clear_filters", "clear_filters", "Reset"),
        key("twin", "twin", "Twin"),
        key("maximise", "maximise", "Expand"),
        key("table", "focus_table", "Table", show=False),
        key("back", "app.pop_screen", "Back"),
    ]
    PROMPTS: ClassVar[dict[str, str]] = {
        "keep": "Force-keep {id}: why?",
        "drop": "Force-drop {id}: why?",
    }
    DONE: ClassVar[dict[str, str]] = {
        "keep": "Force-kept {id}",
        "drop": "Force-dropped {id}",
        "clear": "Cleared the override of {id}",
    }

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__(session)
        self.run = run
        self.examples = pl.DataFrame()
        self.shown = pl.DataFrame()
        self.filters = ExampleFilters()
        self.position: int | None = None
        self._detail_timer: Timer | None = None
        self._last_highlight = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filters")
        yield Static("loading…", id="browse-count")
        yield ErrorPanel(id="browse-error")
        yield ExampleTable(id="examples")
        yield ExampleDetail(id="detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"browse {self.run.run_id}"
        cached = self.session.examples.cached(self.run.run_dir)
        if cached is not None:
            self._show_examples(cached)
        else:
            self.query_one(ExampleTable).loading = True
            self._load()

    @work(exclusive=True, group="browse-load")
    async def _load(self) -> None:
        try:
            frame = await asyncio.to_thread(self.session.examples.examples, self.run.run_dir)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
            frame = pl.DataFrame()
        self.query_one(ExampleTable).loading = False
        self._show_examples(frame)

    def _show_examples(self, frame: pl.DataFrame) -> None:
        self.examples = frame
        self.query_one(FilterBar).set_choices(
            stages=[s.name for s in self.run.stages if s.name in _values(frame, "stage")],
            reasons=_values(frame, "reason"),
            splits=[s for s in SPLIT_ORDER if s in _values(frame, "split")],
        )
        self.reload_overrides()
        self._mark_overrides()
        self._apply_filters()
        self.query_one(ExampleTable).focus()

    def _apply_filters(self) -> None:
        f = self.filters
        self.shown = (
            filter_examples(
                self.examples,
                status=f.status,
                stage=f.stage,
                reason=f.reason,
                split=f.split,
                text=f.text,
            )
            if self.examples.height
            else self.examples
        )
        self.query_one("#browse-count", Static).update(
            f"{self.shown.height:,} of {self.examples.height:,} examples"
        )
        self.query_one(ExampleTable).show_rows(self.shown)

    def on_filters_changed(self, message: FiltersChanged) -> None:
        self.filters = message.filters
        if self.examples.height:
            self._apply_filters()

    def on_filters_left(self, message: FiltersLeft) -> None:
        self.query_one(ExampleTable).focus()

    def on_example_highlighted(self, message: ExampleHighlighted) -> None:
        # Redrawing the detail pane costs far more than moving the cursor, so while a key is
        # held down only the table follows; the pane catches up once the cursor rests.
        self.position = message.position
        if self._detail_timer is not None:
            self._detail_timer.stop()
        now = time.monotonic()
        if now - self._last_highlight >= DETAIL_DELAY:
            self._show_detail()
        else:
            self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_detail)
        self._last_highlight = now

    def on_example_chosen(self, message: ExampleChosen) -> None:
        self.query_one(ExampleDetail).focus()

    @property
    def current(self) -> dict[str, object] | None:
        """The highlighted example's row, or None."""
        if self.position is None or self.position >= self.shown.height:
            return None
        return self.shown.row(self.position, named=True)

    def _show_detail(self) -> None:
        example = self.current
        detail = self.query_one(ExampleDetail)
        if example is None:
            detail.shown = None
            return
        detail.shown = ExampleContent(example, self.overrides.get(str(example["id"])))

    def show_overrides(self) -> None:
        self._mark_overrides()
        self._show_detail()

    def _mark_overrides(self) -> None:
        actions = {example_id: o.action for example_id, o in self.overrides.items()}
        self.query_one(ExampleTable).set_overrides(actions)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("override", "clear_override") and self.current is None:
            return None
        if action == "twin":
            return True if self._twin_id() else None
        if action == "clear_filters":
            return None if self.filters == ExampleFilters() else True
        return True

    def _twin_id(self) -> str | None:
        """The example the highlighted rejected one names (the duplicate it matched), if any."""
        example = self.current
        related = example.get("related_id") if example else None
        return str(related) if related else None

    def action_twin(self) -> None:
        """Move to the twin; clears the filters first when they hide it."""
        twin, example = self._twin_id(), self.current
        if twin is None or example is None:
            return
        position = self._twin_position(twin, example["row"])
        if position is None and self.filters != ExampleFilters():
            self.filters = ExampleFilters()
            with self.prevent(FiltersChanged):
                self.query_one(FilterBar).clear()
            self._apply_filters()
            position = self._twin_position(twin, example["row"])
        if position is None:
            self.notify(f"{twin} is in no stage of this run", severity="warning", markup=False)
            return
        table = self.query_one(ExampleTable)
        table.cursor = position
        table.focus()

    def _twin_position(self, twin: str, own_row: object) -> int | None:
        """Where the twin is among the shown rows, kept row first (an exact duplicate shares
        its twin's id), never the example itself; None if the filters hide it."""
        rows = self.shown.select("id", "status", "row").with_row_index("position")
        rows = rows.filter((pl.col("id") == twin) & (pl.col("row") != own_row))
        if rows.height == 0:
            return None
        return int(rows.sort(pl.col("status") != "kept")["position"][0])

    def action_clear_filters(self) -> None:
        self.query_one(FilterBar).clear()
        self.query_one(ExampleTable).focus()

    def action_override(self, action: Literal["keep", "drop"]) -> None:
        example = self.current
        if example is not None:
            self.decide_override(str(example["id"]), action)

    def action_override_all(self, action: Literal["keep", "drop"]) -> None:
        """Force-keep or force-drop every example the filters show, after one question."""
        if self.filters == ExampleFilters():
            self.notify("Filter first: K and D act on the examples the filters show.")
            return
        ids = list(dict.fromkeys(str(i) for i in self.shown["id"].to_list()))
        self.decide_many(ids, action, "shown examples")

    def action_clear_override(self) -> None:
        example = self.current
        if example is not None:
            self.decide_override(str(example["id"]), "clear")

    def action_search(self) -> None:
        self.query_one(FilterBar).focus_search()

    def action_focus_table(self) -> None:
        self.query_one(ExampleTable).focus()
