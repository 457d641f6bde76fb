"""LLM calls against a real local HTTP server: the Anthropic SDK and an OpenAI-compatible
client, retries, the call cache, the budget, Message Batches and the cost estimate."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.llm import LLMError
from curate.llm.cache import CallCache
from curate.llm.config import LLMConfig
from curate.llm.rubric import tool_schema, verdict_model
from curate.stages.base import RunContext, StageResult
from curate.stages.judge import JudgeConfig
from curate.workspace import WorkspaceDB
from tests.conftest import chat
from tests.llm_servers import FakeLLMServer, default_answer
from tests.stage_helpers import batch_of

KEY = "sk-ant-test-0123456789abcdef"
MESSAGES = "/v1/messages"


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    return KEY


def judge_config(server: FakeLLMServer, **llm: Any) -> JudgeConfig:
    options = {"model": "claude-haiku-4-5", "base_url": server.url, "batch_poll_s": 0.01, **llm}
    return JudgeConfig.model_validate({"llm": options, "send_unredacted": True, "min_score": 3})


def run_judge(
    config: JudgeConfig, batch: pl.DataFrame, workspace: Path, log: list[str] | None = None
) -> StageResult:
    ctx = RunContext(
        run_dir=workspace, workspace=workspace, log=(log if log is not None else []).append
    )
    result = config.build().run(batch, ctx)
    rows_out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert rows_out == sorted(batch["row"].to_list())  # every row accounted for
    return result


def examples(tmp_path: Path, *answers: str) -> pl.DataFrame:
    rows = [chat(f"Question {i}?", answer) for i, answer in enumerate(answers)]
    return batch_of(tmp_path, rows)


def reasons(result: StageResult) -> list[str]:
    return result.rejected.sort("row")["reason"].to_list()


def test_verdicts_come_back_structured_through_a_forced_tool(server, tmp_path):
    batch = examples(tmp_path, "Paris is the capital.", "WRONG: Berlin.", "SHAKY but fine.")
    result = run_judge(judge_config(server), batch, tmp_path)

    assert result.kept.select("judge_verdict", "judge_score", "judge_status").row(0) == (
        "GOOD",
        5.0,
        "judged",
    )
    assert reasons(result) == ["judge.bad", "judge.low_score"]
    bad = result.rejected.sort("row").row(0, named=True)
    assert "factual_correctness 1" in bad["detail"] and "factually wrong" in bad["detail"]
    body = server.bodies(MESSAGES)[0]
    assert body["tool_choice"] == {"type": "tool", "name": "record_verdict"}
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}  # rubric cached
    scores = body["tools"][0]["input_schema"]["properties"]["scores"]
    assert set(scores["required"]) == {"factual_correctness", "format_integrity", "helpfulness"}
    sent = [h.get("x-api-key") or h.get("authorization", "") for _, p, h, _ in server.seen]
    assert sent and all(KEY in header for header in sent)  # the key goes to the API, only


def test_malformed_answer_is_asked_again_then_recorded_as_an_error(server, tmp_path):
    batch = examples(tmp_path, "MALFORMED answer", "NOTJSON answer", "A fine answer.")
    result = run_judge(judge_config(server, validation_retries=2), batch, tmp_path)

    assert server.count(MESSAGES) == 3 + 3 + 1
    assert reasons(result) == ["judge.error", "judge.error"]
    assert "malformed answer 3 times" in result.rejected["detail"][0]
    assert result.metrics["errors"] == 2
    # nothing is guessed, and a failed answer is not cached: the next run asks again
    again = run_judge(judge_config(server, validation_retries=2), batch, tmp_path)
    assert server.count(MESSAGES) == 7 + 6
    assert again.metrics["cache_hits"] == 1


def test_a_malformed_answer_then_a_good_one_is_accepted(server, tmp_path):
    calls = {"n": 0}

    def flaky(text: str, criteria: list[str]) -> Any:
        calls["n"] += 1
        return "not json at all" if calls["n"] == 1 else default_answer(text, criteria)

    server.answer = flaky
    result = run_judge(judge_config(server), examples(tmp_path, "Fine answer."), tmp_path)
    assert result.kept["judge_status"].to_list() == ["judged"]
    assert server.count(MESSAGES) == 2


def test_429_with_retry_after_and_529_and_500_are_retried(server, tmp_path):
    server.fail(MESSAGES, (429, {"retry-after": "0.3"}, ""), (529, {}, ""), (500, {}, ""))
    started = time.perf_counter()
    config = judge_config(server, max_concurrency=1, max_retries=4)
    result = run_judge(config, examples(tmp_path, "Fine answer."), tmp_path)

    assert result.kept["judge_status"].to_list() == ["judged"]
    assert server.count(MESSAGES) == 4
    assert time.perf_counter() - started >= 0.3  # waited as long as retry-after asked


def test_retries_spent_stop_the_run_and_a_rerun_asks_only_whats_left(server, tmp_path):
    fast = {"retry-after-ms": "5"}
    server.fail(MESSAGES, (0, {}, ""), (500, fast, ""), (500, fast, ""))
    config = judge_config(server, max_concurrency=1, max_retries=1)
    batch = examples(tmp_path, "First answer.", "Second answer.", "Third answer.")
    with pytest.raises(LLMError, match="HTTP 500") as stopped:
        run_judge(config, batch, tmp_path)
    assert "1 answers saved in workspace.db and 2 requests left" in str(stopped.value)
    assert server.count(MESSAGES) == 3  # no call after the failure

    result = run_judge(config, batch, tmp_path)
    assert result.kept["judge_status"].to_list() == ["judged"] * 3
    assert result.metrics["cache_hits"] == 1
    assert server.count(MESSAGES) == 3 + 2


def test_a_request_the_api_refuses_is_recorded_as_a_judge_error(server, tmp_path):
    server.fail(MESSAGES, (400, {}, '{"type": "error", "error": {"message": "too long"}}'))
    config = judge_config(server, max_concurrency=1)
    result = run_judge(config, examples(tmp_path, "Long answer.", "Short."), tmp_path)
    assert reasons(result) == ["judge.error"]
    assert "HTTP 400" in result.rejected["detail"][0]
    assert result.kept.height == 1


def test_errors_can_be_kept_flagged_instead(server, tmp_path):
    config = judge_config(server, validation_retries=0)
    config = config.model_copy(update={"on_error": "keep"})
    result = run_judge(config, examples(tmp_path, "MALFORMED", "Fine."), tmp_path)
    assert result.rejected.height == 0
    assert sorted(result.kept["judge_status"].to_list()) == ["error", "judged"]


def test_a_rerun_is_answered_from_the_cache_without_a_request(server, tmp_path):
    batch = examples(tmp_path, "One answer.", "WRONG two.", "Three answers.")
    first = run_judge(judge_config(server), batch, tmp_path)
    requests_before = len(server.seen)

    second = run_judge(judge_config(server), batch, tmp_path)
    assert len(server.seen) == requests_before  # no call, no token count
    assert second.metrics["cache_hits"] == 3 and second.metrics["calls"] == 0
    assert second.kept.equals(first.kept) and second.rejected.equals(first.rejected)
    with WorkspaceDB(tmp_path) as store:
        rows = store.connection.execute("SELECT provider, model FROM llm_calls").fetchall()
    assert rows == [("anthropic", "claude-haiku-4-5")] * 3


def test_an_interrupted_run_keeps_each_finished_call_and_asks_only_the_rest(server, tmp_path):
    batch = examples(tmp_path, *[f"Answer {i}." for i in range(6)])
    done: list[int] = []

    def interrupt_after_two(rows: int) -> None:
        done.append(rows)
        if len(done) == 2:
            raise KeyboardInterrupt

    ctx = RunContext(run_dir=tmp_path, workspace=tmp_path, progress=interrupt_after_two)
    with pytest.raises(KeyboardInterrupt):
        judge_config(server, max_concurrency=1).build().run(batch, ctx)
    with WorkspaceDB(tmp_path) as store:
        (saved,) = store.connection.execute("SELECT COUNT(*) FROM llm_calls").fetchone()
    assert saved == 2  # committed as each call finished
    asked = server.count(MESSAGES)

    result = run_judge(judge_config(server), batch, tmp_path)
    assert result.metrics["cache_hits"] == 2
    assert server.count(MESSAGES) == asked + 4


def test_identical_prompts_are_asked_once(server, tmp_path):
    batch = batch_of(tmp_path, [chat("Same?", "Same answer.")] * 3)
    result = run_judge(judge_config(server), batch, tmp_path)
    assert server.count(MESSAGES) == 1
    assert result.kept["judge_verdict"].to_list() == ["GOOD"] * 3


def test_the_cost_estimate_counts_tokens_before_the_run(server, tmp_path):
    log: list[str] = []
    run_judge(judge_config(server), examples(tmp_path, "A.", "B."), tmp_path, log)
    assert server.count("/v1/messages/count_tokens") == 2
    first_call = next(i for i, s in enumerate(server.seen) if s[1] == MESSAGES)
    assert all(s[1] == "/v1/messages/count_tokens" for s in server.seen[:first_call])
    assert any("2 calls to anthropic:claude-haiku-4-5" in m and "estimated $" in m for m in log)


def test_budget_stops_the_run_cleanly_and_a_bigger_one_resumes(server, tmp_path):
    # each call bills 1000 input + 100 output tokens = $0.0015 at these prices
    prices = {"input_per_mtok": 1.0, "output_per_mtok": 5.0}
    batch = examples(tmp_path, *[f"Answer number {i}." for i in range(8)])
    log: list[str] = []
    capped = judge_config(server, prices=prices, budget_usd=0.01, max_concurrency=2)
    result = run_judge(capped, batch, tmp_path, log)

    statuses = result.kept["judge_status"].to_list()
    judged, waiting = statuses.count("judged"), statuses.count("not_judged")
    assert judged >= 1 and waiting >= 1 and judged + waiting == 8
    assert result.rejected.height == 0  # unjudged rows are kept, flagged
    assert float(result.metrics["spent_usd"]) <= 0.01
    assert server.count(MESSAGES) == judged
    assert "budget_usd 0.01 reached" in str(result.metrics["stopped"])
    assert any("raise the budget" in m for m in log)

    more = judge_config(server, prices=prices, budget_usd=1.0)
    resumed = run_judge(more, batch, tmp_path)
    assert resumed.kept["judge_status"].to_list() == ["judged"] * 8
    assert server.count(MESSAGES) == 8  # only the missing rows were asked


def test_a_budget_needs_a_price(server, tmp_path):
    config = judge_config(server, model="claude-unknown-9", budget_usd=1.0)
    with pytest.raises(LLMError, match="no price known"):
        run_judge(config, examples(tmp_path, "A."), tmp_path)


def test_batch_mode_uses_the_message_batches_api(server, tmp_path):
    batch = examples(tmp_path, "Fine.", "WRONG.", "MALFORMED.")
    log: list[str] = []
    result = run_judge(judge_config(server, batch=True), batch, tmp_path, log)

    assert server.count(MESSAGES) == 0
    assert server.count("/v1/messages/batches") == 3  # one batch, then two re-asks
    assert server.bodies("/v1/messages/batches")[0]["requests"][0]["params"]["tool_choice"]
    assert reasons(result) == ["judge.bad", "judge.error"]
    assert result.metrics["batch"] == "true"
    assert any("Message Batch" in m for m in log)
    run_judge(judge_config(server, batch=True), batch, tmp_path)  # only the error is re-asked
    sizes = [len(b["requests"]) for b in server.bodies("/v1/messages/batches")]
    assert sizes == [3, 1, 1, 1, 1, 1]


def test_an_interrupted_batch_is_collected_not_paid_for_twice(server, tmp_path):
    batch = examples(tmp_path, "Fine.", "Also fine.")
    server.fail("/v1/messages/batches/msgbatch_1", (500, {}, ""))
    with pytest.raises(LLMError, match="HTTP 500"):
        run_judge(judge_config(server, batch=True, max_retries=0), batch, tmp_path)
    with WorkspaceDB(tmp_path) as store:
        assert CallCache(store).open_batch(_provider(server), _any_hash(store)) == "msgbatch_1"

    second = run_judge(judge_config(server, batch=True), batch, tmp_path)
    assert second.kept["judge_status"].to_list() == ["judged", "judged"]
    assert server.count("/v1/messages/batches") == 1  # collected, not resubmitted


def test_an_openai_compatible_server_judges_with_a_json_schema(server, tmp_path):
    server.fail("/v1/chat/completions", (429, {"retry-after": "0.05"}, ""), (503, {}, ""))
    config = judge_config(
        server, provider="openai", base_url=f"{server.url}/v1", model="qwen2.5-7b", backoff_s=0.01
    )
    batch = examples(tmp_path, "Fine.", "WRONG.", "NOTJSON")
    result = run_judge(config, batch, tmp_path)

    assert reasons(result) == ["judge.bad", "judge.error"]
    assert result.kept["judge_model"].to_list() == ["openai:qwen2.5-7b"]
    body = server.bodies("/v1/chat/completions")[0]
    assert body["response_format"]["type"] == "json_schema"
    assert "x-api-key" not in server.seen[-1][2] and "authorization" not in server.seen[-1][2]
    assert result.metrics["spent_usd"] == 0.0  # a local server costs nothing by default
    calls = server.count("/v1/chat/completions")
    run_judge(config, batch, tmp_path)
    assert server.count("/v1/chat/completions") == calls + 3  # only the NOTJSON row again


def test_without_a_key_the_judge_is_skipped_with_a_notice(server, tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    log: list[str] = []
    result = run_judge(judge_config(server), examples(tmp_path, "A.", "WRONG."), tmp_path, log)

    assert result.kept["judge_status"].to_list() == ["skipped", "skipped"]
    assert "ANTHROPIC_API_KEY is not set" in str(result.metrics["skipped"])
    assert any("judge: skipped" in m and "2 rows kept" in m for m in log)
    assert server.seen == []


def test_an_unreachable_openai_server_skips_the_judge(tmp_path):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = JudgeConfig.model_validate(
        {
            "llm": {"provider": "openai", "model": "m", "base_url": f"http://127.0.0.1:{port}/v1"},
            "send_unredacted": True,
        }
    )
    result = run_judge(config, examples(tmp_path, "A."), tmp_path)
    assert result.kept["judge_status"].to_list() == ["skipped"]
    assert "no OpenAI-compatible server answers" in str(result.metrics["skipped"])


def test_the_verdict_schema_is_one_self_contained_object():
    config = JudgeConfig.model_validate(
        {
            "llm": {"model": "m"},
            "criteria": [{"name": "tone", "description": "Polite and calm."}],
            "send_unredacted": True,
        }
    )
    schema = tool_schema(verdict_model(config.all_criteria()))
    assert "$ref" not in str(schema) and "$defs" not in schema
    assert schema["properties"]["scores"]["properties"]["tone"]["maximum"] == 5
    assert schema["properties"]["verdict"]["enum"] == ["GOOD", "BAD"]
    assert schema["properties"]["scores"]["additionalProperties"] is False


def test_provider_options_are_checked():
    with pytest.raises(ValueError, match="needs base_url"):
        LLMConfig(provider="openai", model="m")
    with pytest.raises(ValueError, match="batch: true needs provider anthropic"):
        LLMConfig(provider="openai", model="m", base_url="http://x/v1", batch=True)
    assert LLMConfig(model="claude-opus-4-1-20250805").price().input_per_mtok == 15.0
    assert LLMConfig(model="claude-sonnet-4-5").price().output_per_mtok == 15.0


def _provider(server: FakeLLMServer) -> Any:
    return judge_config(server, batch=True).build().provider


def _any_hash(store: WorkspaceDB) -> str:
    return store.connection.execute("SELECT requests_hash FROM llm_batches").fetchone()[0]
