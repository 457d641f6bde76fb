"""Reading space: v maximises the example, long chats read as numbered turns with JSON
pretty-printed, and an audit shows the example's meta fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Label, Static

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.audit_screen import AuditScreen
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.widgets.example_detail import ExampleDetail
from curate_tui.widgets.example_table import ExampleTable
from tests.conftest import chat
from tests.tui.helpers import open_screen, rest
from tests.tui.workspaces import demo_rows, run_workspace, write_workspace

pytestmark = pytest.mark.anyio


def pane_text(detail: ExampleDetail) -> tuple[list[str], list[str]]:
    roles = [str(label.render()) for label in detail.query(".turn-role").results(Label)]
    texts = [str(s.render()) for s in detail.query(".turn-content").results(Static)]
    return roles, texts


async def test_v_gives_the_example_the_whole_screen_and_v_again_gives_it_back(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        detail = screen.query_one(ExampleDetail)
        small = detail.size.height
        await pilot.press("v")
        await pilot.pause()
        assert screen.maximized is detail and detail.size.height > small * 2
        await pilot.press("v")
        await pilot.pause()
        assert screen.maximized is None and app.screen is screen
        await pilot.press("v", "escape")  # escape restores the pane first, as back does
        await pilot.pause()
        assert screen.maximized is None and app.screen is screen
        assert isinstance(app.focused, ExampleTable)


async def test_a_long_chat_reads_as_numbered_turns_with_its_json_answer_pretty_printed(
    tmp_path: Path,
) -> None:
    answer = json.dumps({"team": "billing", "priority": "high"})
    long_chat = chat("My invoice is wrong, who handles it?", "Which invoice number?")
    long_chat["messages"] += [
        {"role": "user", "content": "Invoice 4471, routed to the wrong team."},
        {"role": "assistant", "content": answer},
    ]
    workspace = write_workspace(tmp_path / "ws", [long_chat, *demo_rows(40)])
    run_workspace(workspace)
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "b", BrowseScreen)
        await pilot.press("slash", *"invoice 4471")
        await rest(pilot)
        roles, texts = pane_text(screen.query_one(ExampleDetail))
        assert roles == ["1 · user", "2 · assistant", "3 · user", "4 · assistant"]
        assert texts[-1] == '{\n  "team": "billing",\n  "priority": "high"\n}'


async def test_the_audit_shows_the_examples_meta_fields(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "a", AuditScreen)
        roles, texts = pane_text(screen.query_one(ExampleDetail))
        assert roles[0] == "meta"
        assert texts[0].startswith("category: ")  # the demo rows' own field
