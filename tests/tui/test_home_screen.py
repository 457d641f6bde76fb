"""Home lists runs with their counts, stages and length histogram; help and palette work."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.help_screen import HelpScreen
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.widgets.length_histogram import LengthHistogram
from curate_tui.widgets.stage_table import StageTable
from tests.tui.helpers import settle

pytestmark = pytest.mark.anyio


async def test_home_lists_a_finished_run_with_its_counts(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        runs = app.screen.query_one("#runs", DataTable)
        assert runs.row_count == 1
        run_id, pipeline, status, _updated, totals = runs.get_row_at(0)
        assert (run_id, pipeline, status) == (finished_run.manifest.run_id, "demo", "complete")
        assert totals == "203 → 156/19/20/8"

        stages = app.screen.query_one(StageTable)
        rows = {stages.get_row_at(i)[0]: stages.get_row_at(i) for i in range(stages.row_count)}
        assert rows["03 exact_dedup"][2:] == ["203", "200", "3", "dedup.exact 3"]
        assert rows["04 quality"][2:] == ["200", "195", "5", "quality.too_short 5"]

        bins = app.screen.query_one(LengthHistogram).bins
        assert bins is not None and sum(count for _, _, count in bins) == 195


async def test_home_without_runs_invites_a_run(fresh_workspace: Path) -> None:
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        note = app.screen.query_one("#runs-empty")
        assert note.display
        assert "Press r to run pipeline.yaml" in str(note.render())
        await pilot.press("b")  # nothing to browse: the key does nothing
        assert isinstance(app.screen, HomeScreen)


async def test_help_lists_the_keys_of_the_screen_it_opened_over(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Run pipeline" in app.screen.keys and "Browse" in app.screen.keys
        assert app.screen.about.startswith("**Home** lists the workspace's runs")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_offers_every_footer_key(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Run pipeline", "Browse", "Audit", "Help", "Quit"):
            assert titles.count(title) == 1, title
        commands["Browse"].callback()
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_home_shows_why_a_stopped_run_stopped(fresh_workspace: Path) -> None:
    from curate.stages.audit_gate import AuditGateError
    from tests.tui.workspaces import run_workspace, write_pipeline

    write_pipeline(fresh_workspace, audit_gate=True)
    with pytest.raises(AuditGateError):
        run_workspace(fresh_workspace)
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        runs = app.screen.query_one("#runs", DataTable)
        assert runs.get_row_at(0)[2] == "stopped"
        subtitle = app.screen.query_one("#stages-pane").border_subtitle
        assert "no spot-audit yet" in str(subtitle)
