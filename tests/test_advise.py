"""curate advise: every checklist item's pass, fail and unknown branch, the ROI ladder, the
recommendation, and the CLI (table, --json, exit 0), over run folders built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from curate.advise import advise
from curate.advise.advice import ladder, recommend
from curate.advise.checks import Check
from curate.advise.results import read_eval_results
from curate.audit import create_audit, record_verdict
from curate.cli.main import app
from curate.errors import CurateError
from curate.evaluate.config import load_eval_config
from curate.runs.manifest import Manifest
from curate.runs.runner import run_pipeline
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl

TEAMS = ("billing", "technical", "account")
SCHEMA = (
    "  json_schema:\n    type: object\n    properties:\n"
    "      team: {enum: [billing, technical, account, sales]}\n"
)


def ticket(i: int, team: str) -> dict[str, Any]:
    return chat(f"Ticket {i} about {team}.", orjson.dumps({"team": team}).decode())


def tickets(per_team: int, teams: tuple[str, ...] = TEAMS) -> list[dict[str, Any]]:
    return [ticket(i, t) for t in teams for i in range(per_team)]


def make_run(
    tmp_path: Path,
    *,
    train: list[dict[str, Any]] | None = None,
    test: int = 60,
    stages: dict[str, dict[str, Any]] | None = None,
    manifest: bool = True,
) -> Path:
    """runs/r with an export and a manifest whose stages (name -> metrics) ran."""
    run = tmp_path / "runs" / "r"
    (run / "export").mkdir(parents=True)
    (run / "stages").mkdir()
    write_jsonl(run / "export" / "train.jsonl", train if train is not None else tickets(120))
    if test:
        write_jsonl(run / "export" / "test.jsonl", tickets(1)[:1] * test)
    if manifest:
        (run / "manifest.json").write_text(manifest_of(stages or {}))
    return run


def manifest_of(stages: dict[str, dict[str, Any]]) -> str:
    stage = {"fingerprint": "f", "input": 1, "kept": 1, "rejected": 0, "seconds": 0.0}
    entries = [
        {"index": i, "name": n, "cached": False, "metrics": m, **stage}
        for i, (n, m) in enumerate(stages.items())
    ]
    config = {"stages": [{"stage": n, "threshold": 0.9} for n in stages]}
    return Manifest.model_validate(
        {
            "curate_version": "0",
            "run_id": "r",
            "created_at": "2026-01-01T00:00:00+00:00",
            "pipeline": {"path": "p.yaml", "sha256": "0", "name": "p", "config": config},
            "inputs": [],
            "stages": entries,
            "split": {"seed": 0, "sizes": {}},
            "export": {"format": "chat", "fingerprint": "f", "files": []},
            "totals": {"input_rows": 1, "train": 1, "eval": 0, "test": 0, "rejected": 0},
            "versions": {},
        }
    ).model_dump_json()


GATED = {
    "audit_gate": {"audit_id": "a1", "pass_rate": 0.96, "reviewed": 50},
    "agreement_gate": {"metric": "percent", "agreement": 0.93, "items": 40},
}


def write_results(
    run: Path, scores: dict[str, Any], *, rows: int = 60, of: Path | None = None, limit=None
) -> Path:
    """eval_results.json as curate eval writes it (primary metric exact_match)."""
    variants = {
        name: {"metrics": {"primary": "exact_match", "exact_match": score}}
        for name, score in scores.items()
    }
    config = {"run": str(of or run), "limit": limit}
    path = run / "eval" / "eval_results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps({"config": config, "rows": rows, "variants": variants}))
    return path


def eval_file(tmp_path: Path, run: Path, extra: str = "") -> Path:
    path = tmp_path / "eval.yaml"
    head = f"run: {run}\ntask:\n  type: json\n  fields: [team]\n  label_field: team\n"
    path.write_text(head + extra)
    return path


def checks_of(path: Path) -> dict[str, Check]:
    return {c.name: c for c in advise(load_eval_config(path)).checks}


ALL = {"prompted": 0.30, "few_shot": 0.45, "tuned": 0.70}


def test_every_check_passes_on_a_gated_measured_project(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    write_results(run, ALL)
    advice = advise(load_eval_config(eval_file(tmp_path, run, "motivation: strict_format\n")))
    assert {c.name: c.status for c in advice.checks} == dict.fromkeys(
        ["eval_set", "baselines", "motivation", "audited", "set_size", "expected_gain"], "pass"
    )
    by = {c.name: c for c in advice.checks}
    assert "+25.0 points" in by["expected_gain"].evidence
    assert "few_shot 45.0%" in by["baselines"].evidence
    assert "0.96 of 50 >= 0.9" in by["audited"].evidence
    assert "agreement (percent) 0.93 >= 0.9" in by["audited"].evidence
    assert advice.verdict == "fine_tune" and advice.fix_first is None
    assert (advice.ladder_step, advice.next_step) == ("fine-tune", None)


def test_eval_set_fails_under_fifty_cases_and_without_a_test_split(tmp_path):
    run = make_run(tmp_path / "a", test=49, stages=GATED)
    check = checks_of(eval_file(tmp_path / "a", run))["eval_set"]
    assert check.status == "fail" and "49 test rows" in check.evidence
    assert "collect 1 more" in check.fix
    run = make_run(tmp_path / "b", test=0, stages=GATED)
    assert checks_of(eval_file(tmp_path / "b", run))["eval_set"].status == "fail"


def test_baselines_unknown_without_results_and_for_another_run(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    path = eval_file(tmp_path, run)
    check = checks_of(path)["baselines"]
    assert (check.status, check.fix) == ("unknown", "run curate eval")
    write_results(run, ALL, of=tmp_path / "elsewhere")
    check = checks_of(path)["baselines"]
    assert check.status == "unknown" and "not " + str(run) in check.evidence


def test_baselines_fail_when_few_shot_is_missing_or_too_few_rows_were_scored(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    path = eval_file(tmp_path, run)
    write_results(run, {"prompted": 0.3})
    check = checks_of(path)["baselines"]
    assert check.status == "fail" and "few_shot not measured" in check.evidence
    write_results(run, {"prompted": 0.3, "few_shot": 0.4}, rows=20, limit=20)
    check = checks_of(path)["baselines"]
    assert check.status == "fail" and "limit 20" in check.evidence


def test_motivation_unknown_pass_and_fail(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    assert checks_of(eval_file(tmp_path, run))["motivation"].status == "unknown"
    passed = checks_of(eval_file(tmp_path, run, "motivation: latency_cost\n"))["motivation"]
    assert passed.status == "pass"
    advice = advise(load_eval_config(eval_file(tmp_path, run, "motivation: knowledge\n")))
    failed = next(c for c in advice.checks if c.name == "motivation")
    assert failed.status == "fail" and "'knowledge' is not one of the five" in failed.evidence
    assert advice.verdict == "do_not" and "retrieval" in advice.recommendation


def test_audit_fails_without_gate_or_workspace_audit_and_is_unknown_unfinished(tmp_path):
    run = make_run(tmp_path / "a", stages={"validate": {}})
    check = checks_of(eval_file(tmp_path / "a", run))["audited"]
    assert check.status == "fail" and "no audit_gate, no spot-audit" in check.evidence
    assert "curate audit sample" in check.fix
    run = make_run(tmp_path / "b", manifest=False)
    assert checks_of(eval_file(tmp_path / "b", run))["audited"].status == "unknown"


def test_a_spot_audit_in_workspace_db_counts_when_the_pipeline_has_no_gate(tmp_path):
    rows = [chat(f"Question {i}?", f"A helpful answer number {i}.") for i in range(80)]
    write_jsonl(tmp_path / "d.jsonl", rows)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("name: plain\ninputs: [d.jsonl]\nstages: [validate, split]\n")
    run = run_pipeline(pipeline).run_dir
    path = eval_file(tmp_path, run)
    with WorkspaceDB(tmp_path) as store:
        audit = create_audit(store, run, pipeline="plain", size=10)
        for item in audit.items[:9]:
            record_verdict(store, audit.audit_id, item.example_id, "pass")
    check = checks_of(path)["audited"]
    assert check.status == "fail" and "in progress" in check.evidence
    assert "curate tui" in check.fix
    with WorkspaceDB(tmp_path) as store:
        record_verdict(store, audit.audit_id, audit.items[9].example_id, "pass")
    check = checks_of(path)["audited"]
    assert check.status == "pass" and "100.0% of 10 reviewed" in check.evidence


def test_per_class_counts_fail_short_classes_including_ones_the_schema_allows(tmp_path):
    run = make_run(tmp_path, train=tickets(120) + tickets(40, ("sales",)), stages=GATED)
    check = checks_of(eval_file(tmp_path, run, SCHEMA))["set_size"]
    assert check.status == "fail"
    assert "account 120, billing 120, sales 40, technical 120" in check.evidence
    assert check.fix == "add examples: sales +60"
    run2 = make_run(tmp_path / "b", train=tickets(120), stages=GATED)
    check = checks_of(eval_file(tmp_path / "b", run2, SCHEMA))["set_size"]
    assert "sales 0" in check.evidence and "sales +100" in check.fix


def test_set_size_by_task_kind_totals_and_ranges(tmp_path):
    run = make_run(tmp_path, train=tickets(100), stages=GATED)  # 300 rows
    extraction = checks_of(eval_file(tmp_path, run, "task_kind: extraction\n"))["set_size"]
    assert extraction.status == "fail" and extraction.fix == "add examples: train +200"
    style = checks_of(eval_file(tmp_path, run, "task_kind: style\n"))["set_size"]
    assert style.status == "pass" and "above the range" in style.evidence
    distill = checks_of(eval_file(tmp_path, run, "task_kind: distillation\n"))["set_size"]
    assert distill.status == "fail" and "1000+ examples" in distill.evidence


def test_set_size_unknown_without_a_kind_or_a_label(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    generation = tmp_path / "gen.yaml"
    generation.write_text(f"run: {run}\ntask: {{type: generation}}\n")
    check = checks_of(generation)["set_size"]
    assert check.status == "unknown" and "task_kind" in check.fix
    unlabelled = tmp_path / "unlabelled.yaml"
    unlabelled.write_text(f"run: {run}\ntask: {{type: json}}\ntask_kind: classification\n")
    assert checks_of(unlabelled)["set_size"].status == "unknown"


def test_classification_task_counts_the_answer_labels(tmp_path):
    train = [chat(f"Ticket {i}", team) for team in ("Billing", "billing.") for i in range(60)]
    run = make_run(tmp_path, train=train, stages=GATED)
    path = tmp_path / "cls.yaml"
    path.write_text(f"run: {run}\ntask: {{type: classification}}\n")
    check = checks_of(path)["set_size"]
    assert check.status == "pass" and "billing 120" in check.evidence


def test_expected_gain_unknown_pass_and_fail(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    path = eval_file(tmp_path, run, "motivation: strict_format\n")
    write_results(run, {"prompted": 0.3, "few_shot": 0.45})
    advice = advise(load_eval_config(path))
    gain = next(c for c in advice.checks if c.name == "expected_gain")
    assert gain.status == "unknown" and "--tuned" in gain.fix
    assert advice.verdict == "try_it" and advice.fix_first.startswith("expected_gain")
    write_results(run, {"prompted": 0.3, "few_shot": 0.45, "tuned": 0.55})
    advice = advise(load_eval_config(path))
    gain = next(c for c in advice.checks if c.name == "expected_gain")
    assert gain.status == "fail" and "+10.0 points, under +15" in gain.evidence
    assert advice.verdict == "do_not" and advice.recommendation.startswith("Do not fine-tune")


def test_ladder_climbs_with_what_was_measured(tmp_path):
    run = make_run(tmp_path)
    assert ladder(None)[0] == "prompting (not measured yet)"
    steps = []
    for scores in ({"prompted": 0.1}, {"prompted": 0.1, "few_shot": 0.2}, ALL):
        steps.append(ladder(read_eval_results(write_results(run, scores))))
    assert steps == [
        ("prompting", "few-shot"),
        ("few-shot", "RAG/tools (when the gap is knowledge), else fine-tune"),
        ("fine-tune", None),
    ]


def test_fix_first_is_the_first_check_not_passed_in_checklist_order():
    checks = [
        Check("eval_set", "pass", ""),
        Check("baselines", "unknown", "", "run curate eval"),
        Check("motivation", "pass", ""),
        Check("audited", "fail", "", "draw a spot-audit"),
        Check("set_size", "fail", "", "add examples"),
        Check("expected_gain", "unknown", "", "run curate eval"),
    ]
    verdict, line = recommend(checks)
    assert verdict == "fix_first"
    assert line == "Not yet: audited, set_size failed; start with baselines (run curate eval)."
    checks[3].status = checks[4].status = "pass"
    verdict, line = recommend(checks)
    assert verdict == "try_it"
    unknown = "Nothing fails, but baselines, expected_gain unknown"
    assert line == unknown + "; start with baselines (run curate eval)."


def test_results_with_intervals_are_read_whatever_their_shape(tmp_path):
    path = tmp_path / "eval_results.json"
    variants = {
        "prompted": {"metrics": {"primary": "acc", "acc": 0.5, "acc_ci": [0.4, 0.6]}},
        "few_shot": {"metrics": {"primary": "acc", "acc": {"value": 0.6, "ci": [0.5, 0.7]}}},
        "tuned": {
            "metrics": {"primary": "acc", "acc": 0.8, "ci": {"acc": {"low": 0.7, "high": 0.9}}}
        },
        "broken": {"metrics": {"primary": "acc", "acc": "n/a"}},
        "odd": "not a variant",
    }
    path.write_bytes(orjson.dumps({"variants": variants, "rows": "?", "config": None}))
    found = read_eval_results(path)
    assert set(found.variants) == {"prompted", "few_shot", "tuned"}
    assert found.variants["few_shot"].shown() == "60.0% [50.0%, 70.0%]"
    assert found.variants["tuned"].interval == (0.7, 0.9)
    assert found.gain_points() == pytest.approx(20.0)
    assert found.rows is None and found.run is None
    path.write_text("{not json")
    with pytest.raises(CurateError, match="rerun curate eval"):
        read_eval_results(path)


def test_cli_prints_the_checklist_and_json_and_exits_0(tmp_path):
    run = make_run(tmp_path, stages=GATED)
    write_results(run, {"prompted": 0.3, "few_shot": 0.45})
    path = eval_file(tmp_path, run, "motivation: strict_format\n")
    result = CliRunner().invoke(app, ["advise", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "expected_gain" in result.output and "unknown" in result.output
    assert "ROI ladder (prompting -> few-shot -> RAG/tools -> fine-tune): on few-shot" in (
        result.output
    )
    assert "Fix first: expected_gain" in result.output
    result = CliRunner().invoke(app, ["advise", str(path), "--json"])
    assert result.exit_code == 0
    data = orjson.loads(result.output)
    assert data["verdict"] == "try_it" and data["ladder_step"] == "few-shot"
    assert [c["status"] for c in data["checks"]].count("pass") == 5


def test_cli_bad_eval_file_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "eval.yaml"
    path.write_text(f"run: {tmp_path}\ntask_kind: essay\n")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert result.exit_code == 2
    assert "task_kind" in result.output and "Traceback" not in result.output
    path.write_text(f"run: {tmp_path / 'missing'}\n")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert result.exit_code == 2 and "run folder not found" in result.output
