"""Browse for a reviewer's day: escape leaves the search box, not the screen; one key clears
the filters; focus on a picker shows; search reads every turn; w jumps to a rejected example's
twin; an override needs a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select
from textual.widgets._select import SelectCurrent

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.widgets.example_table import ExampleTable
from tests.conftest import chat
from tests.tui.helpers import open_screen, overrides_of, rest
from tests.tui.workspaces import demo_rows, run_workspace, write_workspace

pytestmark = pytest.mark.anyio


def workspace_of(run: RunOutcome) -> Path:
    return run.run_dir.parent.parent


async def test_escape_in_the_search_box_goes_back_to_the_list_keeping_the_filter(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("slash", *"question 12 ")
        await rest(pilot)
        assert screen.shown.height == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # still browsing
        assert isinstance(app.focused, ExampleTable)
        assert screen.shown.height == 1 and screen.filters.text == "question 12 "
        await pilot.press("escape")  # from the list, escape goes back to Home
        await pilot.pause()
        assert not isinstance(app.screen, BrowseScreen)


async def test_z_clears_every_filter_and_the_search_at_once(finished_run: RunOutcome) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        assert screen.check_action("clear_filters", ()) is None  # nothing to clear yet
        screen.query_one("#filter-status", Select).value = "rejected"
        screen.query_one("#filter-reason", Select).value = "quality.too_short"
        await pilot.press("slash", *"ok", "escape")
        await rest(pilot)
        assert screen.shown.height == 5
        await pilot.press("z")
        await rest(pilot)
        assert screen.shown.height == 203
        assert screen.query_one("#filter-status", Select).is_blank()
        assert screen.query_one("#filter-text", Input).value == ""


async def test_a_focused_picker_is_drawn_apart_from_the_others(finished_run: RunOutcome) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        status, stage = (
            screen.query_one("#filter-status", Select),
            screen.query_one("#filter-stage"),
        )
        status.focus()
        await pilot.pause()
        focused = status.query_one(SelectCurrent).styles.background
        other = stage.query_one(SelectCurrent).styles.background
        assert focused != other


async def test_search_finds_text_in_the_middle_turns_of_a_chat(tmp_path: Path) -> None:
    long_chat = chat("First question about the router?", "It routes tickets to a team.")
    long_chat["messages"] += [
        {"role": "user", "content": "And what about the zebra escalation path?"},
        {"role": "assistant", "content": "Escalations go to the on-call lead of that team."},
        {"role": "user", "content": "Thanks, that settles it."},
        {"role": "assistant", "content": "Glad to help; reopen the ticket if anything changes."},
    ]
    workspace = write_workspace(tmp_path / "ws", [long_chat, *demo_rows(40)])
    run_workspace(workspace)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("slash", *"ZEBRA")  # neither the first prompt nor the last answer
        await rest(pilot)
        assert screen.shown["prompt"].to_list() == ["First question about the router?"]


async def test_w_jumps_from_a_rejected_duplicate_to_the_kept_twin(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(workspace_of(finished_run))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        screen.query_one("#filter-reason", Select).value = "dedup.exact"
        await rest(pilot)
        duplicate = screen.current
        assert duplicate is not None and duplicate["related_id"]
        await pilot.press("w")  # the twin is kept, hidden by the filter: the filter goes
        await rest(pilot)
        twin = screen.current
        assert twin is not None
        assert twin["id"] == duplicate["related_id"] and twin["status"] == "kept"
        assert screen.shown.height == 203 and screen.query_one("#filter-reason", Select).is_blank()
        assert screen.check_action("twin", ()) is None  # a kept example names no twin


async def test_an_empty_override_reason_is_refused(finished_run: RunOutcome) -> None:
    workspace = workspace_of(finished_run)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("space", "space", "enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)  # still asking
        assert "reason is needed" in str(prompt.query_one("#prompt-hint").render())
        assert overrides_of(workspace) == {}
        await pilot.press(*"off topic", "enter")
        await pilot.pause()
        assert [o.reason for o in overrides_of(workspace).values()] == ["off topic"]
