"""The Run screen runs the pipeline in a worker, live, and shows user errors in a red panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import DataTable, Static

from curate.runs.manifest import StageEntry
from curate_tui.app import CurateApp
from curate_tui.messages import RunNote, StageAdvanced, StageFinished, StageStarted
from curate_tui.run_reporter import MessageReporter
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.screens.run_screen import RunScreen
from curate_tui.widgets.error_panel import ErrorPanel
from curate_tui.widgets.stage_table import StageTable
from tests.tui.helpers import settle
from tests.tui.workspaces import write_pipeline

pytestmark = pytest.mark.anyio


async def test_a_run_started_from_the_run_screen_finishes_and_appears_on_home(
    fresh_workspace: Path,
) -> None:
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert not screen.running
        assert "complete: 203 rows in" in screen.outcome_text
        stages = screen.query_one(StageTable)
        states = [stages.get_row_at(i)[1] for i in range(stages.row_count)]
        assert stages.get_row_at(stages.row_count - 1)[0] == "06 export"
        assert set(states) == {"done"}
        assert not screen.query_one(ErrorPanel).display
        home_runs = app.home.query_one("#runs", DataTable)
        assert home_runs.row_count == 1  # refreshed as soon as the run finished

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        runs = app.screen.query_one("#runs", DataTable)
        assert runs.row_count == 1
        assert runs.get_row_at(0)[2] == "complete"


async def test_a_pipeline_error_is_shown_not_swallowed(tmp_path: Path) -> None:
    workspace = write_pipeline(tmp_path / "ws", "data/missing.jsonl")
    app = CurateApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r", "r")
        await settle(pilot)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        assert "The run stopped (exit code 2)" in panel.message
        assert "data/missing.jsonl: input not found" in panel.message
        assert not app.screen.running
        assert app.screen.query_one("#run-outcome", Static).render().plain == ""


async def test_the_run_screen_says_when_there_is_no_pipeline(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    app = CurateApp(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r", "r")
        await settle(pilot)
        assert "No pipeline" in app.screen.query_one(ErrorPanel).message
        assert not app.screen.running


def test_the_reporter_turns_runner_calls_into_messages() -> None:
    received: list[Message] = []

    class Inbox:
        def post_message(self, message: Message) -> bool:
            received.append(message)
            return True

    reporter = MessageReporter(Inbox(), min_interval=60)
    entry = StageEntry(
        index=2,
        name="validate",
        fingerprint="f",
        input=5,
        kept=4,
        rejected=1,
        seconds=0.1,
        cached=False,
    )
    reporter.stage_started(2, "validate", 5)
    reporter.advance(2)
    reporter.advance(3)  # coalesced with the 2 above
    reporter.note("hello")
    reporter.stage_finished(entry)
    assert [type(m) for m in received] == [StageStarted, RunNote, StageAdvanced, StageFinished]
    assert received[2] == StageAdvanced(5)
