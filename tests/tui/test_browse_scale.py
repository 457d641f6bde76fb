"""Browse over a 100,000-row run draws only the rows on screen."""

from __future__ import annotations

import pytest

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.widgets.example_detail import ExampleDetail
from curate_tui.widgets.example_table import ExampleTable
from tests.tui.helpers import rest, settle
from tests.tui.workspaces import run_workspace, write_many_chats, write_pipeline

ROWS = 100_000
SCREENFUL = 200  # far more than a 30-line terminal shows, far fewer than the run holds


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> RunOutcome:
    """A finished run of 100k short chats (about 10 s to build, once per module)."""
    workspace = tmp_path_factory.mktemp("big") / "ws"
    write_many_chats(workspace / "data" / "train.jsonl", ROWS)
    write_pipeline(workspace)
    return run_workspace(workspace)


@pytest.mark.anyio
async def test_browse_renders_one_screen_of_a_100k_row_run(big_run: RunOutcome) -> None:
    app = CurateApp(big_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one(ExampleTable)
        assert table.row_count == ROWS
        assert 0 < len(table.rendered_rows) < SCREENFUL
        assert max(table.rendered_rows) < SCREENFUL

        table.reset_render_stats()
        await pilot.press("end")
        await rest(pilot)
        assert table.cursor == ROWS - 1
        assert ROWS - 1 in table.rendered_rows
        assert len(table.rendered_rows) < SCREENFUL
        assert min(table.rendered_rows) > ROWS - SCREENFUL
        shown = screen.query_one(ExampleDetail).shown
        assert shown is not None and shown.example["row"] == ROWS - 1

        await pilot.press("slash", *"question 99999")
        await pilot.pause()
        assert table.row_count == 1
        assert len(table.rendered_rows) < SCREENFUL
