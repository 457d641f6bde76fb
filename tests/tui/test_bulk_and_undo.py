"""Bulk decisions over the filtered set (one question, one undo), and undo of the last
decision on the override screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Select

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from tests.tui.helpers import answer_prompt, open_screen, overrides_of, rest

pytestmark = pytest.mark.anyio


def workspace_of(run: RunOutcome) -> Path:
    return run.run_dir.parent.parent


async def test_k_on_a_filter_keeps_every_shown_example_after_one_question_and_undo_takes_it_back(
    finished_run: RunOutcome,
) -> None:
    workspace = workspace_of(finished_run)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("K")  # no filter: nothing is done to all 203
        await pilot.pause()
        assert app.screen is screen and overrides_of(workspace) == {}

        screen.query_one("#filter-reason", Select).value = "quality.too_short"
        await rest(pilot)
        shown = set(screen.shown["id"].to_list())
        assert len(shown) == 5
        await pilot.press("K")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen) and "all 5 shown examples" in prompt.question
        await answer_prompt(pilot, "short but right")
        standing = overrides_of(workspace)
        assert set(standing) == shown
        assert {(o.action, o.reason) for o in standing.values()} == {("keep", "short but right")}

        await pilot.press("ctrl+z")  # one undo for the whole batch
        await pilot.pause()
        assert overrides_of(workspace) == {}


async def test_undo_puts_back_the_override_a_decision_replaced(finished_run: RunOutcome) -> None:
    workspace = workspace_of(finished_run)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("k")
        await answer_prompt(pilot, "good example")
        await pilot.press("d")
        await answer_prompt(pilot, "changed my mind")
        example_id = str(screen.current["id"]) if screen.current else ""
        assert overrides_of(workspace)[example_id].action == "drop"
        await pilot.press("ctrl+z")
        await pilot.pause()
        restored = overrides_of(workspace)[example_id]
        assert (restored.action, restored.reason) == ("keep", "good example")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert overrides_of(workspace) == {}
        await pilot.press("ctrl+z")  # nothing left: says so, changes nothing
        await pilot.pause()
        assert overrides_of(workspace) == {} and app.screen is screen


async def test_the_palette_offers_bulk_keys_kept_out_of_the_footer(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "b", BrowseScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keep all" in titles and "Drop all" in titles and "Undo" in titles
