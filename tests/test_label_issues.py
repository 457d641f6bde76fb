"""label_issues: planted wrong teams are found with evidence; flag, drop, relabel and a person's
decisions behave as configured, on every rerun."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import polars as pl
import pytest
from pydantic import ValidationError

from curate.errors import CurateError
from curate.labels.fields import LabelField, read_labels, relabelled
from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline
from curate.stages.base import RunContext, StageResult
from curate.stages.label_issues import LabelIssuesConfig
from curate.workspace import WorkspaceDB
from curate.workspace.label_decisions import LabelDecisionStore
from tests.conftest import write_jsonl
from tests.label_rows import answer, planted_rows
from tests.stage_helpers import batch_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROWS, TRUTH = planted_rows(400, 40)  # ten wrong teams among 400 clean tickets
SPLITS = ("train", "eval", "test")


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose embedding cache holds the tickets, shared by this module's tests."""
    return tmp_path_factory.mktemp("label_cache")


@pytest.fixture(scope="module")
def batch(cache_home: Path) -> pl.DataFrame:
    return batch_of(cache_home, ROWS)


def run_config(config: LabelIssuesConfig, batch: pl.DataFrame, workspace: Path) -> StageResult:
    result = config.build().run(batch, RunContext(run_dir=workspace, workspace=workspace))
    out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert out == sorted(batch["row"].to_list())  # every row accounted for
    return result


def issues_by_line(result: StageResult) -> dict[int, list[dict]]:
    rows = pl.concat([result.kept, result.rejected], how="diagonal_relaxed")
    flagged = rows.filter(pl.col("label_issues").is_not_null())
    return {
        line: orjson.loads(issues)
        for line, issues in flagged.select("source_line", "label_issues").iter_rows()
    }


def test_planted_wrong_teams_are_flagged_with_the_true_team_and_evidence(batch, cache_home):
    result = run_config(LabelIssuesConfig(fields=["answer.team"]), batch, cache_home)
    assert result.rejected.height == 0 and result.kept.height == len(ROWS)  # flag keeps all
    found = issues_by_line(result)
    assert set(TRUTH) <= set(found)
    assert len(set(found) - set(TRUTH)) <= 2
    teams = {line: answer(row)["team"] for line, row in enumerate(ROWS, 1)}
    for line, true_team in TRUTH.items():
        (issue,) = found[line]
        assert issue["given"] == teams[line] and issue["suggested"] == true_team
        assert issue["confidence"] > issue["given_probability"]
        assert len(issue["neighbours"]) == 3
        for near in issue["neighbours"]:  # the evidence carries the suggested label
            near_line = int(near["source"].rsplit(" ", 1)[1])
            assert teams[near_line] == true_team and near_line not in TRUTH
    metrics = result.metrics
    assert metrics["answer.team.suspects"] == len(found) == metrics["answer.team.flagged"]
    assert metrics["answer.team.checked"] == len(ROWS)
    assert "answer.team: " in str(metrics["summary"])


def test_rerunning_the_stage_gives_identical_output(batch, cache_home):
    config = LabelIssuesConfig(fields=["answer.team"])
    first = run_config(config, batch, cache_home)
    second = run_config(config, batch, cache_home)
    assert first.kept.equals(second.kept) and first.metrics == second.metrics
    assert second.metrics["embedded"] == 0  # the cache answered every text


def test_drop_rejects_suspects_naming_the_suggested_label_and_a_neighbour(batch, cache_home):
    result = run_config(LabelIssuesConfig(fields=["answer.team"], action="drop"), batch, cache_home)
    rejected = {r["source_line"]: r for r in result.rejected.iter_rows(named=True)}
    assert set(TRUTH) <= set(rejected)
    line = min(TRUTH)
    row = rejected[line]
    assert row["reason"] == "label.suspect"
    assert f"suggests '{TRUTH[line]}'" in row["detail"] and "nearest" in row["detail"]
    assert row["related_id"] in set(batch["id"].to_list())
    assert result.metrics["answer.team.dropped"] == result.rejected.height


def test_relabel_rewrites_only_confident_suspects_and_flags_the_rest(batch, cache_home):
    config = LabelIssuesConfig(fields=["answer.team"], action="relabel", min_confidence=0.6)
    result = run_config(config, batch, cache_home)
    assert result.rejected.height == 0
    by_line = {r["source_line"]: r for r in result.kept.iter_rows(named=True)}
    relabelled_lines = []
    for line, issues in issues_by_line(result).items():
        (issue,) = issues
        team = answer(by_line[line])["team"]
        if issue["confidence"] >= 0.6:
            assert issue["decision"] == "relabel" and issue["decided_by"] == "label_issues"
            assert team == issue["suggested"]
            relabelled_lines.append(line)
        else:
            assert "decision" not in issue and team == issue["given"]
    assert relabelled_lines and result.metrics["answer.team.relabelled"] == len(relabelled_lines)
    # the rewritten answer keeps its other keys and its JSON shape
    row = by_line[relabelled_lines[0]]
    assert set(answer(row)) == {"team", "priority"}


def test_relabel_without_min_confidence_is_refused():
    with pytest.raises(ValidationError, match="min_confidence"):
        LabelIssuesConfig(fields=["answer.team"], action="relabel")
    with pytest.raises(ValidationError):
        LabelIssuesConfig(fields=["team"])  # neither answer.<key> nor meta.<key>


