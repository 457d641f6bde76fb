"""Fixtures for the TUI tests: a fixed annotator, workspaces with and without a finished run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from curate.runs.runner import RunOutcome
from tests.llm_servers import FakeLLMServer
from tests.tui.judged_workspace import judge_server, run_judged, write_judged_workspace
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


@pytest.fixture(scope="module")
def llm_server() -> Iterator[FakeLLMServer]:
    """The fake Anthropic API the judged workspace's pipeline points at, once per module."""
    with judge_server() as server:
        yield server


@pytest.fixture(scope="module")
def judged_template(tmp_path_factory: pytest.TempPathFactory, llm_server: FakeLLMServer) -> Path:
    """The judged workspace (pii, then judge) run once per module: spaCy loads slowly."""
    root = write_judged_workspace(tmp_path_factory.mktemp("judged") / "ws", llm_server.url)
    run_judged(root)
    return root


@pytest.fixture
def judged_workspace(judged_template: Path, tmp_path: Path) -> Path:
    """A private copy of the judged workspace, so each test's decisions stay its own."""
    return Path(shutil.copytree(judged_template, tmp_path / "ws"))
