"""Replies that arrive broken (cut off, mislabelled, of another shape, an error page) from a
real local server: each is asked again, then recorded as an error, never a crash, never
cached, and asked again by the next run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from curate.llm.cache import CallCache
from curate.stages.base import ERROR_ROWS, RunContext, StageResult
from curate.stages.distill import DistillConfig
from curate.stages.judge import JudgeConfig
from curate.workspace import WorkspaceDB
from tests.conftest import chat
from tests.llm_servers import BROKEN_SHAPES, FakeLLMServer, broken
from tests.stage_helpers import batch_of

KEY = "sk-ant-test-faults-0123456789"
PATHS = {"anthropic": "/v1/messages", "openai": "/v1/chat/completions"}
# what the recorded error says for each shape, whichever provider saw it
SAYS = {
    "truncated_json": "is not JSON",
    "truncated_json_as_text": "is not JSON",
    "wrong_schema": "not a",
    "plain_text": "Service is up",
    "html_error_page": "Bad Gateway",
    "empty_body": "<empty>",
    "error_object": "error object with status 200",
    "cut_stream": "cut off mid-way",
}


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def llm_block(server: FakeLLMServer, provider: str, **options: Any) -> dict[str, Any]:
    block = {"model": "claude-haiku-4-5", "base_url": server.url, "max_retries": 0, **options}
    if provider == "openai":
        block.update(provider="openai", base_url=f"{server.url}/v1", backoff_s=0.01)
    return block


def run(config: Any, batch: Any, workspace: Path) -> StageResult:
    result = config.build().run(batch, RunContext(run_dir=workspace, workspace=workspace))
    rows_out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert rows_out == sorted(batch["row"].to_list())  # every row accounted for
    return result


def cached_answers(workspace: Path) -> int:
    with WorkspaceDB(workspace) as store:
        return store.connection.execute("SELECT COUNT(*) FROM llm_calls").fetchone()[0]


@pytest.mark.parametrize("shape", BROKEN_SHAPES)
@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_a_broken_reply_is_asked_again_then_recorded_as_an_error(server, tmp_path, provider, shape):
    path = PATHS[provider]
    config = JudgeConfig.model_validate(
        {"llm": llm_block(server, provider, validation_retries=1), "send_unredacted": True}
    )
    batch = batch_of(tmp_path, [chat("Question?", "A correct answer.")])

    server.fail(path, broken(shape))  # once broken, then the re-ask is answered
    recovered = run(config, batch, tmp_path)
    assert recovered.kept["judge_status"].to_list() == ["judged"]
    assert server.count(path) == 2

    other = batch_of(tmp_path, [chat("Another question?", "Another answer.")], "other.jsonl")
    server.fail(path, broken(shape), broken(shape))  # broken every time it is asked
    failed = run(config, other, tmp_path)
    assert failed.rejected["reason"].to_list() == ["judge.error"]
    detail = failed.rejected["detail"][0]
    assert "malformed answer 2 times" in detail and SAYS[shape] in detail, detail
    assert failed.metrics[ERROR_ROWS] == 1
    assert server.count(path) == 4
    assert cached_answers(tmp_path) == 1  # only the good answer; an error is never cached

    fixed = run(config, other, tmp_path)  # the server answers again: so does the row
    assert fixed.kept["judge_status"].to_list() == ["judged"]
    assert fixed.metrics[ERROR_ROWS] == 0
    assert server.count(path) == 5


@pytest.mark.parametrize("shape", ["truncated_json", "truncated_json_as_text", "cut_stream"])
def test_the_teacher_s_broken_replies_are_recorded_as_distill_errors(server, tmp_path, shape):
    config = DistillConfig.model_validate(
        {"llm": llm_block(server, "anthropic", validation_retries=1), "send_unredacted": True}
    )
    batch = batch_of(tmp_path, [chat("How do I reset it?", "idk")])
    server.fail("/v1/messages", broken(shape), broken(shape))
    result = run(config, batch, tmp_path)
    assert result.rejected["reason"].to_list() == ["distill.error"]
    assert "the teacher call failed: malformed answer 2 times" in result.rejected["detail"][0]
    assert result.metrics[ERROR_ROWS] == 1


@pytest.mark.parametrize("shape", ["truncated_json_as_text", "empty_body", "error_object"])
def test_a_broken_token_count_falls_back_to_the_character_estimate(server, tmp_path, shape):
    config = JudgeConfig.model_validate(
        {"llm": llm_block(server, "anthropic"), "send_unredacted": True}
    )
    server.fail("/v1/messages/count_tokens", broken(shape))
    log: list[str] = []
    ctx = RunContext(run_dir=tmp_path, workspace=tmp_path, log=log.append)
    result = config.build().run(batch_of(tmp_path, [chat("Q?", "A fine answer.")]), ctx)
    assert result.kept["judge_status"].to_list() == ["judged"]
    assert any("token count failed" in line and "malformed" in line for line in log)


def test_batch_results_cut_mid_way_are_asked_again_in_a_new_batch(server, tmp_path):
    options = {"batch": True, "batch_poll_s": 0.01}
    config = JudgeConfig.model_validate(
        {"llm": llm_block(server, "anthropic", **options), "send_unredacted": True}
    )
    answers = [f"Answer number {i}, and a correct one." for i in range(4)]
    batch = batch_of(tmp_path, [chat(f"Question {i}?", a) for i, a in enumerate(answers)])
    server.fail("/v1/messages/batches/msgbatch_1/results", broken("cut_stream"))
    result = run(config, batch, tmp_path)

    assert result.kept["judge_status"].to_list() == ["judged"] * 4
    sizes = [len(b["requests"]) for b in server.bodies("/v1/messages/batches")]
    assert sizes[0] == 4 and 1 <= sizes[1] < 4 and len(sizes) == 2  # only the lost ones again


def test_the_call_cache_refuses_anything_but_a_validated_answer(server, tmp_path):
    config = JudgeConfig.model_validate(
        {"llm": llm_block(server, "anthropic"), "send_unredacted": True}
    )
    provider = config.build().provider
    with WorkspaceDB(tmp_path) as store, pytest.raises(TypeError, match="only validated"):
        CallCache(store).put("k" * 64, provider, {"error": "overloaded"}, (0, 0), 0.0)  # type: ignore[arg-type]
    assert cached_answers(tmp_path) == 0