def test_a_label_field_no_row_carries_is_a_clear_error(tmp_path: Path):
    write_jsonl(tmp_path / "rows.jsonl", ROWS[:20])
    (tmp_path / "pipeline.yaml").write_text(
        "inputs: [rows.jsonl]\nstages:\n  - label_issues: {fields: [answer.department]}\n"
    )
    with pytest.raises(CurateError) as caught:
        run_pipeline(tmp_path / "pipeline.yaml")
    message = str(caught.value)
    assert "no row has a label at answer.department" in message
    assert "label_issues.fields" in message and "hint: name a field" in message


def test_too_few_rows_per_class_is_a_notice_and_nothing_is_flagged(tmp_path: Path):
    rows = [r for r in ROWS[:60] if answer(r)["team"] in ("billing", "sales")][:8]
    rows += [r for r in ROWS if answer(r)["team"] == "account"][:2]
    batch = batch_of(tmp_path, rows)
    notes: list[str] = []
    ctx = RunContext(run_dir=tmp_path, workspace=tmp_path, log=notes.append)
    result = LabelIssuesConfig(fields=["answer.team"]).build().run(batch, ctx)
    assert result.kept.height == len(rows) and result.rejected.height == 0
    assert not result.kept["label_suspect"].any()
    notice = str(result.metrics["answer.team.notice"])
    assert "fewer than 5 rows are not checked: 'account' (2)" in notice
    assert any("label_issues: answer.team:" in n for n in notes)


def test_each_of_several_label_fields_is_checked(batch, cache_home):
    config = LabelIssuesConfig(fields=["answer.team", "answer.priority"])
    result = run_config(config, batch, cache_home)
    for field in ("answer.team", "answer.priority"):
        assert result.metrics[f"{field}.checked"] == len(ROWS)
        assert f"{field}: " in str(result.metrics["summary"])
    fields = {i["field"] for issues in issues_by_line(result).values() for i in issues}
    assert "answer.team" in fields


def test_meta_labels_are_read_and_rewritten_in_the_source_fields(tmp_path: Path):
    rows = [
        {"instruction": "Reset my password", "output": "Use the link.", "category": "account"},
        {"instruction": "Where is my parcel?", "output": "On its way.", "category": 7},
        {"instruction": "Hi", "output": "Hello."},
    ]
    batch = batch_of(tmp_path, rows)
    field = LabelField.parse("meta.category")
    assert read_labels(batch, field) == ["account", "7", None]
    changed = relabelled(batch, field, {batch["row"][0]: "billing", batch["row"][1]: "8"})
    assert read_labels(changed, field) == ["billing", "8", None]
    assert orjson.loads(changed["meta"][1])["category"] == 8  # a number stays a number


def ticket_workspace(root: Path, cache_home: Path) -> Path:
    """A workspace over the planted tickets with a label_issues pipeline and a warm cache."""
    root.mkdir()
    shutil.copytree(cache_home / "cache", root / "cache")
    write_jsonl(root / "tickets.jsonl", ROWS)
    (root / "pipeline.yaml").write_text(
        "name: labels\ninputs: [tickets.jsonl]\nstages:\n  - validate\n"
        "  - label_issues: {fields: [answer.team]}\n"
    )
    return root


def test_decisions_apply_on_every_rerun_and_rerun_what_they_change(tmp_path, cache_home):
    workspace = ticket_workspace(tmp_path / "ws", cache_home)
    first = run_pipeline(workspace / "pipeline.yaml")
    stage = RunLayout(first.run_dir).require_stage("label_issues")
    frame = pl.read_parquet(stage.kept)
    lines = sorted(TRUTH)
    ids = dict(frame.select("source_line", "id").iter_rows())
    drop_line, relabel_line, keep_line = lines[0], lines[1], lines[2]
    with WorkspaceDB(workspace) as db:
        store = LabelDecisionStore(db)
        store.decide(ids[drop_line], "answer.team", "drop", note="spam")
        store.decide(ids[relabel_line], "answer.team", "relabel", label=TRUTH[relabel_line])
        store.decide(ids[keep_line], "answer.team", "keep")
    again = run_pipeline(workspace / "pipeline.yaml")
    assert again.run_dir != first.run_dir  # the decisions are part of the fingerprint
    for outcome in (again, run_pipeline(workspace / "pipeline.yaml", out=tmp_path / "third")):
        stage = RunLayout(outcome.run_dir).require_stage("label_issues")
        rejected = pl.read_parquet(stage.rejected)
        assert rejected["source_line"].to_list() == [drop_line]
        assert rejected["reason"].to_list() == ["label.dropped"]
        assert "spam" in rejected["detail"][0]
        kept = {r["source_line"]: r for r in pl.read_parquet(stage.kept).iter_rows(named=True)}
        assert answer(kept[relabel_line])["team"] == TRUTH[relabel_line]
        keep_issue = orjson.loads(kept[keep_line]["label_issues"])[0]
        assert keep_issue["decision"] == "keep" and answer(kept[keep_line]) == answer(
            ROWS[keep_line - 1]
        )
        splits = [(outcome.run_dir / "export" / f"{s}.jsonl").read_text() for s in SPLITS]
        exported = [json.loads(line) for text in splits for line in text.splitlines()]
        (row,) = [r for r in exported if r["curate_id"] == ids[relabel_line]]
        assert answer(row)["team"] == TRUTH[relabel_line]  # relabelled in the export too
        assert ids[drop_line] not in {r["curate_id"] for r in exported}
