"""The Run screen runs the pipeline the reviewer picked, offers only real pipeline files, and
remembers the choice per workspace; Home then selects the run that just finished."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList

from curate.workspace import WorkspaceDB
from curate.workspace.preferences import TUI_PIPELINE
from curate_tui.app import CurateApp
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.screens.pipeline_picker_screen import PipelinePickerScreen
from curate_tui.screens.run_screen import RunScreen
from tests.tui.helpers import settle
from tests.tui.workspaces import demo_rows, run_workspace, write_workspace

pytestmark = pytest.mark.anyio

# An eval config: YAML in pipelines/ beside the pipelines, but not one; sorts first.
EVAL_CONFIG = "model: base\nsplit: test\nmetrics: [exact_match]\n"


def repository_like(root: Path) -> Path:
    """A folder like the repository root: no pipeline.yaml, an eval config and two pipelines
    in pipelines/, sharing one data file."""
    template = write_workspace(root / "template", demo_rows(40))
    workspace = root / "repo"
    (workspace / "pipelines").mkdir(parents=True)
    shutil.copytree(template / "data", workspace / "data")
    text = (
        (template / "pipeline.yaml").read_text().replace("data/train.jsonl", "../data/train.jsonl")
    )
    (workspace / "pipelines" / "a_eval.yaml").write_text(EVAL_CONFIG)
    for name in ("first", "second"):
        body = text.replace("name: demo", f"name: {name}").replace("workspace: .", "workspace: ..")
        (workspace / "pipelines" / f"{name}.yaml").write_text(body)
    return workspace


async def test_the_reviewer_picks_among_real_pipelines_and_the_choice_is_remembered(
    tmp_path: Path,
) -> None:
    workspace = repository_like(tmp_path)
    app = CurateApp(workspace)
    assert app.session.pipeline is None  # two pipelines: nothing runs until one is picked
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("r")  # no pipeline yet: r offers the list instead of running
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PipelinePickerScreen)
        options = picker.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == ["pipelines/first.yaml", "pipelines/second.yaml"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.session.pipeline == workspace / "pipelines" / "second.yaml"
        line = str(app.screen.query_one("#run-pipeline").render())
        assert "pipelines/second.yaml" in line

        await pilot.press("r")
        await settle(pilot)
        assert "complete: 43 rows in" in app.screen.outcome_text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#runs", DataTable).get_row_at(0)[1] == "second"

    with WorkspaceDB(workspace) as store:
        assert store.preferences.get(TUI_PIPELINE) == "pipelines/second.yaml"
    assert CurateApp(workspace).session.pipeline == workspace / "pipelines" / "second.yaml"


async def test_escape_in_the_picker_keeps_the_current_pipeline(tmp_path: Path) -> None:
    workspace = repository_like(tmp_path)
    (workspace / "pipelines" / "second.yaml").unlink()  # one pipeline left: chosen by default
    app = CurateApp(workspace)
    assert app.session.pipeline == workspace / "pipelines" / "first.yaml"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r", "o")
        await pilot.pause()
        assert isinstance(app.screen, PipelinePickerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.session.pipeline == workspace / "pipelines" / "first.yaml"
    with WorkspaceDB(workspace) as store:
        assert store.preferences.get(TUI_PIPELINE) is None


async def test_a_remembered_pipeline_that_was_deleted_falls_back_to_the_default(
    tmp_path: Path,
) -> None:
    workspace = write_workspace(tmp_path / "ws", demo_rows(20))
    with WorkspaceDB(workspace) as store:
        store.preferences.set(TUI_PIPELINE, "pipelines/gone.yaml")
    assert CurateApp(workspace).session.pipeline == workspace / "pipeline.yaml"


async def test_home_selects_the_run_that_just_finished(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", demo_rows(40))
    run_workspace(workspace)
    # a second pipeline whose run will be newest; the older run is the one highlighted
    other = (workspace / "pipeline.yaml").read_text().replace("name: demo", "name: other")
    (workspace / "other.yaml").write_text(other.replace("seed: 0", "seed: 1"))
    app = CurateApp(workspace, pipeline=workspace / "other.yaml")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.home
        assert home.selected is not None and home.selected.pipeline == "demo"
        await pilot.press("r", "r")
        await settle(pilot)
        assert home.selected is not None and home.selected.pipeline == "other"
        assert home.sub_title == f"ws · run {home.selected.run_id}"
        assert app.screen.sub_title == f"run {home.selected.run_id}"  # the Run screen says it too


async def test_home_shows_a_run_started_elsewhere_without_a_key(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", demo_rows(40))
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        runs = app.home.query_one("#runs", DataTable)
        assert runs.row_count == 0
        run_workspace(workspace)  # as the CLI in another terminal would
        for _ in range(40):
            await pilot.pause(0.1)
            if runs.row_count:
                break
        assert runs.row_count == 1
        assert app.home.selected is not None and app.home.selected.status == "complete"
