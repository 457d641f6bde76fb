"""Agreement: how well the workspace's annotators agree, and the items they disagree on."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from typing import ClassVar

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from curate.agreement import adjudicate, alpha_band, kappa_band
from curate.agreement.report import AgreementReport
from curate.agreement.review import Disagreement
from curate.agreement.stats import Figure
from curate.errors import CurateError
from curate.runs.agreement_data import AgreementData, load_agreement
from curate_tui.key_map import key
from curate_tui.session import Session
from curate_tui.undo_history import UndoHistory, undo_last
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.example_detail import ExampleContent, ExampleDetail

NO_BAND = "—"
EMPTY_HINT = (
    "No annotations in workspace.db yet. Pull them from Label Studio with "
    "`curate labelstudio pull --project NAME`, or audit a run here (a on Home) as one of "
    "the annotators. `curate agree FILE` reports on a ratings file without storing it."
)


def why_no_report(data: AgreementData) -> str:
    """Why there are no figures: no ratings at all, or a single annotator's."""
    if not data.annotators:
        return EMPTY_HINT
    return (
        f"Agreement needs two annotators; only {data.annotators[0]} has labelled anything. "
        + EMPTY_HINT.split(". ", 1)[1]
    )


def adjudication_keys(labels: list[str]) -> dict[str, str]:
    """Key -> label: 1-9 in the labels' order (letters mean the same on every screen)."""
    return {str(n): label for n, label in enumerate(labels[:9], start=1)}


def figure_cells(name: str, figure: Figure, band: str) -> tuple[str, str, str, str, str]:
    """One statistics row: name, value (or "undefined"), band, n, and why it is undefined."""
    value = "undefined" if figure.value is None else f"{figure.value:.3f}"
    return name, value, band, str(figure.n), figure.note


def overall_rows(report: AgreementReport) -> list[tuple[str, str, str, str, str]]:
    """Percent agreement, Fleiss' kappa, Krippendorff's alpha, then each label against the rest."""
    rows = [
        figure_cells("percent agreement", report.percent, NO_BAND),
        figure_cells("Fleiss' kappa", report.fleiss, kappa_band(report.fleiss.value)),
    ]
    for level, figure in report.alpha.items():
        rows.append(
            figure_cells(f"Krippendorff's alpha ({level})", figure, alpha_band(figure.value))
        )
    for label, figure in report.per_label.items():
        rows.append(figure_cells(f"kappa {label} vs rest", figure, kappa_band(figure.value)))
    return rows


def pair_matrix(report: AgreementReport) -> list[list[str]]:
    """Cohen's kappa per annotator pair as a symmetric matrix, "undefined" where it is."""
    names = report.annotators
    cells = [["—" if i == j else "" for j in names] for i in names]
    for pair in report.pairs:
        i, j = names.index(pair.first), names.index(pair.second)
        value = "undefined" if pair.kappa.value is None else f"{pair.kappa.value:.3f}"
        cells[i][j] = cells[j][i] = value
    return [[name, *row] for name, row in zip(names, cells, strict=True)]


