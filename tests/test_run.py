"""Whole runs: the layout, every row accounted for, the manifest, reruns that reuse work."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from pathlib import Path

import orjson
import pytest

from curate.runs.runner import run_pipeline
from tests.conftest import chat, write_jsonl

PIPELINE = """\
name: support
inputs:
  - chat.jsonl
  - alpaca.json
  - faq.csv
stages:
  - validate
  - exact_dedup
  - quality: {{min_assistant_chars: {min_chars}}}
  - split: {{seed: 11, stratify: category}}
export:
  hf_dataset: {hf}
"""


def make_workspace(tmp_path: Path, *, min_chars: int = 20, hf: bool = False) -> Path:
    cats = ["billing", "shipping", "returns"]
    rows = [
        chat(
            f"Question {i}: where is order {1000 + i}?",
            f"Order {1000 + i} ships in {i % 5 + 1} days from our depot.",
            system="You are the support assistant.",
            category=cats[i % 3],
            ticket=i,
        )
        for i in range(60)
    ]
    rows += [
        rows[4],
        "{not json",
        chat("Thanks", "ok", category="billing"),
        {"messages": [{"role": "user", "content": "Hello?"}], "category": "billing"},
    ]
    write_jsonl(tmp_path / "chat.jsonl", rows)
    alpaca = [
        {
            "instruction": f"Explain refund rule {i}.",
            "input": "",
            "output": f"Refund rule {i}: items come back within {i + 10} days.",
            "category": "returns",
        }
        for i in range(20)
    ]
    (tmp_path / "alpaca.json").write_text(json.dumps(alpaca, indent=2))
    with open(tmp_path / "faq.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, ["instruction", "input", "output", "category"])
        writer.writeheader()
        for i in range(10):
            writer.writerow(
                {
                    "instruction": f'FAQ {i}, "quoted"?',
                    "input": "",
                    "output": f"Line one of answer {i}.\nLine two, with a comma.",
                    "category": "account",
                }
            )
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE.format(min_chars=min_chars, hf=str(hf).lower()))
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_every_input_row_lands_in_exactly_one_output(tmp_path):
    outcome = run_pipeline(make_workspace(tmp_path))
    export = outcome.run_dir / "export"
    parts = {name: read_jsonl(export / f"{name}.jsonl") for name in ("train", "eval", "test")}
    rejected = read_jsonl(export / "rejected.jsonl")
    input_rows = 64 + 20 + 10
    assert sum(len(p) for p in parts.values()) + len(rejected) == input_rows
    assert {r["reason"] for r in rejected} == {
        "parse.invalid_json",
        "dedup.exact",
        "quality.too_short",
        "schema.bad_last_role",
    }
    ids = [r["curate_id"] for p in parts.values() for r in p]
    assert len(ids) == len(set(ids))
    bad = next(r for r in rejected if r["reason"] == "parse.invalid_json")
    assert bad["source"] == {"file": "chat.jsonl", "line": 62} and bad["raw"] == "{not json"
    dup = next(r for r in rejected if r["reason"] == "dedup.exact")
    assert dup["related_id"] == dup["id"] and dup["example"]["ticket"] == 4


def test_layout_manifest_and_report(tmp_path):
    outcome = run_pipeline(make_workspace(tmp_path))
    run_dir = outcome.run_dir
    assert run_dir.parent == tmp_path / "runs"
    names = sorted(p.name for p in (run_dir / "stages").iterdir())
    assert names == [
        "00_ingest",
        "01_overrides",
        "02_validate",
        "03_exact_dedup",
        "04_quality",
        "05_split",
    ]
    for name in names:
        assert {p.name for p in (run_dir / "stages" / name).iterdir()} == {
            "kept.parquet",
            "rejected.parquet",
            "metrics.json",
        }
    manifest = orjson.loads((run_dir / "manifest.json").read_bytes())
    by_path = {i["path"]: i for i in manifest["inputs"]}
    for name in ("chat.jsonl", "alpaca.json", "faq.csv"):
        assert by_path[name]["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    assert by_path["faq.csv"]["formats"] == {"alpaca": 10}
    stages = manifest["stages"]
    for before, after in itertools.pairwise(stages):
        assert after["input"] == before["kept"]
        assert before["input"] == before["kept"] + before["rejected"]
    assert (
        manifest["pipeline"]["sha256"]
        == hashlib.sha256((tmp_path / "pipeline.yaml").read_bytes()).hexdigest()
    )
    assert set(manifest["versions"]) >= {"python", "polars", "pyarrow"}
    split = manifest["split"]
    assert split["stratify"] == "category"
    assert sum(split["sizes"].values()) == stages[-1]["kept"]
    assert sum(split["distribution"]["train"].values()) == split["sizes"]["train"]
    files = {f["path"]: f for f in manifest["export"]["files"]}
    train = (run_dir / "export" / "train.jsonl").read_bytes()
    assert files["train.jsonl"]["sha256"] == hashlib.sha256(train).hexdigest()
    report = (run_dir / "export" / "report.md").read_text()
    assert "`dedup.exact`" in report and "Distribution of `category`" in report
    assert f"**{manifest['totals']['input_rows']}** input rows" in report


def test_rerun_is_a_no_op_and_a_changed_stage_reuses_earlier_ones(tmp_path):
    pipeline = make_workspace(tmp_path)
    first = run_pipeline(pipeline)
    again = run_pipeline(pipeline)
    assert again.already_complete and again.run_dir == first.run_dir
    make_workspace(tmp_path, min_chars=30)
    changed = run_pipeline(pipeline)
    assert changed.run_dir != first.run_dir
    cached = {s.name: s.cached for s in changed.manifest.stages}
    assert cached == {
        "ingest": True,
        "overrides": True,
        "validate": True,
        "exact_dedup": True,
        "quality": False,
        "split": False,
    }


def test_same_input_and_seed_give_byte_identical_exports(tmp_path):
    pipeline = make_workspace(tmp_path)
    one = run_pipeline(pipeline, out=tmp_path / "one")
    two = run_pipeline(pipeline, out=tmp_path / "two")
    for name in ("train.jsonl", "eval.jsonl", "test.jsonl", "rejected.jsonl"):
        assert (one.run_dir / "export" / name).read_bytes() == (
            two.run_dir / "export" / name
        ).read_bytes()


def test_hf_dataset_export_loads_back(tmp_path):
    from datasets import load_from_disk

    outcome = run_pipeline(make_workspace(tmp_path, hf=True))
    loaded = load_from_disk(str(outcome.run_dir / "export" / "hf"))
    sizes = outcome.manifest.split.sizes
    assert {k: len(v) for k, v in loaded.items()} == sizes
    first = loaded["train"][0]
    assert first["messages"][-1]["role"] == "assistant"
    assert first["category"] and "meta" not in first  # source fields are columns, as in JSONL


@pytest.mark.parametrize("fmt", ["alpaca", "sharegpt"])
def test_export_in_other_formats(tmp_path, fmt):
    pipeline = make_workspace(tmp_path)
    pipeline.write_text(pipeline.read_text().replace("export:\n", f"export:\n  format: {fmt}\n"))
    outcome = run_pipeline(pipeline)
    row = read_jsonl(outcome.run_dir / "export" / "train.jsonl")[0]
    assert ("instruction" in row) if fmt == "alpaca" else ("conversations" in row)
    assert outcome.manifest.export.format == fmt


def test_fast_chat_export_matches_the_general_renderer(tmp_path):
    from curate.formats.convert import from_canonical
    from curate.io.ingest import InputSource, ingest
    from curate.runs.export_files import iter_canonical, render_rows

    rows = [
        chat('Héllo "quoted" \u2028 <b>', "Tab\there, slash /, emoji 🙂.", system="S", a=1),
        chat("plain", "no meta at all"),
        {
            "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
            "curate_id": "old",
            "nested": {"messages": [1]},
        },
        {"prompt": "p", "chosen": "good", "rejected": "bad", "category": "x"},
    ]
    write_jsonl(tmp_path / "d.jsonl", rows)
    frame, _, _ = ingest([InputSource(tmp_path / "d.jsonl", "d.jsonl")])
    for include_id in (True, False):
        for include_meta in (True, False):
            lines, _ = render_rows(frame, "chat", include_id=include_id, include_meta=include_meta)
            examples = iter_canonical(frame, with_meta=include_meta)
            for line, example, row_id in zip(lines, examples, frame["id"], strict=True):
                extra = {"curate_id": row_id} if include_id else None
                assert line == orjson.dumps(from_canonical(example, "chat", extra=extra)) + b"\n"


def test_run_view_lists_runs_and_loads_kept_and_rejected(tmp_path):
    from curate.runs.views import filter_examples, length_histogram, list_runs, load_examples

    outcome = run_pipeline(make_workspace(tmp_path))
    (summary,) = list_runs(tmp_path)
    assert summary.run_dir == outcome.run_dir and summary.status == "complete"
    frame = load_examples(outcome.run_dir)
    assert frame.height == outcome.manifest.totals.input_rows
    rejected = filter_examples(frame, status="rejected")
    assert rejected.height == outcome.manifest.totals.rejected
    assert filter_examples(frame, reason="dedup.exact")["source_line"].to_list() == [61]
    assert filter_examples(frame, text="ORDER 1004")["prompt"].str.contains("1004").all()
    histogram = length_histogram(frame, bins=5)
    assert sum(n for _, _, n in histogram) == frame.height - rejected.height
    empty = tmp_path / "runs" / "unfinished" / "stages"
    empty.mkdir(parents=True)
    unfinished = load_examples(empty.parent)
    assert unfinished.height == 0
    assert {"status", "reason", "prompt", "answer", "chars", "messages"} <= set(unfinished.columns)
