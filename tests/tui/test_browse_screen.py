"""Browse filters a run's examples, shows one in full, and records overrides from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Select, Static

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.widgets.example_detail import ExampleDetail
from curate_tui.widgets.example_table import ExampleTable
from tests.tui.helpers import db_rows, overrides_of, rest, settle
from tests.tui.workspaces import demo_rows, run_workspace, write_workspace

pytestmark = pytest.mark.anyio


def workspace_of(run: RunOutcome) -> Path:
    return run.run_dir.parent.parent


async def open_browse(pilot: Pilot[None]) -> BrowseScreen:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


def shown_statuses(screen: BrowseScreen) -> set[str]:
    return set(screen.shown["status"].to_list())


async def test_filters_and_search_narrow_the_rows(finished_run: RunOutcome) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        table = screen.query_one(ExampleTable)
        assert table.row_count == 203

        screen.query_one("#filter-status", Select).value = "rejected"
        await pilot.pause()
        assert table.row_count == 8 and shown_statuses(screen) == {"rejected"}

        screen.query_one("#filter-reason", Select).value = "quality.too_short"
        await pilot.pause()
        assert table.row_count == 5
        assert {table.row_cells(i)[4] for i in range(5)} == {"quality.too_short"}

        screen.query_one("#filter-status", Select).clear()
        screen.query_one("#filter-reason", Select).clear()
        screen.query_one("#filter-split", Select).value = "eval"
        await pilot.pause()
        assert table.row_count == 19 and set(screen.shown["split"].to_list()) == {"eval"}

        screen.query_one("#filter-split", Select).clear()
        await pilot.press("slash", *"question 12 ")
        await pilot.pause()
        prompts = screen.shown["prompt"].to_list()
        assert prompts == ["Question 12 about returns: what should I do?"]
        assert "1 of 203 examples" in str(screen.query_one("#browse-count", Static).render())


async def test_detail_pane_shows_the_highlighted_conversation(finished_run: RunOutcome) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("down", "down", "down")
        await rest(pilot)
        detail = screen.query_one(ExampleDetail)
        roles = [str(label.render()) for label in detail.query(".turn-role").results(Label)]
        texts = [str(s.render()) for s in detail.query(".turn-content").results(Static)]
        assert roles == ["system", "user", "assistant"]
        assert texts[0] == "You are a patient support agent."
        assert texts[1] == "Question 3 about accounts: what should I do?"

        screen.query_one("#filter-status", Select).value = "rejected"
        await pilot.pause()
        await pilot.press("home")
        await rest(pilot)
        rejection = str(detail.query_one(".detail-rejection", Static).render())
        assert "Rejected by quality: quality.too_short" in rejection
        texts = [str(s.render()) for s in detail.query(".turn-content").results(Static)]
        assert texts == ["Question 7 about returns: what should I do?", "Ok. Ok. Ok. Ok."]


async def test_force_drop_asks_for_a_reason_and_writes_an_override(
    finished_run: RunOutcome,
) -> None:
    workspace = workspace_of(finished_run)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("down")
        await pilot.pause()
        example_id = screen.current["id"]  # type: ignore[index]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        assert app.screen.question == f"Force-drop {example_id}: why?"
        await pilot.press(*"off topic", "enter")
        await pilot.pause()
        assert app.screen is screen
        rows = db_rows(workspace, "SELECT example_id, action, reason, annotator FROM overrides")
        assert rows == [(example_id, "drop", "off topic", "tester")]
        assert screen.query_one(ExampleTable).row_cells(1)[0] == "D"
        override = str(screen.query_one(".detail-override", Static).render())
        assert override == "Override: force-drop by tester: off topic"


async def test_force_keep_then_clear_and_cancel(finished_run: RunOutcome) -> None:
    workspace = workspace_of(finished_run)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        screen.query_one("#filter-status", Select).value = "rejected"
        await pilot.pause()
        example_id = screen.current["id"]  # type: ignore[index]
        await pilot.press("k", *"fine really", "enter")
        await pilot.pause()
        assert overrides_of(workspace)[example_id].action == "keep"
        assert screen.query_one(ExampleTable).row_cells(0)[0] == "K"

        await pilot.press("c")
        await pilot.pause()
        assert example_id not in overrides_of(workspace)
        assert screen.query_one(ExampleTable).row_cells(0)[0] == " "

        await pilot.press("d", "x", "escape")
        await pilot.pause()
        rows = db_rows(workspace, "SELECT action, reason FROM overrides ORDER BY seq")
        assert rows == [("keep", "fine really"), ("clear", "cleared in the TUI")]


async def test_detail_pane_labels_the_answers_of_a_preference_pair(tmp_path: Path) -> None:
    rows = [
        {"prompt": "Name a prime number.", "chosen": "Seven is prime.", "rejected": "Nine."},
        *demo_rows(40),
    ]
    workspace = write_workspace(tmp_path / "ws", rows)
    run_workspace(workspace)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash", *"prime")
        await rest(pilot)
        detail = screen.query_one(ExampleDetail)
        roles = [str(label.render()) for label in detail.query(".turn-role").results(Label)]
        texts = [str(s.render()) for s in detail.query(".turn-content").results(Static)]
        assert roles == ["user", "assistant · chosen", "assistant · rejected"]
        assert texts == ["Name a prime number.", "Seven is prime.", "Nine."]