class AgreementScreen(Screen[None]):
    """Statistics above the disagreement queue; a label key stores the adjudication at once."""

    # under 100 columns the overall figures take the whole width, so their values stay in view
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (100, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        key("adjudicate", "adjudicate_nth(1)", "Adjudicate label n"),
        *(
            key("adjudicate", f"adjudicate_nth({n})", "", keys=str(n), show=False)
            for n in range(2, 10)
        ),
        key("previous", "move(-1)", "Previous", priority=True),
        key("next", "move(1)", "Next", priority=True),
        key("undo", "undo", "Undo"),
        key("reload", "reload", "Reload"),
        key("back", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.data: AgreementData | None = None
        self.history = UndoHistory()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="agree-error")
        yield Static("reading annotations…", id="agree-summary", markup=False)
        with Horizontal(id="agree-figures"):
            yield DataTable(id="agree-overall", cursor_type="none", zebra_stripes=True)
            with Vertical(id="agree-pairs-pane"):
                yield DataTable(id="agree-pairs", cursor_type="none")
                yield Static("", id="agree-pair-notes", markup=False)
            yield DataTable(id="agree-annotators", cursor_type="none")
        yield Static(
            "Widen the terminal to 100 columns for the pair and per-annotator tables.",
            id="agree-narrow-note",
            markup=False,
        )
        yield Static("", id="agree-queue-count", markup=False)
        with Horizontal(id="agree-review"):
            yield DataTable(id="agree-queue", cursor_type="row", zebra_stripes=True)
            with Vertical(id="agree-item-pane"):
                yield Static("", id="agree-item", markup=False)
                yield ExampleDetail(id="agree-example")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "agreement"
        self.query_one("#agree-overall").border_title = "Overall and per label"
        self.query_one("#agree-pairs-pane").border_title = "Cohen's kappa per pair"
        self.query_one("#agree-annotators").border_title = "Agrees with the others' majority"
        self.query_one("#agree-review").border_title = "Disagreements"
        self._load()

    @work(exclusive=True, group="agreement-load")
    async def _load(self) -> None:
        try:
            session = self.session
            data = await asyncio.to_thread(
                load_agreement, session.store, session.workspace, session.examples.examples
            )
        except (CurateError, sqlite3.Error, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Cannot read the annotations:\n{exc}"
            self.query_one("#agree-summary", Static).update("")
            return
        self._show(data)

    def _show(self, data: AgreementData) -> None:
        self.data = data
        self.query_one(ErrorPanel).message = ""
        report = data.report
        self.query_one("#agree-figures").display = report is not None
        self.query_one("#agree-review").display = report is not None
        summary = self.query_one("#agree-summary", Static)
        if report is None:
            summary.update(why_no_report(data))
            summary.add_class("pane-note")
            self.query_one("#agree-queue-count", Static).update("")
            self.refresh_bindings()
            return
        summary.remove_class("pane-note")
        summary.update(
            f"{report.items} items · {len(report.annotators)} annotators "
            f"({', '.join(report.annotators)}) · labels: {', '.join(report.labels)}"
        )
        self._fill_figures(report)
        self._fill_queue(data)

    def _fill_figures(self, report: AgreementReport) -> None:
        overall = self.query_one("#agree-overall", DataTable)
        overall.clear(columns=True)
        overall.add_columns("statistic", "value", "band", "n", "note")
        overall.add_rows(overall_rows(report))
        pairs = self.query_one("#agree-pairs", DataTable)
        pairs.clear(columns=True)
        pairs.add_columns("", *report.annotators)
        pairs.add_rows(pair_matrix(report))
        notes = [
            f"{p.first}/{p.second}: {p.kappa.note}" for p in report.pairs if p.kappa.value is None
        ]
        self.query_one("#agree-pair-notes", Static).update("\n".join(notes))
        people = self.query_one("#agree-annotators", DataTable)
        people.clear(columns=True)
        people.add_columns("annotator", "agreement", "n", "note")
        for name, figure in report.with_majority.items():
            _, value, _, n, note = figure_cells(name, figure, "")
            people.add_row(name, value, n, note)

    def _fill_queue(self, data: AgreementData) -> None:
        table = self.query_one("#agree-queue", DataTable)
        table.clear(columns=True)
        annotators = data.report.annotators if data.report else []
        table.add_column("item", key="item")
        for name in annotators:
            table.add_column(name, key=f"by:{name}")
        table.add_column("majority", key="majority")
        table.add_column("adjudicated", key="adjudicated")
        for item in data.queue:
            cells = [item.labels.get(name, "") for name in annotators]
            table.add_row(
                item.item_id,
                *cells,
                item.majority or "tie",
                item.adjudicated or "",
                key=item.item_id,
            )
        self._update_count()
        table.focus()
        self._show_item()

    def _update_count(self) -> None:
        if self.data is None:
            return
        queue = self.data.queue
        done = sum(1 for item in queue if item.adjudicated)
        keys = " · ".join(
            f"{k} {label}" for k, label in adjudication_keys(self.data.labels).items()
        )
        text = (
            f"{len(queue)} disagreements · {done} adjudicated · keys: {keys}"
            if queue
            else "No disagreements: every annotator gave each item the same label."
        )
        self.query_one("#agree-queue-count", Static).update(text)

    @property
    def item(self) -> Disagreement | None:
        """The queue item under the cursor, or None."""
        if self.data is None:
            return None
        row = self.query_one("#agree-queue", DataTable).cursor_row
        return self.data.queue[row] if 0 <= row < len(self.data.queue) else None

    @on(DataTable.RowHighlighted, "#agree-queue")
    def _item_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_item()

    def _show_item(self) -> None:
        item, detail = self.item, self.query_one(ExampleDetail)
        line = self.query_one("#agree-item", Static)
        self.refresh_bindings()
        if item is None or self.data is None:
            line.update("")
            detail.shown = None
            return
        labels = " · ".join(f"{who}: {label}" for who, label in item.labels.items())
        settled = f"adjudicated {item.adjudicated}" if item.adjudicated else "not adjudicated"
        example = self.data.examples.get(item.item_id)
        missing = "" if example else "\nIts text is in none of the newest runs."
        line.update(f"{item.item_id} · {labels} · {settled}{missing}{self._still_dropped(item)}")
        detail.shown = ExampleContent(example) if example else None
        detail.display = example is not None

    def _still_dropped(self, item: Disagreement) -> str:
        """Says so when a standing force-drop (a failed audit, a Browse decision) overrules
        the label settled here: an adjudicated GOOD does not bring an example back."""
        override = self.session.store.overrides().get(item.item_id)
        if override is None or override.action != "drop" or item.adjudicated == "BAD":
            return ""
        return (
            f"\nStill force-dropped ({override.reason}): the label does not bring it back; "
            "withdraw the drop in Browse (c) to keep it."
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        labels = self.data.labels if self.data and self.data.report else []
        if action == "adjudicate":
            return True if self.item is not None and parameters[0] in labels else None
        if action == "adjudicate_nth":
            return (
                True if self.item is not None and int(str(parameters[0])) <= len(labels) else None
            )
        if action == "move":
            return True if self.data is not None and self.data.queue else None
        return True

    def action_adjudicate_nth(self, number: int) -> None:
        if self.data is not None and 1 <= number <= len(self.data.labels):
            self.action_adjudicate(self.data.labels[number - 1])

    def action_adjudicate(self, label: str) -> None:
        item, data = self.item, self.data
        if item is None or data is None or label not in data.labels:
            return
        adjudicate(self.session.store, item.item_id, label, note="adjudicated in the TUI")
        self.history.remember(lambda: self._withdraw(item))
        row = self._settle(item, label)
        self.notify(f"{item.item_id} adjudicated {label}")
        pending = [i for i in range(row + 1, len(data.queue)) if not data.queue[i].adjudicated]
        if pending:
            self.query_one("#agree-queue", DataTable).move_cursor(row=pending[0])
        self._show_item()

    def _settle(self, item: Disagreement, label: str | None) -> int:
        """Show ``label`` (None: not adjudicated) on ``item``'s row; returns the row."""
        assert self.data is not None
        queue = self.data.queue
        row = next(i for i, queued in enumerate(queue) if queued.item_id == item.item_id)
        queue[row] = dataclasses.replace(queue[row], adjudicated=label)
        self.query_one("#agree-queue", DataTable).update_cell(
            item.item_id, "adjudicated", label or ""
        )
        self._update_count()
        return row

    def _withdraw(self, item: Disagreement) -> str:
        """Undo the adjudication of ``item``: the label it had before stands again."""
        self.session.store.annotations.withdraw_adjudication(item.item_id)
        if self.data is not None and any(q.item_id == item.item_id for q in self.data.queue):
            row = self._settle(item, item.adjudicated)
            self.query_one("#agree-queue", DataTable).move_cursor(row=row)
            self._show_item()
        before = f" ({item.adjudicated} stands again)" if item.adjudicated else ""
        return f"Undid the adjudication of {item.item_id}{before}."

    def action_undo(self) -> None:
        undo_last(self, self.history)

    def action_move(self, step: int) -> None:
        table = self.query_one("#agree-queue", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def action_reload(self) -> None:
        self._load()
