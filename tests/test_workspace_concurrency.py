"""Several processes opening one new workspace at once: every one migrates or waits, none
crashes, and every decision they make is kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curate.errors import CurateError
from curate.workspace.database import MIGRATIONS, WorkspaceDB

# Each process waits for a shared start time, opens the workspace (the first open creates and
# migrates it) and records one decision of its own.
OPEN_AND_DECIDE = """
import sys, time
from pathlib import Path
from curate.workspace import WorkspaceDB
workspace, start, name = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    pass
with WorkspaceDB(workspace, annotator=name) as store:
    store.set_override("example-" + name, "keep", "decided by " + name)
"""


def open_at_once(workspace: Path, processes: int) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 3.0  # every interpreter is up and spinning by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AND_DECIDE, str(workspace), str(start), f"p{n}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    return [
        subprocess.CompletedProcess(p.args, p.wait(timeout=120), "", p.stderr.read())  # type: ignore[union-attr]
        for p in procs
    ]


@pytest.mark.parametrize("trial", range(3))
def test_processes_opening_a_new_workspace_at_once_keep_every_decision(tmp_path, trial):
    results = open_at_once(tmp_path, processes=6)
    assert [r.stderr for r in results if r.returncode] == []
    with WorkspaceDB(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS)
        decisions = store.overrides()
    assert sorted(decisions) == [f"example-p{n}" for n in range(6)]
    assert {d.annotator for d in decisions.values()} == {f"p{n}" for n in range(6)}


def test_processes_upgrading_an_old_workspace_at_once_migrate_it_once(tmp_path):
    old = sqlite3.connect(tmp_path / "workspace.db")
    old.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    old.execute(
        "INSERT INTO overrides (example_id, action, reason, annotator, created_at) "
        "VALUES ('from-v1', 'drop', 'old', 'eve', '2026-01-01T00:00:00+00:00')"
    )
    old.commit()
    old.close()
    results = open_at_once(tmp_path, processes=4)
    assert [r.stderr for r in results if r.returncode] == []
    with WorkspaceDB(tmp_path) as store:
        assert sorted(store.overrides()) == ["example-p0", "example-p1", "example-p2",
                                             "example-p3", "from-v1"]  # fmt: skip


def test_a_database_newer_than_this_curate_is_refused_untouched(tmp_path):
    with WorkspaceDB(tmp_path) as store:
        store.set_override("x", "keep", "mine")
    raw = sqlite3.connect(tmp_path / "workspace.db")
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(CurateError, match="newer than this curate"):
        WorkspaceDB(tmp_path)
    raw = sqlite3.connect(tmp_path / "workspace.db")
    assert raw.execute("SELECT example_id FROM overrides").fetchall() == [("x",)]
    raw.close()
