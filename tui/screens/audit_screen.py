"""Audit: review a seeded sample of a run's train split; every key press is committed at once."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import polars as pl
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Header, ProgressBar, Static

from curate.audit import AuditItem, AuditStatus, audit_status, create_audit, latest_audit
from curate.audit import record_verdict as commit_verdict
from curate.errors import CurateError
from curate.runs.layout import pipeline_of_run
from curate.runs.views import RunSummary
from curate.workspace import AuditVerdict, WorkspaceDB
from curate_tui.audit_navigation import next_pending, resume_position
from curate_tui.example_maximise import MaximiseExample
from curate_tui.formatting import audit_summary
from curate_tui.key_map import key
from curate_tui.overrides_flow import put_back
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.session import Session
from curate_tui.undo_history import UndoHistory, undo_last
from curate_tui.widgets.audit_gate import AuditGate
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.example_detail import ExampleContent, ExampleDetail

AUDIT_SIZE = 50
AUDIT_SEED = 0
Examples = dict[str, dict[str, Any]]


class AuditScreen(MaximiseExample):
    """One sampled example at a time, with progress, the live pass rate and the gate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("pass", "verdict('pass')", "Pass"),
        key("fail", "verdict('fail')", "Fail"),
        key("skip", "verdict('skip')", "Skip"),
        key("note", "note", "Note"),
        key("undo", "undo", "Undo"),
        key("maximise", "maximise", "Expand"),
        key("previous", "move(-1)", "Previous", priority=True),
        key("next", "move(1)", "Next", priority=True),
        key("back", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__()
        self.session = session
        self.run = run
        self.status: AuditStatus | None = None
        self.examples: Examples = {}
        self.position = 0
        self.pending_note: str | None = None
        self.history = UndoHistory()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="audit-error")
        yield Static("loading the audit…", id="audit-item", markup=False)
        yield ProgressBar(id="audit-progress", show_eta=False)
        yield Static("", id="audit-rate", markup=False)
        yield AuditGate(id="audit-gate")
        yield ExampleDetail(id="audit-example")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"audit {self.run.run_id}"
        self._load()

    @work(exclusive=True, group="audit-load")
    async def _load(self) -> None:
        try:
            audit_id, created, examples = await asyncio.to_thread(self._open_audit)
        except (CurateError, OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Cannot audit this run:\n{exc}"
            self.query_one("#audit-item", Static).update("")
            return
        self.examples = examples
        self.status = audit_status(self.session.store, audit_id)
        self.position = resume_position(self.status)
        if created:
            carried = self.status.carried
            self.notify(
                f"Drew a new audit of {len(self.status.items)} train examples"
                + (
                    f"; {carried} verdicts carried from earlier audits of unchanged examples "
                    "(a verdict key overrides one)."
                    if carried
                    else "."
                )
            )
        self.refresh_bindings()
        self._show()
        self.query_one(ExampleDetail).focus()

    def _open_audit(self) -> tuple[str, bool, Examples]:
        """The run's latest audit (drawn now if it has none) and its examples; off the UI thread."""
        run_dir = self.run.run_dir
        with WorkspaceDB(self.session.workspace, annotator=self.session.store.annotator) as db:
            status = latest_audit(db, run_id=run_dir.name)
            created = status is None
            if status is None:
                pipeline = pipeline_of_run(db, run_dir)
                status = create_audit(
                    db, run_dir, pipeline=pipeline, size=AUDIT_SIZE, seed=AUDIT_SEED
                )
        frame = self.session.examples.examples(run_dir)
        ids = [item.example_id for item in status.items]
        rows = frame.filter(pl.col("id").is_in(ids) & (pl.col("status") == "kept"))
        return status.audit_id, created, {row["id"]: row for row in rows.iter_rows(named=True)}

    @property
    def current(self) -> AuditItem | None:
        """The audit item on screen."""
        if self.status is None or not self.status.items:
            return None
        return self.status.items[self.position]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("verdict", "note", "move") and self.current is None:
            return None
        return True

    def action_verdict(self, verdict: AuditVerdict) -> None:
        item = self.current
        if item is None or self.status is None:
            return
        note = self.pending_note if self.pending_note is not None else item.note
        self._remember(item)
        commit_verdict(self.session.store, self.status.audit_id, item.example_id, verdict, note)
        self.pending_note = None
        self.status = audit_status(self.session.store, self.status.audit_id)
        following = next_pending(self.status, after=self.position)
        if following is not None:
            self.position = following
        self._show()

    def action_note(self) -> None:
        item = self.current
        if item is None or self.status is None:
            return
        audit_id = self.status.audit_id

        def save(note: str | None) -> None:
            if note is None:
                return
            if item.verdict is None:
                self.pending_note = note
            else:
                self._remember(item)
                commit_verdict(self.session.store, audit_id, item.example_id, item.verdict, note)
                self.status = audit_status(self.session.store, audit_id)
            self._show()

        current_note = self.pending_note or item.note
        prompt = TextPromptScreen(f"Note on {item.example_id}", value=current_note)
        self.app.push_screen(prompt, save)

    def _remember(self, item: AuditItem) -> None:
        """Before a verdict on ``item``: how to take it back (the verdict row, and the
        force-drop a fail adds or a pass withdraws)."""
        store, status = self.session.store, self.status
        if status is None:
            return
        before = store.overrides().get(item.example_id)

        def undo() -> str:
            store.audits.withdraw_verdict(status.audit_id, item.example_id)
            if store.overrides().get(item.example_id) != before:
                put_back(store, item.example_id, before)
            self.status = audit_status(store, status.audit_id)
            self.position, self.pending_note = item.position, None
            self._show()
            return f"Undid the last verdict on {item.example_id}."

        self.history.remember(undo)

    def action_undo(self) -> None:
        undo_last(self, self.history)

    def action_move(self, step: int) -> None:
        if self.status is None or not self.status.items:
            return
        self.position = max(0, min(self.position + step, len(self.status.items) - 1))
        self.pending_note = None
        self._show()

    def _show(self) -> None:
        """Redraw everything from ``status`` and ``position``."""
        status, item = self.status, self.current
        if status is None or item is None:
            self.query_one("#audit-item", Static).update("This audit has no examples.")
            return
        line = f"Example {item.position + 1} of {len(status.items)} · {item.example_id}"
        line += f" · verdict: {item.verdict or '—'}"
        if item.carried_from and item.verdict:
            line += f" (carried from audit {item.carried_from})"
        if item.note:
            line += f" · note: {item.note}"
        if self.pending_note is not None:
            line += f" · note (saved with the next verdict): {self.pending_note}"
        self.query_one("#audit-item", Static).update(line)
        self.query_one(ProgressBar).update(total=len(status.items), progress=status.reviewed)
        self.query_one("#audit-rate", Static).update(audit_summary(status))
        self.query_one(AuditGate).status = status
        example = self.examples.get(item.example_id)
        override = self.session.store.overrides().get(item.example_id)
        detail = self.query_one(ExampleDetail)
        shown = ExampleContent(example, override, with_meta=True) if example is not None else None
        detail.shown = shown
