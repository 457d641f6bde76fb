"""Fixtures for the TUI tests: a fixed annotator, workspaces with and without a finished run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curate.runner import RunOutcome
from tests.tui.workspaces import demo_rows, run_workspace, write_workspace


@pytest.fixture(autouse=True)
def fixed_annotator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every decision the tests make is signed by ``tester``."""
    monkeypatch.setenv("CURATE_ANNOTATOR", "tester")
    yield


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fresh_workspace(tmp_path: Path) -> Path:
    """Data and a pipeline, never run."""
    return write_workspace(tmp_path / "ws", demo_rows())


@pytest.fixture
def finished_run(fresh_workspace: Path) -> RunOutcome:
    """The demo pipeline run to completion (200 + 3 rows: 3 duplicates, 5 too short)."""
    return run_workspace(fresh_workspace)
