"""Spot-audits: seeded samples, verdicts committed at once, and the gate that stops export."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from curate.audit import audit_status, create_audit, latest_audit, record_verdict, sample_ids
from curate.cli.main import app
from curate.runs.runner import run_pipeline
from curate.stages.audit_gate import AuditGateError
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl

cli = CliRunner()
TOPICS = ["billing", "shipping", "returns"]


def gated_workspace(tmp_path, rows: int = 200):
    data = [
        chat(
            f"Question {i} about {TOPICS[i % 3]}?",
            f"A helpful answer, number {i}, about {TOPICS[i % 3]}.",
            topic=TOPICS[i % 3],
        )
        for i in range(rows)
    ]
    write_jsonl(tmp_path / "d.jsonl", data)
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "name: gated\ninputs: [d.jsonl]\nstages: [validate, exact_dedup, split, audit_gate]\n"
    )
    return path


def first_run(pipeline):
    with pytest.raises(AuditGateError, match="no spot-audit yet"):
        run_pipeline(pipeline)
    (run_dir,) = (pipeline.parent / "runs").iterdir()
    return run_dir


def test_sample_is_seeded_stratified_and_from_train_only(tmp_path):
    run_dir = first_run(gated_workspace(tmp_path))
    with WorkspaceDB(tmp_path) as store:
        audit = create_audit(store, run_dir, pipeline="gated", size=30, seed=1, stratify="topic")
        again = create_audit(store, run_dir, pipeline="gated", size=30, seed=1, stratify="topic")
        other = create_audit(store, run_dir, pipeline="gated", size=30, seed=2)
    ids = [i.example_id for i in audit.items]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert again.audit_id == audit.audit_id and [i.example_id for i in again.items] == ids
    assert [i.example_id for i in other.items] != ids
    from curate.audit import train_split

    train = train_split(run_dir)
    assert set(ids) <= set(train["id"])
    topic_of = dict(zip(train["id"], train["meta"].str.json_path_match("$.topic"), strict=True))
    counts = {t: sum(topic_of[i] == t for i in ids) for t in TOPICS}
    assert counts == {"billing": 10, "shipping": 10, "returns": 10}


def test_sample_ids_allocates_by_largest_remainder(tmp_path):
    import polars as pl

    frame = pl.DataFrame(
        {"id": [f"{i:04d}" for i in range(10)], "meta": ['{"t": "a"}'] * 7 + ['{"t": "b"}'] * 3}
    )
    chosen = sample_ids(frame, 5, seed=0, stratify="t")
    assert sum(c < "0007" for c in chosen) == 4 and len(chosen) == 5


def test_gate_passes_at_95_percent_and_fails_below_naming_examples(tmp_path):
    pipeline = gated_workspace(tmp_path)
    run_dir = first_run(pipeline)
    with WorkspaceDB(tmp_path, annotator="dee") as store:
        audit = create_audit(store, run_dir, pipeline="gated")
        items = audit.items
        for item in items[:-3]:
            record_verdict(store, audit.audit_id, item.example_id, "pass")
        record_verdict(store, audit.audit_id, items[-3].example_id, "skip")
        with pytest.raises(AuditGateError, match=r"in progress \(47/50"):
            run_pipeline(pipeline)
        record_verdict(store, audit.audit_id, items[-3].example_id, "pass")
        record_verdict(store, audit.audit_id, items[-2].example_id, "fail", "wrong refund window")
        record_verdict(store, audit.audit_id, items[-1].example_id, "fail")
        status = audit_status(store, audit.audit_id)
        assert status.pass_rate == 0.96 and status.outcome == "pass"
        assert set(store.overrides()) == {items[-2].example_id, items[-1].example_id}
    outcome = run_pipeline(pipeline)  # the two fails are now drop overrides
    assert outcome.manifest.totals.rejected == 2
    train = (outcome.run_dir / "export" / "train.jsonl").read_text()
    assert items[-2].example_id not in train and items[-1].example_id not in train
    gate = next(s for s in outcome.manifest.stages if s.name == "audit_gate")
    assert gate.metrics["pass_rate"] == 0.96

    with WorkspaceDB(tmp_path) as store:
        record_verdict(store, audit.audit_id, items[0].example_id, "fail", "made-up policy")
    with pytest.raises(AuditGateError) as caught:
        run_pipeline(pipeline)
    message = str(caught.value)
    assert "pass rate 94.0% (47/50) is under 95%" in message
    for item in (items[0], items[-2], items[-1]):
        assert item.example_id in message
    assert "(wrong refund window)" in message and caught.value.exit_code == 4


def test_changing_a_fail_to_pass_withdraws_its_drop(tmp_path):
    run_dir = first_run(gated_workspace(tmp_path))
    with WorkspaceDB(tmp_path) as store:
        audit = create_audit(store, run_dir, pipeline="gated", size=5)
        target = audit.items[0].example_id
        record_verdict(store, audit.audit_id, target, "fail")
        assert target in store.overrides()
        record_verdict(store, audit.audit_id, target, "pass")
        assert target not in store.overrides()
        assert latest_audit(store, pipeline="gated").items[0].verdict == "pass"


def test_audit_cli_sample_and_status(tmp_path):
    run_dir = first_run(gated_workspace(tmp_path))
    result = cli.invoke(app, ["audit", "sample", str(run_dir), "--n", "10"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "0/10 reviewed" in result.output and "in progress" in result.output
    with WorkspaceDB(tmp_path) as store:
        audit = latest_audit(store, run_id=run_dir.name)
        for item in audit.items:
            record_verdict(store, audit.audit_id, item.example_id, "pass")
    result = cli.invoke(app, ["audit", "status", str(run_dir)], terminal_width=200)
    assert "10/10 reviewed" in result.output and "pass rate 100.0%" in result.output
    missing = cli.invoke(app, ["audit", "status", str(tmp_path)])
    assert missing.exit_code == 2 and "not a run folder" in missing.output


def test_override_cli(tmp_path):
    result = cli.invoke(
        app, ["override", "abc123", "drop", "--reason", "spam", "--workspace", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with WorkspaceDB(tmp_path) as store:
        assert store.overrides()["abc123"].reason == "spam"
    bad = cli.invoke(app, ["override", "abc123", "delete", "--workspace", str(tmp_path)])
    assert bad.exit_code == 2 and "keep, drop, distinct or clear" in bad.output


def test_a_new_audit_carries_verdicts_of_the_same_pipeline_but_not_skips(tmp_path):
    run_dir = first_run(gated_workspace(tmp_path))
    with WorkspaceDB(tmp_path, annotator="dee") as store:
        first = create_audit(store, run_dir, pipeline="gated", size=5)
        passed, failed, skipped = (item.example_id for item in first.items[:3])
        record_verdict(store, first.audit_id, passed, "pass", "fine")
        record_verdict(store, first.audit_id, failed, "fail", "wrong team")
        record_verdict(store, first.audit_id, skipped, "skip")
        overrides_before = store.overrides()

        every = create_audit(store, run_dir, pipeline="gated", size=500, seed=1)
        carried = {i.example_id: i for i in every.items if i.carried_from}
        assert set(carried) == {passed, failed}
        assert (carried[passed].verdict, carried[passed].note) == ("pass", "fine")
        assert carried[failed].verdict == "fail" and carried[failed].carried_from == first.audit_id
        assert every.carried == 2 and store.overrides() == overrides_before

        other = create_audit(store, run_dir, pipeline="other", size=500, seed=2)
        assert other.carried == 0  # another pipeline's audits are not this one's
