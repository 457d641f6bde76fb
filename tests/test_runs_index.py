"""The runs index: one row per run folder, and a run whose process died reads as interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson

from curate.runs.runner import run_pipeline
from curate.runs.views import list_runs
from curate.workspace import WorkspaceDB
from curate.workspace.database import MIGRATIONS
from curate.workspace.runs_index import RunProcess
from tests.conftest import chat


def write_workspace(root: Path, rows: int) -> Path:
    with open(root / "data.jsonl", "wb") as handle:
        for i in range(rows):
            row = chat(f"Where is parcel {i}?", f"Parcel {i} left the depot on day {i % 9}.")
            handle.write(orjson.dumps(row) + b"\n")
    (root / "pipeline.yaml").write_text(
        "name: parcels\ninputs: [data.jsonl]\nstages: [validate, exact_dedup, quality, split]\n"
    )
    return root / "pipeline.yaml"


def start_run(workspace: Path, out: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "curate.cli", "run", "pipeline.yaml", "--out", out],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def status_of(workspace: Path) -> str | None:
    if not (workspace / "workspace.db").exists():
        return None
    with WorkspaceDB(workspace) as store:
        runs = store.runs()
    return runs[0]["status"] if runs else None


def test_a_run_killed_with_sigkill_reads_as_interrupted_then_complete_on_resume(tmp_path):
    write_workspace(tmp_path, 60_000)
    proc = start_run(tmp_path, "killed")
    deadline = time.monotonic() + 120
    while status_of(tmp_path) != "running" and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never showed as running"
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with WorkspaceDB(tmp_path) as store:
        (run,) = store.runs()
    assert run["status"] == "interrupted"
    assert f"pid {proc.pid}" in run["message"] and "run it again" in run["message"]
    (summary,) = list_runs(tmp_path)
    assert summary.status == "interrupted"  # what Home lists

    rerun = start_run(tmp_path, "killed")
    assert rerun.wait(timeout=300) == 0
    assert status_of(tmp_path) == "complete"


def test_a_run_whose_process_is_alive_reads_as_running(tmp_path):
    with WorkspaceDB(tmp_path) as store:
        store.record_run("r-1", tmp_path / "runs" / "r-1", "p", "running")
        (run,) = store.runs()
    assert (run["status"], run["message"]) == ("running", "")


def test_a_process_that_died_before_the_run_ended_leaves_it_interrupted(tmp_path):
    code = (
        "import os, signal; from pathlib import Path; from curate.workspace import WorkspaceDB; "
        f"s = WorkspaceDB(Path({str(tmp_path)!r})); "
        f"s.record_run('r-1', Path({str(tmp_path / 'r-1')!r}), 'p', 'running'); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == -signal.SIGKILL
    with WorkspaceDB(tmp_path) as store:
        (run,) = store.runs()
    assert run["status"] == "interrupted"


def test_a_reused_pid_is_not_taken_for_the_run_that_had_it():
    me = RunProcess.current()
    assert me.is_gone() is False
    assert RunProcess(me.pid, me.host, me.started - 3600).is_gone() is True
    assert RunProcess(me.pid, "another-host.invalid", me.started).is_gone() is None


def test_finished_and_stopped_runs_keep_their_status_after_the_process_is_gone(tmp_path):
    code = (
        "from pathlib import Path; from curate.workspace import WorkspaceDB; "
        f"s = WorkspaceDB(Path({str(tmp_path)!r})); "
        f"s.record_run('a', Path({str(tmp_path / 'a')!r}), 'p', 'complete'); "
        f"s.record_run('b', Path({str(tmp_path / 'b')!r}), 'p', 'stopped', 'no audit yet')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with WorkspaceDB(tmp_path) as store:
        statuses = {run["run_id"]: (run["status"], run["message"]) for run in store.runs()}
    assert statuses == {"a": ("complete", ""), "b": ("stopped", "no audit yet")}


def test_two_out_folders_of_one_pipeline_are_two_runs_in_the_index(tmp_path):
    pipeline = write_workspace(tmp_path, 50)
    first = run_pipeline(pipeline, out=tmp_path / "out-a")
    second = run_pipeline(pipeline, out=tmp_path / "out-b")
    assert first.manifest.run_id == second.manifest.run_id
    with WorkspaceDB(tmp_path) as store:
        runs = store.runs()
    assert sorted(Path(r["run_dir"]).name for r in runs) == ["out-a", "out-b"]
    assert {r["status"] for r in runs} == {"complete"}
    assert len(list_runs(tmp_path)) == 2


def test_runs_indexed_before_the_upgrade_are_kept(tmp_path):
    old = sqlite3.connect(tmp_path / "workspace.db")
    for script in MIGRATIONS[:5]:
        old.executescript(script)
    old.execute("PRAGMA user_version = 5")
    old.execute(
        "INSERT INTO runs (run_id, run_dir, pipeline, status, message, updated_at) "
        "VALUES ('old-run', '/data/runs/old-run', 'p', 'complete', '', '2026-01-01T00:00:00')"
    )
    old.commit()
    old.close()
    with WorkspaceDB(tmp_path) as store:
        (run,) = store.runs()
    assert (run["run_id"], run["run_dir"], run["status"]) == (
        "old-run",
        "/data/runs/old-run",
        "complete",
    )
