"""distill: a pinned teacher writes the last assistant turn; the teacher never judges itself."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest

from curate.config.pipeline import load_pipeline
from curate.config.stage_rules import teacher_judges_itself
from curate.errors import PipelineError
from curate.record import compact_turns
from curate.runs.runner import run_pipeline
from curate.stages.base import RunContext, StageResult
from curate.stages.distill import DistillConfig
from tests.conftest import chat, write_jsonl
from tests.llm_servers import FakeLLMServer
from tests.stage_helpers import batch_of

KEY = "sk-ant-test-distill"


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def distill(server: FakeLLMServer, batch, workspace: Path, **options) -> StageResult:
    config = DistillConfig.model_validate(
        {
            "llm": {"model": "claude-sonnet-4-6", "base_url": server.url},
            "send_unredacted": True,
            **options,
        }
    )
    result = config.build().run(batch, RunContext(run_dir=workspace, workspace=workspace))
    rows_out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert rows_out == sorted(batch["row"].to_list())
    return result


def test_the_teacher_writes_the_last_assistant_turn(server, tmp_path):
    rows = [
        chat("How do I reset my password?", "idk", system="You are the support bot."),
        {"prompt": "Pick one", "chosen": "A", "rejected": "B"},
    ]
    batch = batch_of(tmp_path, rows)
    result = distill(server, batch, tmp_path)

    first, pair = result.kept.sort("row").to_dicts()
    assert compact_turns(first["messages"])[-1] == {
        "role": "assistant",
        "content": "Teacher answer to: How do I reset my password?",
    }
    assert first["messages"][0]["content"] == "You are the support bot."
    assert first["distill_original"] == "idk"
    assert first["distill_model"] == "anthropic:claude-sonnet-4-6"
    assert first["id"] == batch.sort("row")["id"][0]  # human decisions keep applying
    assert pair["distill_status"] == "not_applicable"
    assert pair["chosen"] == batch.sort("row")["chosen"].to_list()[1]
    sent = server.bodies("/v1/messages")[0]["messages"][0]["content"]
    assert "idk" not in sent and "You are the support bot." in sent

    again = distill(server, batch, tmp_path)
    assert server.count("/v1/messages") == 1  # cached
    assert again.kept.equals(result.kept)


def test_a_malformed_teacher_answer_is_rejected_not_guessed(server, tmp_path):
    batch = batch_of(tmp_path, [chat("MALFORMED question?", "orig"), chat("Fine?", "orig")])
    result = distill(server, batch, tmp_path)
    assert result.rejected["reason"].to_list() == ["distill.error"]
    assert result.kept["distill_status"].to_list() == ["distilled"]

    kept = distill(server, batch, tmp_path / "other", on_error="keep")
    assert sorted(kept.kept["distill_status"].to_list()) == ["distilled", "error"]


def test_without_a_key_distill_is_skipped_and_keeps_the_answers(server, tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    batch = batch_of(tmp_path, [chat("Q?", "original answer")])
    result = distill(server, batch, tmp_path)
    assert result.kept["distill_status"].to_list() == ["skipped"]
    assert result.kept["messages"].equals(batch["messages"])
    assert server.seen == []


def test_the_teacher_may_not_judge_its_own_answers(tmp_path):
    def stage(name: str, model: str) -> SimpleNamespace:
        return SimpleNamespace(stage=name, llm=SimpleNamespace(provider="anthropic", model=model))

    assert teacher_judges_itself([stage("distill", "a"), stage("judge", "b")]) is None
    assert teacher_judges_itself([stage("judge", "a"), stage("distill", "a")]) is None
    problem = teacher_judges_itself([stage("distill", "a"), stage("judge", "a")])
    assert problem and "stages[1] (judge) uses anthropic:a" in problem

    path = tmp_path / "p.yaml"
    path.write_text(
        "inputs: [d.jsonl]\nstages:\n"
        "  - distill: {send_unredacted: true, llm: {model: claude-sonnet-4-6}}\n"
        "  - judge: {send_unredacted: true, llm: {model: claude-sonnet-4-6}}\n"
    )
    with pytest.raises(PipelineError, match="must not audit its own answers"):
        load_pipeline(path)


def test_distilled_data_is_judged_by_another_model_and_exported(server, tmp_path):
    write_jsonl(tmp_path / "data.jsonl", [chat(f"Question {i}?", "meh") for i in range(4)])
    (tmp_path / "p.yaml").write_text(
        f"""\
name: distilled
inputs: [data.jsonl]
stages:
  - validate
  - distill: {{send_unredacted: true, llm: {{model: claude-sonnet-4-6, base_url: "{server.url}"}}}}
  - judge: {{send_unredacted: true, llm: {{model: claude-haiku-4-5, base_url: "{server.url}"}}}}
  - split: {{seed: 1}}
"""
    )
    outcome = run_pipeline(tmp_path / "p.yaml")

    exported = []
    for name in ("train", "eval", "test"):
        lines = (outcome.run_dir / "export" / f"{name}.jsonl").read_bytes().splitlines()
        exported += [orjson.loads(line) for line in lines]
    answers = sorted(row["messages"][-1]["content"] for row in exported)
    assert answers == [f"Teacher answer to: Question {i}?" for i in range(4)]
    models = {b["model"] for b in server.bodies("/v1/messages")}
    assert models == {"claude-sonnet-4-6", "claude-haiku-4-5"}
    config = outcome.manifest.pipeline.config["stages"]
    assert [s["llm"]["model"] for s in config if "llm" in s] == [
        "claude-sonnet-4-6",
        "claude-haiku-4-5",
    ]
