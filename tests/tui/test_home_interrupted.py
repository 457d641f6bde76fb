"""Home shows a run whose process was killed as interrupted, and a stop message as written."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import DataTable

from curate.workspace import WorkspaceDB
from curate_tui.app import CurateApp
from tests.tui.helpers import settle

pytestmark = pytest.mark.anyio


def record_then_die(workspace: Path, run_dir: Path) -> None:
    """A process marks a run as running, then is killed with SIGKILL before it ends."""
    code = (
        "import os, signal; from pathlib import Path; from curate.workspace import WorkspaceDB; "
        f"s = WorkspaceDB(Path({str(workspace)!r})); "
        f"s.record_run('demo-killed', Path({str(run_dir)!r}), 'demo', 'running'); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == -signal.SIGKILL


async def test_home_shows_a_killed_run_as_interrupted(fresh_workspace: Path) -> None:
    record_then_die(fresh_workspace, fresh_workspace / "runs" / "demo-killed")
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        runs = app.screen.query_one("#runs", DataTable)
        assert runs.get_row_at(0)[:3] == ["demo-killed", "demo", "interrupted"]
        subtitle = str(app.screen.query_one("#stages-pane").border_subtitle)
        assert "ended before the run finished" in subtitle


async def test_home_prints_a_stop_message_literally(fresh_workspace: Path) -> None:
    with WorkspaceDB(fresh_workspace) as store:
        store.record_run(
            "demo-stopped", fresh_workspace / "runs" / "x", "demo", "stopped", "key [redacted] bad"
        )
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        subtitle = app.screen.query_one("#stages-pane").border_subtitle  # as markup
        assert Content.from_markup(subtitle or "").plain == "key [redacted] bad"
