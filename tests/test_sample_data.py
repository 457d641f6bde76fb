"""The sample pipeline over sample_data/: every planted problem is caught with the right reason."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import orjson
import polars as pl
import pytest

from curate.io.inspect import profile_file
from curate.record import content_id
from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EXPECTED_REASON = {
    "malformed_json": "parse.invalid_json",
    "empty_assistant": "schema.empty_content",
    "whitespace_user": "schema.empty_content",
    "starts_with_assistant": "schema.bad_first_role",
    "consecutive_user": "schema.bad_role_order",
    "exact_duplicate": "dedup.exact",
    "normalized_duplicate": "dedup.normalized",
    "overlong_answer": "quality.too_long",
    "short_answer": "quality.too_short",
    "orphan_tool_result": "tool.orphan_result",
    "non_json_arguments": "tool.bad_arguments",
    "wrong_argument_type": "tool.arguments_mismatch",
    "undeclared_tool": "tool.undeclared",
}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("sample")
    text = (SAMPLE.parent / "pipelines" / "sample.yaml").read_text()
    text = text.replace("workspace: ..", "workspace: .").replace("../sample_data/", f"{SAMPLE}/")
    (workspace / "pipeline.yaml").write_text(text)
    return run_pipeline(workspace / "pipeline.yaml")


def exported_ids(run_dir: Path) -> set[str]:
    return {
        orjson.loads(line)["curate_id"]
        for split in ("train", "eval", "test")
        for line in (run_dir / "export" / f"{split}.jsonl").read_bytes().splitlines()
    }


def planted() -> list[dict]:
    return json.loads((SAMPLE / "planted.json").read_text())["planted"]


def test_every_planted_problem_is_rejected_for_its_reason(sample_run):
    rejected = [
        orjson.loads(line)
        for line in (sample_run.run_dir / "export" / "rejected.jsonl").read_bytes().splitlines()
    ]
    found = {(Path(r["source"]["file"]).name, r["source"]["line"]): r["reason"] for r in rejected}
    # A JSON array's rows are numbered by item; every other file by the line a row starts on.
    expected = {
        (p["file"], p["row"] if p["file"].endswith(".json") else p["line"]): EXPECTED_REASON[
            p["problem"]
        ]
        for p in planted()
        if p["problem"] in EXPECTED_REASON
    }
    assert {k: found.get(k) for k in expected} == expected
    # A planted refusal in the model's voice ("As an AI language model, I don't have access")
    # is boilerplate to heuristics; the plain refusals are kept, a set needs some.
    refusals = {(p["file"], p["line"]) for p in planted() if p["problem"] == "refusal"}
    boilerplate = {k for k, v in found.items() if v == "heuristic.boilerplate"}
    assert boilerplate and boilerplate <= refusals and len(boilerplate) < len(refusals)
    unplanted = {k: v for k, v in found.items() if k not in expected and k not in boilerplate}
    assert set(unplanted.values()) <= {"dedup.semantic"}, "something unplanted was rejected"
    ids = {r["id"] for r in rejected} | exported_ids(sample_run.run_dir)
    for record in rejected:
        if record["reason"] == "dedup.semantic":
            cosine = float(record["detail"].rsplit("cosine ", 1)[1])
            assert cosine >= 0.92 and record["related_id"] in ids


def test_a_chat_ending_on_an_unanswered_user_turn_is_exported_trimmed(sample_run):
    (entry,) = [p for p in planted() if p["problem"] == "ends_with_user"]
    lines = (SAMPLE / entry["file"]).read_text().splitlines()
    answered = json.loads(lines[entry["line"] - 1])["messages"][:-1]
    exported = {
        row["curate_id"]: row
        for split in ("train", "eval", "test")
        for row in map(orjson.loads, (sample_run.run_dir / "export" / f"{split}.jsonl").open())
    }
    assert exported[content_id(answered)]["messages"] == answered
    validate = next(s for s in sample_run.manifest.stages if s.name == "validate")
    assert validate.metrics["trimmed_trailing_user"] == 1
    kept = pl.read_parquet(RunLayout(sample_run.run_dir).require_stage("validate").kept)
    (lineage,) = kept.filter(pl.col("source_line") == entry["line"])["lineage"].to_list()
    assert [e["change"] for e in lineage] == ["trimmed_trailing_user"]


def planted_key(entry: dict, row: str = "row", line: str = "line") -> tuple[str, int]:
    """(file name, JSON item or physical line) of a planted.json entry."""
    return (entry["file"], entry[row] if entry["file"].endswith(".json") else entry[line])


def test_planted_paraphrases_share_a_cluster_with_their_original(sample_run):
    stage = sample_run.run_dir / "stages" / "04_semantic_dedup"
    frames = [pl.read_parquet(stage / f"{part}.parquet") for part in ("kept", "rejected")]
    rows = pl.concat([f.select("source_file", "source_line", "cluster_id") for f in frames])
    cluster = {
        (Path(r["source_file"]).name, r["source_line"]): r["cluster_id"]
        for r in rows.iter_rows(named=True)
    }
    entries = planted()
    paraphrases = [p for p in entries if p["problem"] == "paraphrase_duplicate"]
    assert len(paraphrases) == 10
    for p in paraphrases:
        original = cluster[planted_key(p, "source_row", "source_line")]
        assert original is not None and cluster[planted_key(p)] == original, p
    faq = {cluster[planted_key(p)] for p in entries if p["problem"] == "popular_faq_paraphrase"}
    assert len(faq) == 1 and None not in faq, "the eight FAQ variants are one cluster"
    faq_kept = frames[0].filter(pl.col("cluster_id").is_in(list(faq)))
    assert faq_kept.height == 1


def test_sample_run_accounts_for_every_row_and_stratifies(sample_run):
    totals = sample_run.manifest.totals
    rows = sum(i.rows for i in sample_run.manifest.inputs)
    assert totals.input_rows == rows == totals.train + totals.eval + totals.test + totals.rejected
    distribution = sample_run.manifest.split.distribution
    for category, count in distribution["train"].items():
        held_out = distribution["eval"].get(category, 0) + distribution["test"].get(category, 0)
        assert held_out > 0 and 0.6 < count / (count + held_out) < 0.95, category


def test_inspect_finds_the_planted_refusals():
    refusals = Counter(p["file"] for p in planted() if p["problem"] == "refusal")
    profile = profile_file(SAMPLE / "support_chat.jsonl")
    assert round(profile.refusal_share * profile.parsed) == refusals["support_chat.jsonl"]


def test_tool_rows_are_kept_with_pii_redacted_inside_their_arguments(sample_run):
    (entry,) = [p for p in planted() if p["problem"] == "pii_in_arguments"]
    lines = (SAMPLE / entry["file"]).read_text().splitlines()
    email = "marisol.quint@example.org"
    assert email in lines[entry["line"] - 1]
    export = sample_run.run_dir / "export"
    exported = [
        orjson.loads(line)
        for split in ("train", "eval", "test")
        for line in (export / f"{split}.jsonl").read_bytes().splitlines()
    ]
    tool_rows = [row for row in exported if "tools" in row]
    assert len(tool_rows) == 11  # ten clean rows and the one whose arguments held the email
    assert all(email not in json.dumps(row) for row in exported)
    images = [r for r in exported if isinstance(r["messages"][0]["content"], list)]
    assert len(images) == 3
    use = profile_file(SAMPLE / entry["file"]).tool_use
    assert use.parallel_call_turns == 1 and use.ends_on_call_share > 0
