"""PII: a run's findings per example, highlighted in the original text, for a person to correct."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import ClassVar

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from curate.errors import CurateError
from curate.runs.pii_review import (
    WITH_FINDINGS,
    PiiExample,
    SpanRow,
    filter_examples,
    filter_options,
    read_pii_examples,
    span_rows,
)
from curate.runs.views import RunSummary
from curate.workspace import PiiVerdict, SpanDecision
from curate_tui.key_map import key
from curate_tui.screens.choice_screen import ChoiceScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.session import Session
from curate_tui.undo_history import UndoHistory, undo_last
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.pii_tables import PiiExampleTable, PiiSpanTable
from curate_tui.widgets.pii_text import PiiText, PiiView

ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
DONE = {
    "not_pii": "{text!r} is not PII in {id}",
    "pii": "{text!r} is {entity} in {id}",
    "clear": "Cleared the decision on {text!r} in {id}",
}


# offered besides the types this run's scan found, so a missed kind is one key away
COMMON_ENTITIES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION", "CREDIT_CARD")
OTHER_ENTITY = "another type…"


def entity_choices(examples: list[PiiExample]) -> list[str]:
    """Entity types for a missed span: the run's own, most found first, then common ones."""
    counts: dict[str, int] = {}
    for example in examples:
        for span in example.spans:
            counts[span.entity] = counts.get(span.entity, 0) + 1
    found = sorted(counts, key=lambda entity: (-counts[entity], entity))
    return found + [entity for entity in COMMON_ENTITIES if entity not in counts]


