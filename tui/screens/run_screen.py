"""Run: start the workspace pipeline in a worker thread and watch its stages live."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Log, ProgressBar, Static

from curate.errors import CurateError
from curate.runs.runner import run_pipeline
from curate.stages.audit_gate import AuditGateError
from curate_tui.key_map import key
from curate_tui.messages import (
    RunCompleted,
    RunFailed,
    RunNote,
    StageAdvanced,
    StageFinished,
    StageStarted,
)
from curate_tui.pipeline_choice import pipeline_files
from curate_tui.run_reporter import MessageReporter
from curate_tui.screens.pipeline_picker_screen import PipelinePickerScreen
from curate_tui.session import Session
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.stage_table import StageTable

AUDIT_GATE_EXIT = AuditGateError.exit_code


class RunScreen(Screen[None]):
    """Shows the pipeline, a Start key, live stage rows, a progress bar and the runner's notes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("run", "start", "Start run"),
        key("pick_pipeline", "pick_pipeline", "Pick pipeline"),
        key("back", "app.pop_screen", "Back"),
    ]

    running: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.outcome_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._pipeline_line(), id="run-pipeline", markup=False)
        yield ErrorPanel(id="run-error")
        yield Static("", id="run-outcome", markup=False)
        yield Static("", id="run-stage-name", markup=False)
        yield ProgressBar(total=1, id="run-progress", show_eta=False)
        yield StageTable(id="run-stages")
        yield Log(id="run-log", max_lines=500)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "run"
        if self.session.pipeline is None and not pipeline_files(self.session.workspace):
            self.query_one(ErrorPanel).message = (
                f"No pipeline in {self.session.workspace}: add pipeline.yaml (curate init) or "
                "start the TUI with --pipeline FILE."
            )

    def _pipeline_line(self) -> str:
        pipeline = self.session.pipeline
        if pipeline is None:
            return "pipeline: none chosen   (press o to pick one)"
        shown = _relative(pipeline, self.session.workspace)
        return f"pipeline: {shown}   (press r to start, o to pick another)"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "pick_pipeline"):
            return None if self.running else True
        return True

    def action_pick_pipeline(self) -> None:
        """Offer the workspace's pipeline files; the choice is remembered for the workspace."""
        if self.running:
            return
        candidates = pipeline_files(self.session.workspace)
        if not candidates:
            self.notify(
                f"no pipeline file in {self.session.workspace} or its pipelines/ folder",
                severity="warning",
                markup=False,
            )
            return
        picker = PipelinePickerScreen(candidates, self.session.workspace, self.session.pipeline)
        self.app.push_screen(picker, self._pipeline_picked)

    def _pipeline_picked(self, pipeline: Path | None) -> None:
        if pipeline is None:
            return
        self.session.choose_pipeline(pipeline)
        self.query_one("#run-pipeline", Static).update(self._pipeline_line())
        self.query_one(ErrorPanel).message = ""
        self.refresh_bindings()

    def action_start(self) -> None:
        if self.running:
            return
        if self.session.pipeline is None:
            self.action_pick_pipeline()  # pick first, then s again starts it
            return
        self.running = True
        self.query_one(ErrorPanel).message = ""
        self.query_one("#run-outcome", Static).update("")
        self.query_one(StageTable).clear()
        self.query_one(Log).clear()
        self._run_in_thread(self.session.pipeline)

    @work(thread=True, exclusive=True, group="pipeline-run")
    def _run_in_thread(self, pipeline: Path) -> None:
        """Run the pipeline off the UI thread; every outcome comes back as a message."""
        try:
            outcome = run_pipeline(pipeline, reporter=MessageReporter(self))
        except CurateError as exc:
            self.post_message(RunFailed(str(exc), exc.exit_code, user_error=True))
        except Exception as exc:
            text = "".join(traceback.format_exception_only(exc)).strip()
            self.post_message(RunFailed(f"unexpected error (a bug): {text}", 1, user_error=False))
        else:
            self.post_message(RunCompleted(outcome))

    def on_stage_started(self, message: StageStarted) -> None:
        self.query_one("#run-stage-name", Static).update(f"{message.index:02d} {message.name}")
        self.query_one(ProgressBar).update(total=message.total or None, progress=0)
        self.query_one(StageTable).stage_started(message.index, message.name)

    def on_stage_advanced(self, message: StageAdvanced) -> None:
        self.query_one(ProgressBar).advance(message.amount)

    def on_stage_finished(self, message: StageFinished) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one(StageTable).stage_finished(message.entry)

    def on_run_note(self, message: RunNote) -> None:
        self.query_one(Log).write_line(message.text)

    def on_run_completed(self, message: RunCompleted) -> None:
        self.running = False
        self.sub_title = f"run {message.outcome.manifest.run_id}"
        totals = message.outcome.manifest.totals
        state = "already complete" if message.outcome.already_complete else "complete"
        self.outcome_text = (
            f"Run {message.outcome.manifest.run_id} {state}: {totals.input_rows:,} rows in → "
            f"{totals.train:,} train, {totals.eval:,} eval, {totals.test:,} test, "
            f"{totals.rejected:,} rejected. Press escape to see it on Home."
        )
        if not message.outcome.run_dir.resolve().is_relative_to(self.session.workspace):
            self.outcome_text += (
                f"\nIt was written outside this workspace, to {message.outcome.run_dir}: "
                "the pipeline's `workspace:` names another folder."
            )
        self.query_one("#run-outcome", Static).update(self.outcome_text)
        if message.outcome.already_complete:
            self.query_one(StageTable).show_entries(message.outcome.manifest.stages)
        self.query_one(ProgressBar).update(total=1, progress=1)
        self.notify("Run complete", title="curate")

    def on_run_failed(self, message: RunFailed) -> None:
        self.running = False
        if message.exit_code == AUDIT_GATE_EXIT:
            heading = "The audit gate stopped the run"
        elif message.user_error:
            heading = "The run stopped"
        else:
            heading = "The run crashed"
        panel = self.query_one(ErrorPanel)
        panel.message = f"{heading} (exit code {message.exit_code}):\n{message.text}"
        # the stage that stopped the run (the gate, a bad input) never reports finishing
        self.query_one(StageTable).stop_running("stopped" if message.user_error else "crashed")


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
