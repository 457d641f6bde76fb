"""Label review: a run's label-issue suspects, most confidently wrong first; one key decides."""

from __future__ import annotations

import asyncio
from typing import ClassVar, Literal

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from curate.errors import CurateError
from curate.runs.label_review import LabelSuspect, read_suspects
from curate.runs.views import RunSummary
from curate.workspace.label_decisions import LabelDecisionStore
from curate_tui.key_map import key
from curate_tui.session import Session
from curate_tui.undo_history import UndoHistory, undo_last
from curate_tui.widgets.error_panel import ErrorPanel

Decision = Literal["keep", "drop", "relabel", "clear"]
COLUMNS = ("field", "given", "suggested", "p", "decision", "source")


class LabelReviewScreen(Screen[None]):
    """Suspects above the highlighted one's ticket and evidence; k/d/r decide, c clears."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # short descriptions: with undo the footer must still fit 80 columns
        key("keep", "decide('keep')", "Keep label"),
        key("drop", "decide('drop')", "Drop it"),
        key("relabel", "decide('relabel')", "Relabel"),
        key("clear", "decide('clear')", "Clear"),
        key("undo", "undo", "Undo"),
        key("back", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__()
        self.session = session
        self.run = run
        self.store = LabelDecisionStore(session.store)
        self.suspects: list[LabelSuspect] = []
        self.decided: dict[tuple[str, str], str] = {}  # this workspace's standing decisions
        self.history = UndoHistory()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="labels-error")
        yield Static("loading suspects…", id="labels-count", markup=False)
        yield DataTable(id="labels-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="labels-detail"):
            with VerticalScroll(id="labels-ticket"):
                yield Static("", id="labels-ticket-text", markup=False)
            with VerticalScroll(id="labels-evidence"):
                yield Static("", id="labels-evidence-text", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"labels {self.run.run_id}"
        self.query_one(DataTable).border_title = "Suspect labels, most confidently wrong first"
        self.query_one("#labels-ticket").border_title = "Example"
        self.query_one("#labels-evidence").border_title = "Evidence"
        self.query_one(DataTable).add_columns(*COLUMNS)
        self._load()

    @work(exclusive=True, group="labels-load")
    async def _load(self) -> None:
        suspects: list[LabelSuspect] = []
        try:
            suspects = await asyncio.to_thread(read_suspects, self.run.run_dir)
        except CurateError as exc:
            self.query_one(ErrorPanel).message = str(exc)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
        self.suspects = suspects
        self._reload_decisions()
        table = self.query_one(DataTable)
        for at, suspect in enumerate(suspects):
            table.add_row(*self._cells(suspect), key=str(at))
        table.focus()
        self._update_count()
        self._show()

    def _reload_decisions(self) -> None:
        self.decided = {key: d.action for key, d in self.store.standing().items()}

    def _cells(self, suspect: LabelSuspect) -> tuple[str, ...]:
        p = "" if suspect.confidence is None else f"{suspect.confidence:.2f}"
        return (
            suspect.field,
            str(suspect.given),
            str(suspect.suggested or ""),
            p,
            self._decision_text(suspect),
            str(suspect.row["source"]),
        )

    def _decision_text(self, suspect: LabelSuspect) -> str:
        mine = self.decided.get((suspect.example_id, suspect.field))
        if mine is not None:
            return mine
        if suspect.decision and suspect.decided_by == "label_issues":
            return f"{suspect.decision} (model)"
        return "" if suspect.kept else "rejected"

    def _update_count(self) -> None:
        if not self.suspects:
            self.query_one("#labels-count", Static).update("label_issues doubted no label.")
            return
        decided = sum(1 for s in self.suspects if (s.example_id, s.field) in self.decided)
        self.query_one("#labels-count", Static).update(
            f"{len(self.suspects)} suspect labels · {decided} decided "
            "(decisions apply on the next run)"
        )

    @property
    def suspect(self) -> LabelSuspect | None:
        """The suspect under the cursor, or None."""
        row = self.query_one(DataTable).cursor_row
        return self.suspects[row] if 0 <= row < len(self.suspects) else None

    @on(DataTable.RowHighlighted, "#labels-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show()

    def _show(self) -> None:
        suspect = self.suspect
        ticket = self.query_one("#labels-ticket-text", Static)
        evidence = self.query_one("#labels-evidence-text", Static)
        if suspect is None:
            ticket.update("No suspect selected.")
            evidence.update("")
            return
        answer = next(
            (t["content"] for t in reversed(suspect.row["messages"]) if t["role"] == "assistant"),
            "",
        )
        ticket.update(f"{suspect.row['source']}\n\n{suspect.prompt}\n\nanswer: {answer}")
        evidence.update(_evidence(suspect))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "decide":
            return True
        suspect = self.suspect
        if suspect is None:
            return None
        standing = self.decided.get((suspect.example_id, suspect.field))
        if parameters and parameters[0] == "clear":
            return True if standing is not None else None
        if parameters and parameters[0] == "relabel" and not suspect.suggested:
            return None
        return None if parameters and standing == parameters[0] else True

    def _redraw(self, row: int, suspect: LabelSuspect) -> None:
        """Show the standing decisions again after ``suspect`` (at ``row``) changed."""
        self._reload_decisions()
        table = self.query_one(DataTable)
        table.update_cell_at((row, COLUMNS.index("decision")), self._decision_text(suspect))
        self._update_count()
        self.refresh_bindings()

    def action_undo(self) -> None:
        undo_last(self, self.history)

    def action_decide(self, decision: Decision) -> None:
        suspect = self.suspect
        if suspect is None:
            return
        label = suspect.suggested if decision == "relabel" else None
        before = self.store.standing().get((suspect.example_id, suspect.field))
        try:
            self.store.decide(suspect.example_id, suspect.field, decision, label=label)
        except CurateError as exc:
            self.notify(str(exc), severity="error")
            return
        row = self.query_one(DataTable).cursor_row

        def undo() -> str:
            if before is None:
                self.store.decide(suspect.example_id, suspect.field, "clear", note="undone")
            else:
                self.store.decide(
                    suspect.example_id,
                    suspect.field,
                    before.action,
                    label=before.label,
                    note=before.note,
                )
            self._redraw(row, suspect)
            self.query_one(DataTable).move_cursor(row=row)
            return f"Undid the last decision on {suspect.example_id} ({suspect.field})."

        self.history.remember(undo)
        self._redraw(row, suspect)
        done = {
            "keep": f"Keeping {suspect.field} {suspect.given!r}",
            "drop": "Dropping the example",
            "relabel": f"Relabelling {suspect.field} to {suspect.suggested!r}",
            "clear": "Cleared the decision",
        }[decision]
        self.notify(f"{done} on {suspect.example_id}; applies on the next run")


def _evidence(suspect: LabelSuspect) -> str:
    lines = [f"{suspect.field}: given {suspect.given!r}"]
    if suspect.suggested is not None:
        lines.append(
            f"suggested {suspect.suggested!r}, p={suspect.confidence:.2f} "
            f"(given p={suspect.given_probability:.2f})"
        )
    if suspect.decision:
        lines.append(f"decided: {suspect.decision} by {suspect.decided_by}")
    if suspect.neighbours:
        lines += ["", f"Nearest examples labelled {suspect.suggested!r}:"]
        for n in suspect.neighbours:
            lines += ["", f"{n.source} (cosine {n.cosine:.2f})", n.prompt]
    return "\n".join(lines)