class PiiScreen(Screen[None]):
    """Examples by findings beside the chosen one's spans, above its highlighted text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("not_a_finding", "mark_not_pii", "Not PII"),
        key("not_a_finding_anywhere", "mark_not_pii_everywhere", "Not PII, all"),
        key("add_finding", "add_span", "Missed span"),
        key("clear", "clear", "Clear decision"),
        key("undo", "undo", "Undo"),
        key("search", "focus_search", "Search"),
        key("back", "back", "Back"),
    ]

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__()
        self.session = session
        self.run = run
        self.decisions = session.store.pii_marks
        self.examples: list[PiiExample] = []
        self.shown: list[PiiExample] = []
        self.standing: dict[str, list[SpanDecision]] = {}
        self.rows: list[SpanRow] = []
        self._shown_id: str | None = None
        self.history = UndoHistory()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="pii-error")
        with Horizontal(id="pii-bar"):
            yield Static("loading findings…", id="pii-count", markup=False)
            yield Input(placeholder="/ search the findings", id="pii-search")
            yield Select[str](
                [("with findings", WITH_FINDINGS)],
                value=WITH_FINDINGS,
                allow_blank=False,
                id="pii-filter",
            )
        with Horizontal(id="pii-lists"):
            yield PiiExampleTable(id="pii-examples")
            yield PiiSpanTable(id="pii-spans")
        yield PiiText(id="pii-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"pii {self.run.run_id}"
        self.query_one(PiiExampleTable).border_title = "Examples, most findings first"
        self.query_one(PiiSpanTable).border_title = "Spans"
        self.query_one(PiiText).border_title = "Original text"
        self._load()

    @work(exclusive=True, group="pii-load")
    async def _load(self) -> None:
        examples: list[PiiExample] = []
        try:
            examples = await asyncio.to_thread(read_pii_examples, self.run.run_dir)
        except CurateError as exc:
            self.query_one(ErrorPanel).message = str(exc)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
        self.examples = examples
        self.standing = self.decisions.standing()
        select = self.query_one("#pii-filter", Select)
        with select.prevent(Select.Changed):
            select.set_options(filter_options(examples))
            select.value = WITH_FINDINGS
        self._filter(WITH_FINDINGS)

    @on(Select.Changed, "#pii-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._filter(event.value)

    @on(Input.Changed, "#pii-search")
    def _search_changed(self, event: Input.Changed) -> None:
        entity = self.query_one("#pii-filter", Select).value
        self._filter(entity if isinstance(entity, str) else WITH_FINDINGS, focus_list=False)

    @on(Input.Submitted, "#pii-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(PiiExampleTable).focus()

    def _filter(self, entity: str, *, focus_list: bool = True) -> None:
        needle = self.query_one("#pii-search", Input).value.strip().lower()
        self.shown = [
            example
            for example in filter_examples(self.examples, entity)
            if not needle or any(needle in span.text.lower() for span in example.spans)
        ]
        table = self.query_one(PiiExampleTable)
        table.show_examples(self.shown, self.standing)
        table.move_cursor(row=0)
        if focus_list:
            table.focus()
        with_findings = sum(1 for e in self.examples if e.spans)
        self.query_one("#pii-count", Static).update(
            f"{with_findings} of {len(self.examples)} examples with findings; "
            "decisions apply next run"
        )
        self._show_example(keep_cursor=False)

    @property
    def example(self) -> PiiExample | None:
        """The example under the example list's cursor, or None."""
        row = self.query_one(PiiExampleTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    @property
    def span(self) -> SpanRow | None:
        """The span row under the span list's cursor, or None."""
        row = self.query_one(PiiSpanTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#pii-examples")
    def _example_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Redrawing the list after a decision highlights the same example again.
        example = self.example
        same = example is not None and example.example_id == self._shown_id
        self._show_example(keep_cursor=same)

    @on(DataTable.RowSelected, "#pii-examples")
    def _example_chosen(self, event: DataTable.RowSelected) -> None:
        self.query_one(PiiSpanTable).focus()

    @on(DataTable.RowHighlighted, "#pii-spans")
    def _span_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_text()

    def _show_example(self, *, keep_cursor: bool) -> None:
        example = self.example
        self._shown_id = example.example_id if example is not None else None
        self.rows = [] if example is None else span_rows(example, self._decided(example))
        self.query_one(PiiSpanTable).show_spans(self.rows, keep_cursor=keep_cursor)
        self._show_text()

    def _decided(self, example: PiiExample) -> list[SpanDecision]:
        return self.standing.get(example.example_id, [])

    def _show_text(self) -> None:
        example = self.example
        pane = self.query_one(PiiText)
        pane.shown = None if example is None else PiiView(example, self.rows, self.span)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_span":
            return True if self.example is not None else None
        span = self.span
        if action == "mark_not_pii_everywhere":
            return True if span is not None else None
        if action == "mark_not_pii":
            verdict = span.decision.verdict if span and span.decision else None
            return True if span is not None and verdict != "not_pii" else None
        if action == "clear":
            return True if span is not None and span.decision is not None else None
        return True

    def action_focus_search(self) -> None:
        self.query_one("#pii-search", Input).focus()

    def action_back(self) -> None:
        """Escape leaves the search box for the list; from the list it leaves the screen."""
        if isinstance(self.focused, Input):
            self.query_one(PiiExampleTable).focus()
        else:
            self.app.pop_screen()

    def action_mark_not_pii(self) -> None:
        example, span = self.example, self.span
        if example is not None and span is not None:
            self._mark(example, span.text, "not_pii")

    def action_mark_not_pii_everywhere(self) -> None:
        """The highlighted text is not PII in any example of the run that has it as a finding
        (a product code found 16 times is one decision, not 16)."""
        span = self.span
        if span is None:
            return
        targets = [e for e in self.examples if any(s.text == span.text for s in e.spans)]
        undo = self._undo_of([(e.example_id, span.text) for e in targets])
        for example in targets:
            self.decisions.mark(example.example_id, span.text, verdict="not_pii")
        self.history.remember(undo)  # one undo for all of them
        self._redraw()
        self.notify(
            f"{span.text!r} is not PII in {len(targets)} examples; the next run applies it "
            "(ctrl+z undoes it).",
            markup=False,
        )

    def action_clear(self) -> None:
        example, span = self.example, self.span
        if example is not None and span is not None and span.decision is not None:
            self._mark(example, span.decision.text, "clear")

    def action_add_span(self) -> None:
        example = self.example
        if example is None:
            return

        def ask_entity(text: str | None) -> None:
            if not text:
                return
            if not example.occurrences(text):
                self.notify(f"{text!r} does not occur in {example.example_id}", severity="error")
                return
            question = f"What kind of PII is {text!r}?"
            choices = [*entity_choices(self.examples), OTHER_ENTITY]
            self.app.push_screen(
                ChoiceScreen(question, choices), lambda entity: chosen(text, entity)
            )

        def chosen(text: str, entity: str | None) -> None:
            if entity != OTHER_ENTITY:
                save(text, entity)
                return
            hint = "an entity type name, e.g. ORDER_ID"
            self.app.push_screen(
                TextPromptScreen(f"What kind of PII is {text!r}?", placeholder=hint),
                lambda typed: save(text, typed),
            )

        def save(text: str, entity: str | None) -> None:
            name = (entity or "").strip().upper().replace(" ", "_")
            if not name:
                return
            if not ENTITY_NAME.fullmatch(name):
                self.notify(f"{entity!r} is not an entity type name", severity="error")
                return
            self._mark(example, text, "pii", name)

        question = f"Which exact text in {example.example_id} is PII the scan missed?"
        self.app.push_screen(
            TextPromptScreen(question, placeholder="exact text", required=True), ask_entity
        )

    def _undo_of(self, marks: list[tuple[str, str]]) -> Callable[[], str]:
        """Before marking these (example id, text) pairs: how to put back what stood."""
        standing = self.decisions.standing([example_id for example_id, _ in marks])
        before = {
            (eid, text): next((d for d in standing.get(eid, []) if d.text == text), None)
            for eid, text in marks
        }

        def undo() -> str:
            for (example_id, text), decision in before.items():
                if decision is None:
                    self.decisions.mark(example_id, text, verdict="clear", note="undone")
                else:
                    self.decisions.mark(
                        example_id,
                        text,
                        verdict=decision.verdict,
                        entity=decision.entity,
                        note=decision.note,
                    )
            self._redraw()
            if len(before) == 1:
                ((example_id, text),) = before
                return f"Undid the last decision on {text!r} in {example_id}."
            return f"Undid the last decision on {len(before)} examples."

        return undo

    def _redraw(self) -> None:
        self.standing = self.decisions.standing()
        self.query_one(PiiExampleTable).show_examples(self.shown, self.standing)
        self._show_example(keep_cursor=True)

    def action_undo(self) -> None:
        undo_last(self, self.history)

    def _mark(self, example: PiiExample, text: str, verdict: PiiVerdict, entity: str = "") -> None:
        undo = self._undo_of([(example.example_id, text)])
        try:
            self.decisions.mark(example.example_id, text, verdict=verdict, entity=entity or None)
        except CurateError as exc:
            self.notify(str(exc), severity="error")
            return
        self.history.remember(undo)
        self._redraw()
        done = DONE[verdict].format(text=text, entity=entity, id=example.example_id)
        self.notify(done + "; the next run applies it.")
