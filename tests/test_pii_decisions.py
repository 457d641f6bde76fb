"""Human PII span decisions: stored in workspace.db, applied on every rerun, reachable by CLI."""

from __future__ import annotations

import hashlib

import polars as pl
import pytest
from typer.testing import CliRunner

pytest.importorskip("presidio_analyzer")

from curate.cli.main import app
from curate.runs.pii_findings import run_findings
from curate.runs.runner import run_pipeline
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl

ROWS = [
    chat(
        "Hi, this is Dana Whitcombe. Is the Zorblax 2 tent back in stock?",
        "Hello Dana! The Zorblax 2 returns next week; write to stock@example.com for alerts.",
    ),
    chat("Do you ship to Canada?", "Yes, we ship to every province."),
]


@pytest.fixture
def workspace(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", ROWS)
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [validate, pii]\n")
    return tmp_path


def exported(run_dir) -> str:
    return "".join(
        (run_dir / "export" / f"{s}.jsonl").read_text() for s in ("train", "eval", "test")
    )


def test_not_pii_and_missed_spans_survive_reruns(workspace):
    first = run_pipeline(workspace / "p.yaml")
    found = run_findings(first.run_dir)
    dana = found.filter(pl.col("text") == "Dana Whitcombe")
    assert dana.height == 1 and dana["entity"][0] == "PERSON" and dana["kept"][0]
    example = dana["id"][0]
    assert "Zorblax" in exported(first.run_dir)

    with WorkspaceDB(workspace) as store:
        store.pii_marks.mark(example, "Dana Whitcombe", verdict="not_pii", note="a test user")
        store.pii_marks.mark(example, "Zorblax", verdict="pii", entity="PERSON")
    second = run_pipeline(workspace / "p.yaml")
    assert second.run_dir != first.run_dir, "decisions change the run's fingerprint"
    text = exported(second.run_dir)
    assert "Dana Whitcombe" in text and "Zorblax" not in text
    assert text.count("<PERSON> 2") == 2
    spans = run_findings(second.run_dir)
    assert set(spans.filter(pl.col("by") == "human")["text"]) == {"Zorblax"}
    pii = next(s for s in second.manifest.stages if s.name == "pii")
    assert pii.metrics["human_decisions_applied"] == 3  # one name removed, two spans added

    third = run_pipeline(workspace / "p.yaml")
    assert third.already_complete and exported(third.run_dir) == text

    with WorkspaceDB(workspace) as store:
        store.pii_marks.mark(example, "Dana Whitcombe", verdict="clear")
        standing = store.pii_marks.standing()
    assert [d.text for d in standing[example]] == ["Zorblax"]
    fourth = run_pipeline(workspace / "p.yaml")
    assert "Dana Whitcombe" not in exported(fourth.run_dir)


def test_decisions_fingerprint_is_unchanged_until_a_span_is_marked(tmp_path):
    with WorkspaceDB(tmp_path) as store:
        assert store.overrides_fingerprint() == hashlib.sha256().hexdigest()[:16]
        store.pii_marks.mark("abc", "Ana", verdict="not_pii")
        assert store.overrides_fingerprint() != hashlib.sha256().hexdigest()[:16]
        with pytest.raises(Exception, match="needs its entity type"):
            store.pii_marks.mark("abc", "Ana", verdict="pii")


def test_cli_lists_findings_and_marks_spans(workspace):
    outcome = run_pipeline(workspace / "p.yaml")
    run_dir = str(outcome.run_dir)
    cli = CliRunner()
    listing = cli.invoke(
        app, ["pii", "list", run_dir, "--entity", "EMAIL_ADDRESS"], terminal_width=200
    )
    assert listing.exit_code == 0, listing.output
    assert "1 findings" in listing.output and "stock@example.com" in listing.output
    example = run_findings(outcome.run_dir)["id"][0]

    marked = cli.invoke(
        app, ["pii", "mark", run_dir, example, "--text", "Zorblax", "--entity", "person"]
    )
    assert marked.exit_code == 0, marked.output
    with WorkspaceDB(workspace) as store:
        (decision,) = store.pii_marks.standing()[example]
    assert (decision.text, decision.verdict, decision.entity) == ("Zorblax", "pii", "PERSON")

    typo = cli.invoke(app, ["pii", "mark", run_dir, example, "--text", "Zorblux", "--not-pii"])
    assert typo.exit_code == 2 and "'Zorblux' does not occur in example" in typo.output
    both = cli.invoke(
        app, ["pii", "mark", run_dir, example, "--text", "Zorblax", "--not-pii", "--entity", "X"]
    )
    assert both.exit_code == 2 and "exactly one of" in both.output
    assert "Traceback" not in typo.output + both.output
