"""Whole runs whose LLM stage ended with error rows or a budget stop: errors are not answers
(never reused, asked again, a non-zero exit over max_error_share), and rows the judge never
saw are named in report.md and exported or held back as on_budget_stop says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from curate.cli.main import ERROR_ROWS_EXIT, app
from curate.runs.runner import run_pipeline
from tests.conftest import chat, write_jsonl
from tests.llm_servers import FakeLLMServer, default_answer, default_teacher

KEY = "sk-ant-test-error-rows-0123456789"
MESSAGES = "/v1/messages"
PIPELINE = """\
name: judged
inputs: [data.jsonl]
stages:
  - validate
  - {stage}:
      send_unredacted: true
      llm: {{model: {model}, base_url: "{url}", max_retries: 0, validation_retries: 1{llm}}}
{options}
  - split: {{seed: 3}}
"""


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def workspace(
    tmp_path: Path, server: FakeLLMServer, stage: str = "judge", llm: str = "", **options: Any
) -> Path:
    rows = [chat(f"Question {i}?", f"A correct answer number {i}.") for i in range(6)]
    rows.append(chat("Capital of France?", "WRONG: it is Berlin."))
    write_jsonl(tmp_path / "data.jsonl", rows)
    model = "claude-haiku-4-5" if stage == "judge" else "claude-sonnet-4-5"
    lines = "\n".join(f"      {key}: {value}" for key, value in options.items())
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        PIPELINE.format(stage=stage, model=model, url=server.url, llm=llm, options=lines)
    )
    return path


def judge_breaks_on(*markers: str) -> Any:
    """A judge whose answers break the schema for examples holding any of ``markers``."""

    def answer(text: str, criteria: list[str]) -> Any:
        if any(marker in text for marker in markers):
            return "I cannot answer in that format."
        return default_answer(text, criteria)

    return answer


def exported(run_dir: Path) -> dict[str, list[dict[str, Any]]]:
    files = {}
    for name in ("train", "eval", "test", "rejected"):
        lines = (run_dir / "export" / f"{name}.jsonl").read_bytes().splitlines()
        files[name] = [orjson.loads(line) for line in lines]
    return files


def stage_entry(outcome: Any, name: str) -> Any:
    return next(s for s in outcome.manifest.stages if s.name == name)


def test_judge_errors_are_asked_again_until_answered_and_never_reused(tmp_path, server):
    path = workspace(tmp_path, server)
    server.answer = judge_breaks_on("Question 0?", "Question 1?")
    broken = run_pipeline(path)
    assert (
        broken.too_many_errors
        and "judge: 2 of 7 rows ended as errors" in (broken.too_many_errors[0])
    )
    assert [r["reason"] for r in exported(broken.run_dir)["rejected"]].count("judge.error") == 2
    first_calls = server.count(MESSAGES)
    assert first_calls == 5 + 2 * 2  # five answers; two rows asked twice each

    server.answer = default_answer  # the server is fixed
    fresh = run_pipeline(path, out=tmp_path / "fresh")  # nothing of the broken run is reused
    assert not fresh.already_complete and not fresh.too_many_errors
    assert server.count(MESSAGES) == first_calls + 2  # only the two error rows are asked
    judge = stage_entry(fresh, "judge")
    assert judge.cached is False and judge.metrics["cache_hits"] == 5
    assert [r["reason"] for r in exported(fresh.run_dir)["rejected"]] == ["judge.bad"]
    assert (
        fresh.manifest.totals.train + fresh.manifest.totals.eval + fresh.manifest.totals.test == 6
    )
    assert not stage_entry(fresh, "split").cached  # the split saw the newly judged rows

    again = run_pipeline(path)  # the broken run's own folder: its judge stage is not finished
    assert not again.already_complete
    assert server.count(MESSAGES) == first_calls + 2  # answered from the cache
    assert [r["reason"] for r in exported(again.run_dir)["rejected"]] == ["judge.bad"]
    assert run_pipeline(path).already_complete  # answers, not errors: now it is finished


def test_a_run_with_error_rows_exits_non_zero_unless_max_error_share_accepts_them(tmp_path, server):
    server.answer = judge_breaks_on("Question 0?")
    path = workspace(tmp_path, server)
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == ERROR_ROWS_EXIT, result.output
    assert "judge: 1 of 7 rows ended as errors" in result.output
    assert (tmp_path / "runs").is_dir() and list((tmp_path / "runs").glob("*/export/report.md"))

    accepting = workspace(tmp_path, server, max_error_share=0.2)
    result = CliRunner().invoke(app, ["run", str(accepting)])
    assert result.exit_code == 0, result.output
    outcome = run_pipeline(accepting)  # errors are never finished: asked again, still broken
    assert not outcome.already_complete and not outcome.too_many_errors
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "1 error rows, asked again on the next run" in report


def test_errors_kept_flagged_are_errors_too(tmp_path, server):
    server.answer = judge_breaks_on("Question 2?")
    path = workspace(tmp_path, server, on_error="keep")
    outcome = run_pipeline(path)
    assert outcome.too_many_errors  # kept, but not an answer
    server.answer = default_answer
    assert not run_pipeline(path).too_many_errors
    assert server.count(MESSAGES) == 6 + 2 + 1


def test_distill_errors_are_asked_again_on_the_next_run(tmp_path, server):
    def teacher(text: str) -> dict[str, Any]:
        return {"answer": ""} if "Question 3?" in text else default_teacher(text)

    server.teacher = teacher
    path = workspace(tmp_path, server, stage="distill")
    broken = run_pipeline(path)
    assert "distill: 1 of 7 rows ended as errors" in broken.too_many_errors[0]
    calls = server.count(MESSAGES)

    server.teacher = default_teacher
    fixed = run_pipeline(path)
    assert not fixed.too_many_errors and fixed.manifest.totals.rejected == 0
    assert server.count(MESSAGES) == calls + 1
    answers = [
        r["messages"][-1]["content"] for rows in exported(fixed.run_dir).values() for r in rows
    ]
    assert "Teacher answer to: Question 3?" in answers


# each call bills 1000 input + 100 output tokens; one call fits the budget, two do not
BUDGET = (
    ", budget_usd: 0.004, max_concurrency: 1, prices: {input_per_mtok: 1.0, output_per_mtok: 5.0}"
)


def test_a_budget_stop_names_the_unjudged_rows_in_the_report(tmp_path, server):
    outcome = run_pipeline(workspace(tmp_path, server, llm=BUDGET))
    judge = stage_entry(outcome, "judge")
    unjudged = int(judge.metrics["unasked_rows"])
    assert unjudged == 7 - server.count(MESSAGES) and unjudged >= 5
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "## Not seen by judge (budget stop)" in report
    assert f"**{unjudged}** of 7 rows were not judged: exported in the splits" in report
    named = [line for line in report.splitlines() if line.startswith("- data.jsonl line ")]
    assert len(named) == unjudged
    exported_rows = sum(
        len(rows) for name, rows in exported(outcome.run_dir).items() if name != "rejected"
    )
    assert exported_rows >= unjudged  # kept: exported as they were
    assert not outcome.too_many_errors  # a budget stop is a choice, not an error


def test_a_budget_stop_can_hold_the_unjudged_rows_back(tmp_path, server):
    outcome = run_pipeline(workspace(tmp_path, server, llm=BUDGET, on_budget_stop="hold_back"))
    judge = stage_entry(outcome, "judge")
    unjudged = int(judge.metrics["unasked_rows"])
    files = exported(outcome.run_dir)
    held = [r for r in files["rejected"] if r["reason"] == "judge.not_judged"]
    assert len(held) == unjudged >= 5
    assert all("budget_usd 0.004 ran out first" in r["detail"] for r in held)
    held_ids = {r["id"] for r in held}
    for name in ("train", "eval", "test"):
        assert not held_ids & {r["curate_id"] for r in files[name]}
    totals = outcome.manifest.totals
    assert totals.train + totals.eval + totals.test + totals.rejected == 7
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "held back as `judge.not_judged`" in report


def test_a_distill_budget_stop_can_hold_the_unanswered_rows_back(tmp_path, server):
    path = workspace(tmp_path, server, stage="distill", llm=BUDGET, on_budget_stop="hold_back")
    outcome = run_pipeline(path)
    held = [
        r for r in exported(outcome.run_dir)["rejected"] if r["reason"] == "distill.not_distilled"
    ]
    assert len(held) == int(stage_entry(outcome, "distill").metrics["unasked_rows"]) >= 5
    assert all("not distilled: budget_usd 0.004 ran out first" in r["detail"] for r in held)
    assert outcome.manifest.totals.rejected == len(held)
