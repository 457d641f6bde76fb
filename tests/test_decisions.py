"""workspace.db: decisions are committed at once, survive reopening, and win on every rerun."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import orjson

from curate.record import content_id
from curate.runs.runner import run_pipeline
from curate.workspace.database import MIGRATIONS, WorkspaceDB
from tests.conftest import chat, write_jsonl

ROWS = [
    chat(f"How do I update card {i}?", f"Open Billing, choose card {i}, then Update.")
    for i in range(40)
]


def workspace(tmp_path, rows=ROWS):
    write_jsonl(tmp_path / "d.jsonl", rows)
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "name: ws\ninputs: [d.jsonl]\n"
        "stages: [validate, exact_dedup, {quality: {min_assistant_chars: 20}}]\n"
    )
    return path


def exported_ids(outcome) -> set[str]:
    ids = set()
    for name in ("train", "eval", "test"):
        for line in (outcome.run_dir / "export" / f"{name}.jsonl").read_bytes().splitlines():
            ids.add(orjson.loads(line)["curate_id"])
    return ids


def test_a_decision_is_committed_before_the_process_dies(tmp_path):
    code = (
        "import os, sys; from pathlib import Path; from curate.workspace import WorkspaceDB; "
        f"s = WorkspaceDB(Path({str(tmp_path)!r}), annotator='ana'); "
        "s.set_override('abc', 'drop', 'spam'); os._exit(9)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    with WorkspaceDB(tmp_path) as store:
        (override,) = store.overrides().values()
    assert (override.example_id, override.action, override.annotator) == ("abc", "drop", "ana")


def test_store_uses_wal_and_migrates_instead_of_recreating(tmp_path):
    with WorkspaceDB(tmp_path) as store:
        store.set_override("x", "keep", "good")
        assert store.schema_version == len(MIGRATIONS)
    raw = sqlite3.connect(tmp_path / "workspace.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with WorkspaceDB(tmp_path) as again:
        assert list(again.overrides()) == ["x"]


def test_latest_decision_wins_and_clear_withdraws_it(tmp_path):
    with WorkspaceDB(tmp_path, annotator="bo") as store:
        store.set_override("x", "drop", "first")
        store.set_override("x", "keep", "changed my mind")
        assert store.overrides()["x"].action == "keep"
        before = store.overrides_fingerprint()
        store.set_override("x", "clear", "no opinion")
        assert store.overrides() == {}
        assert store.overrides_fingerprint() != before


def test_force_drop_applies_on_every_rerun(tmp_path):
    pipeline = workspace(tmp_path)
    target = content_id(ROWS[7]["messages"])
    assert target in exported_ids(run_pipeline(pipeline))
    with WorkspaceDB(tmp_path, annotator="cy") as store:
        store.set_override(target, "drop", "answer is outdated")
    rerun = run_pipeline(pipeline)
    assert target not in exported_ids(rerun)
    rejected = [
        orjson.loads(x)
        for x in (rerun.run_dir / "export" / "rejected.jsonl").read_bytes().splitlines()
    ]
    (dropped,) = [r for r in rejected if r["id"] == target]
    assert dropped["reason"] == "override.drop" and dropped["stage"] == "overrides"
    assert "dropped by cy" in dropped["detail"] and "answer is outdated" in dropped["detail"]
    assert rerun.manifest.totals.input_rows == 40


def test_force_keep_rescues_a_dropped_example_but_not_a_broken_one(tmp_path):
    rows = [*ROWS[:10], chat("Short?", "Yes."), {"messages": [{"role": "user", "content": "?"}]}]
    pipeline = workspace(tmp_path, rows)
    short, broken = content_id(rows[10]["messages"]), content_id(rows[11]["messages"])
    with WorkspaceDB(tmp_path) as store:
        store.set_override(short, "keep", "terse but correct")
        store.set_override(broken, "keep", "please")
    outcome = run_pipeline(pipeline)
    assert short in exported_ids(outcome)
    assert broken not in exported_ids(outcome)
    quality = next(s for s in outcome.manifest.stages if s.name == "quality")
    assert quality.metrics["rescued_by_override"] == 1


def test_runs_are_indexed_with_their_status(tmp_path):
    outcome = run_pipeline(workspace(tmp_path))
    with WorkspaceDB(tmp_path) as store:
        (run,) = store.runs()
    assert run["run_id"] == outcome.run_dir.name and run["status"] == "complete"
    assert run["pipeline"] == "ws"


def test_an_old_database_is_migrated_with_its_decisions(tmp_path):
    old = sqlite3.connect(tmp_path / "workspace.db")
    old.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    old.execute(
        "INSERT INTO overrides (example_id, action, reason, annotator, created_at) "
        "VALUES ('kept-before', 'keep', 'from v1', 'eve', '2026-01-01T00:00:00+00:00')"
    )
    old.commit()
    old.close()
    with WorkspaceDB(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS) >= 2
        assert store.overrides()["kept-before"].annotator == "eve"
        store.set_override("twin", "distinct", "not the same question")
        assert store.overrides()["twin"].action == "distinct"
