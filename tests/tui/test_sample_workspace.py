"""The TUI over the repository's mixed-format sample data (skipped until its files exist)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable

from curate.config.pipeline import load_pipeline
from curate.errors import CurateError
from curate.runs.runner import RunOutcome, run_pipeline
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.widgets.example_detail import ExampleDetail
from tests.conftest import REPO
from tests.tui.helpers import rest, settle

SAMPLE_DATA = REPO / "sample_data"
SAMPLE_PIPELINE = REPO / "pipelines" / "sample.yaml"


def sample_inputs_present() -> bool:
    """Whether every input pipelines/sample.yaml names is on disk."""
    try:
        pipeline = load_pipeline(SAMPLE_PIPELINE)
    except (CurateError, OSError):
        return False
    return all((SAMPLE_PIPELINE.parent / source.path).exists() for source in pipeline.inputs)


pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not sample_inputs_present(), reason="sample_data/ is not written yet"),
]


@pytest.fixture
def sample_run(tmp_path: Path) -> RunOutcome:
    """pipelines/sample.yaml run over a copy of sample_data/, with tmp_path as its workspace."""
    shutil.copytree(SAMPLE_DATA, tmp_path / "sample_data")
    (tmp_path / "pipelines").mkdir()
    shutil.copy(SAMPLE_PIPELINE, tmp_path / "pipelines" / "sample.yaml")
    return run_pipeline(tmp_path / "pipelines" / "sample.yaml")


async def test_every_sample_example_can_be_listed_and_read(sample_run: RunOutcome) -> None:
    app = CurateApp(sample_run.run_dir.parent.parent)
    assert app.session.pipeline is not None and app.session.pipeline.name == "sample.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#runs", DataTable).row_count == 1
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert screen.shown.height == sample_run.manifest.totals.input_rows
        for _ in range(min(15, screen.shown.height - 1)):
            await pilot.press("down")
            await rest(pilot)
            assert screen.query_one(ExampleDetail).shown is not None
