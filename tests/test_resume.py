"""A run killed with SIGKILL at any point resumes and finishes with the same outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import chat

pytestmark = pytest.mark.slow
EXPORTS = ("train.jsonl", "eval.jsonl", "test.jsonl", "rejected.jsonl")


def start(workspace: Path, out: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "curate.cli", "run", "pipeline.yaml", "--out", out],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_to_end(workspace: Path, out: str) -> None:
    proc = start(workspace, out)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()


def kill_when(proc: subprocess.Popen[bytes], ready: Path | float) -> None:
    """SIGKILL the run once ``ready`` exists (or after that many seconds)."""
    deadline = time.monotonic() + 120
    started = time.monotonic()
    while time.monotonic() < deadline and proc.poll() is None:
        if isinstance(ready, Path) and ready.exists():
            break
        if isinstance(ready, float) and time.monotonic() - started > ready:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    with open(tmp_path / "data.jsonl", "wb") as handle:
        for i in range(120_000):
            row = chat(
                f"Where is parcel {i % 100_000}?",
                f"Parcel {i % 100_000} is on its way.",
                region=("north", "south")[i % 2],
            )
            handle.write(orjson.dumps(row) + b"\n")
    (tmp_path / "pipeline.yaml").write_text(
        "inputs: [data.jsonl]\nstages: [validate, exact_dedup, quality, "
        "{split: {stratify: region}}]\nexport: {format: sharegpt}\n"
    )
    return tmp_path


def test_killed_run_resumes_to_identical_outputs(workspace: Path):
    run_to_end(workspace, "clean")

    stages = workspace / "killed" / "stages"
    kill_when(start(workspace, "killed"), 2.0)  # mid-ingest
    kill_when(start(workspace, "killed"), stages / "02_validate" / "metrics.json")
    kill_when(start(workspace, "killed"), stages / "05_split" / "metrics.json")  # in export
    assert not (workspace / "killed" / "manifest.json").exists()

    run_to_end(workspace, "killed")
    for name in EXPORTS:
        resumed = (workspace / "killed" / "export" / name).read_bytes()
        assert resumed == (workspace / "clean" / "export" / name).read_bytes(), name
    manifest = orjson.loads((workspace / "killed" / "manifest.json").read_bytes())
    assert all(s["cached"] for s in manifest["stages"])
    assert manifest["totals"]["input_rows"] == 120_000
    assert not list((workspace / "killed").rglob(".*.tmp"))
