"""The command line: init, inspect, convert, run, reasons, schemas."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from curate.cli.main import app
from curate.reasons import all_reasons
from tests.conftest import chat, write_jsonl

runner = CliRunner()


def test_init_writes_a_commented_pipeline_that_runs(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    pipeline = tmp_path / "ws" / "pipeline.yaml"
    assert pipeline.read_text().count("\n#") >= 5
    rows = [
        chat(f"How do I change plan {i}?", f"Go to Billing, then Plan, and pick plan {i}.")
        for i in range(30)
    ]
    write_jsonl(tmp_path / "ws" / "data" / "train.jsonl", rows)
    result = runner.invoke(app, ["run", str(pipeline)])
    assert result.exit_code == 0, result.output
    assert "30 rows in" in result.output
    again = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert again.exit_code == 2 and "already exists" in again.output


def test_run_prints_a_line_per_stage(tmp_path):
    write_jsonl(
        tmp_path / "d.jsonl", [chat("Hi, is the shop open?", "Yes, from nine to five.")] * 3
    )
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [validate, exact_dedup]\n")
    result = runner.invoke(app, ["run", str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output
    for stage in ("ingest", "validate", "exact_dedup", "split"):
        assert re.search(rf"\d\d {stage}\s", result.output), stage
    assert "dedup.exact 2" in result.output


def test_inspect_json_describes_the_file(tmp_path):
    rows = [
        chat("Can you give me legal advice?", "I'm sorry, but I can't help with legal advice."),
        chat("Where is my order?", "It left our depot this morning.", system="Be kind."),
    ]
    write_jsonl(tmp_path / "d.jsonl", [*rows, "{oops"])
    result = runner.invoke(app, ["inspect", str(tmp_path / "d.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    (profile,) = json.loads(result.output)
    assert profile["container"] == "jsonl" and profile["formats"] == {"chat": 2}
    assert profile["rows"] == 3 and profile["unparseable"] == 1
    assert profile["refusal_share"] == 0.5
    assert profile["role_patterns"] == {"user>assistant": 1, "system>user>assistant": 1}


def test_inspect_table_output_and_missing_file(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", [chat("Where is my order?", "It left our depot today.")])
    result = runner.invoke(app, ["inspect", str(tmp_path / "d.jsonl")])
    assert result.exit_code == 0 and "refusal-style answers: 0.0%" in result.output
    missing = runner.invoke(app, ["inspect", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    assert "nope.jsonl: file not found" in missing.output


def test_convert_round_trip_through_the_cli(tmp_path):
    rows = [chat("Where is my order?", "It left our depot today.", system="Be brief.", ticket=7)]
    write_jsonl(tmp_path / "d.jsonl", rows)
    for target, fmt in (("s.jsonl", "sharegpt"), ("back.jsonl", "chat")):
        source = "d.jsonl" if fmt == "sharegpt" else "s.jsonl"
        result = runner.invoke(
            app, ["convert", str(tmp_path / source), "--to", fmt, "--out", str(tmp_path / target)]
        )
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "back.jsonl").read_text()) == rows[0]


def test_reasons_lists_every_code():
    result = runner.invoke(app, ["reasons"], terminal_width=200)
    assert result.exit_code == 0
    for code in all_reasons():
        assert code in result.output


def test_schemas_check_detects_stale_files(tmp_path):
    assert runner.invoke(app, ["schemas", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schemas", "--out", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "pipeline.schema.json").write_text("{}")
    stale = runner.invoke(app, ["schemas", "--out", str(tmp_path), "--check"])
    assert stale.exit_code == 2 and "pipeline.schema.json" in stale.output


def test_a_missing_extra_is_one_line_naming_it():
    import pytest

    from curate.errors import CurateError, needs_extra

    with pytest.raises(CurateError) as caught, needs_extra("train", "training"):
        raise ImportError("Please install torch and gguf>=0.10.0 to load a GGUF checkpoint")
    assert "training needs the train extra (Please install torch and gguf" in str(caught.value)
    assert "pip install -e '.[train]'" in str(caught.value)
    peft = r"needs the train extra \(peft is missing\)"
    with pytest.raises(CurateError, match=peft), needs_extra("train", "training"):
        raise ImportError("no peft", name="peft")
