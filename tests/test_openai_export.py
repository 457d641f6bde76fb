"""format: openai: upload files OpenAI's rules accept, lineage in a sidecar, refusals counted."""

from __future__ import annotations

import orjson
import pytest

from curate.formats.openai_upload import upload_problems
from curate.runs.runner import run_pipeline
from tests.conftest import chat, write_jsonl
from tests.test_tool_rows import IMAGE_ROW, call, tool_row

PIPELINE = """
name: upload
inputs: [rows.jsonl]
stages:
  - validate
  - split: {{seed: 1, ratios: {{train: 1.0, eval: 0.0, test: 0.0}}}}
export: {{format: openai, include_meta: {meta}}}
"""


def read_jsonl(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def run_upload(tmp_path, rows, *, meta=True):
    write_jsonl(tmp_path / "rows.jsonl", rows)
    (tmp_path / "pipeline.yaml").write_text(PIPELINE.format(meta=str(meta).lower()))
    return run_pipeline(tmp_path / "pipeline.yaml", out=tmp_path / "run")


def test_openai_export_passes_the_upload_rules_and_keeps_ids_in_a_sidecar(tmp_path):
    tool = {**tool_row(call("c1")), "parallel_tool_calls": False, "ticket": 9}
    rows = [chat("Where is order 7?", "It ships today.", category="x"), tool, IMAGE_ROW]
    outcome = run_upload(tmp_path, rows)
    export = outcome.run_dir / "export"
    upload, sidecar = read_jsonl(export / "train.jsonl"), read_jsonl(export / "train.ids.jsonl")
    assert len(upload) == len(sidecar) == 3
    assert all(upload_problems(row) == [] for row in upload)
    assert all(set(row) <= {"messages", "tools", "parallel_tool_calls"} for row in upload)
    by_line = {
        side["source"]["line"]: (row, side) for row, side in zip(upload, sidecar, strict=True)
    }
    row, side = by_line[2]
    assert row == {k: v for k, v in tool.items() if k != "ticket"}
    assert side["meta"] == {"ticket": 9} and len(side["curate_id"]) == 16
    assert by_line[3][0]["messages"][1]["weight"] == 0
    assert by_line[1][1]["meta"] == {"category": "x"}
    names = {f.path for f in outcome.manifest.export.files}
    assert {"train.jsonl", "train.ids.jsonl"} <= names


def test_rows_openai_refuses_become_unrepresentable_rejections(tmp_path):
    audio = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this sound?"},
                    {"type": "input_audio", "input_audio": {"data": "AAA", "format": "wav"}},
                ],
            },
            {"role": "assistant", "content": "I hear a bell."},
        ]
    }
    pair = {"prompt": "Capital of France?", "chosen": "Paris.", "rejected": "Rome."}
    outcome = run_upload(tmp_path, [audio, pair, chat("Hi", "Hello, how can I help?")])
    export = outcome.run_dir / "export"
    assert len(read_jsonl(export / "train.jsonl")) == 1
    rejected = read_jsonl(export / "rejected.jsonl")
    assert sorted(r["reason"] for r in rejected) == ["export.unrepresentable"] * 2
    assert any("parts must be text or image_url" in r["detail"] for r in rejected)


def test_the_upload_checker_names_what_breaks_the_rules():
    row = {
        "messages": [
            {"role": "user", "content": "Hi", "weight": 1},
            {"role": "assistant", "content": "Hello", "score": 3},
            {"role": "tool", "content": "{}"},
        ],
        "curate_id": "abc",
    }
    fields = {field for field, _ in upload_problems(row)}
    assert fields == {
        "curate_id",
        "messages[0].weight",
        "messages[1].score",
        "messages[2].tool_call_id",
    }
    assert ("messages", "no assistant message") in upload_problems(
        {"messages": [{"role": "user", "content": "Hi"}]}
    )


def test_hf_dataset_holds_tool_and_image_rows_under_the_jsonl_options(tmp_path):
    datasets = pytest.importorskip("datasets")
    plain = [chat(f"Where is order {n}?", f"Order {n} ships today.") for n in range(8)]
    write_jsonl(tmp_path / "rows.jsonl", [*plain, tool_row(call("c1")), IMAGE_ROW])
    text = PIPELINE.format(meta="false").replace(
        "format: openai,", "format: chat, include_id: false, hf_dataset: true,"
    )
    text = text.replace("train: 1.0, eval: 0.0, test: 0.0", "train: 0.6, eval: 0.2, test: 0.2")
    (tmp_path / "pipeline.yaml").write_text(text)
    outcome = run_pipeline(tmp_path / "pipeline.yaml", out=tmp_path / "run")
    loaded = datasets.load_from_disk(str(outcome.run_dir / "export" / "hf"))
    assert all(
        "curate_id" not in s.column_names and "meta" not in s.column_names for s in loaded.values()
    )
    by_text = {r["messages"][-1]["content"]: r for split in loaded.values() for r in split}
    tool = by_text["It shipped yesterday."]
    assert orjson.loads(tool["tools"]) == tool_row(call("c1"))["tools"]
    assert tool["messages"][1]["tool_calls"][0]["id"] == "c1"
    image = by_text["Yes, the corner is crushed."]
    assert image["messages"][0]["content"] == "Is this box damaged?"
    assert (
        orjson.loads(image["messages"][0]["content_parts"]) == IMAGE_ROW["messages"][0]["content"]
    )
