"""preference: identical pairs rejected, pairs scored the wrong way round rejected, length bias
measured (never rejected), chat rows untouched."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import polars as pl
import pytest
from pydantic import ValidationError

from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline
from curate.stages.preference import PreferenceConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage


def pair(prompt: str, chosen: str, rejected: str, **extra: object) -> dict[str, object]:
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected, **extra}


def test_identical_answers_are_rejected_once_case_and_punctuation_fold(tmp_path):
    rows = [
        pair("My thermostat is offline.", "Restart the hub, then re-pair it.", "Buy a new one."),
        pair("Refund?", "Refunds take five days.", "refunds take five days!!"),
        pair("Invoice?", "It is under Billing.", "It is under Billing."),
    ]
    result = run_stage(PreferenceConfig().build(), batch_of(tmp_path, rows, "p.jsonl"), tmp_path)
    assert reasons_by_line(result) == {2: "preference.identical", 3: "preference.identical"}
    assert result.rejected["detail"][0] == "p.jsonl line 2: chosen and rejected are the same text"
    assert result.metrics["pairs"] == 3
    assert result.metrics["identical"] == 2
    assert result.metrics["kept"] == 1


def test_length_bias_is_a_share_of_kept_pairs_and_rejects_nothing(tmp_path):
    rows = [
        pair("a?", "x" * 40, "y" * 10),  # 4x: biased
        pair("b?", "x" * 20, "y" * 10),  # exactly 2x: biased
        pair("c?", "x" * 19, "y" * 10),  # 1.9x: not
        pair("d?", "x" * 10, "y" * 30),  # chosen shorter: not
        pair("e?", "same words", "Same words."),  # identical: rejected, not in the share
    ]
    result = run_stage(PreferenceConfig().build(), batch_of(tmp_path, rows), tmp_path)
    assert reasons_by_line(result) == {5: "preference.identical"}
    assert result.metrics["length_biased"] == 2
    assert result.metrics["length_bias_share"] == 0.5
    assert "50.0% of 4 kept pairs" in str(result.metrics["summary"])


def test_length_ratio_is_configurable(tmp_path):
    rows = [pair("a?", "x" * 40, "y" * 10), pair("b?", "x" * 20, "y" * 10)]
    config = PreferenceConfig(length_ratio=3.0)
    result = run_stage(config.build(), batch_of(tmp_path, rows), tmp_path)
    assert result.metrics["length_biased"] == 1
    assert result.metrics["length_bias_share"] == 0.5


def test_pairs_scored_the_wrong_way_round_are_rejected_with_their_scores(tmp_path):
    rows = [
        pair("a?", "Good answer.", "Bad answer.", score_chosen=4.5, score_rejected=2),
        pair("b?", "Good answer two.", "Bad answer two.", score_chosen=2, score_rejected=4),
        pair("c?", "Good answer three.", "Bad answer three.", score_chosen=3, score_rejected=3),
        pair("d?", "Good answer four.", "Bad answer four."),  # unscored: never guessed
    ]
    result = run_stage(PreferenceConfig().build(), batch_of(tmp_path, rows, "s.jsonl"), tmp_path)
    assert reasons_by_line(result) == {2: "preference.judge_inverted"}
    assert (
        result.rejected["detail"][0]
        == "s.jsonl line 2: score_chosen 2.0 is below score_rejected 4.0"
    )
    assert result.metrics["scored_pairs"] == 3
    assert result.metrics["judge_inverted"] == 1


def test_score_fields_margin_and_off_switch(tmp_path):
    rows = [
        pair("a?", "Good.", "Bad.", judge_a=3.0, judge_b=3.4),
        pair("b?", "Fine.", "Worse.", judge_a=1.0, judge_b=4.0),
    ]
    batch = batch_of(tmp_path, rows)
    config = PreferenceConfig(chosen_score="judge_a", rejected_score="judge_b", min_margin=0.5)
    assert reasons_by_line(run_stage(config.build(), batch, tmp_path)) == {
        2: "preference.judge_inverted"
    }
    off = config.model_copy(update={"judge_inverted": "off"})
    result = run_stage(off.build(), batch, tmp_path)
    assert result.rejected.height == 0
    assert result.metrics["judge_inverted"] == 1  # still counted, with the margin
    assert "(not rejected)" in str(result.metrics["summary"])


def test_chat_rows_pass_untouched_and_are_not_counted_as_pairs(tmp_path):
    rows = [chat("Hi", "Hello, how can I help?"), pair("a?", "Long answer here.", "No.")]
    result = run_stage(PreferenceConfig().build(), batch_of(tmp_path, rows), tmp_path)
    assert result.rejected.height == 0
    assert result.metrics["pairs"] == 1
    assert result.metrics["not_pairs"] == 1
    assert result.kept.columns == batch_of(tmp_path, rows).columns


def test_score_field_names_must_be_plain():
    with pytest.raises(ValidationError, match="plain field name"):
        PreferenceConfig(chosen_score="a.b[0]")


DEMO = Path(__file__).resolve().parent.parent / "sample_data" / "ticket_preferences"


def test_the_preference_demo_rejects_what_was_planted_and_exports_pairs(tmp_path):
    text = (DEMO.parent.parent / "pipelines" / "preference.yaml").read_text()
    text = text.replace("workspace: ..", "workspace: .").replace(
        "../sample_data/", f"{DEMO.parent}/"
    )
    (tmp_path / "pipeline.yaml").write_text(text)
    outcome = run_pipeline(tmp_path / "pipeline.yaml", out=tmp_path / "runs" / "preference")
    planted = json.loads((DEMO / "planted.json").read_text())
    stage = RunLayout(outcome.run_dir).require_stage("preference")
    frame = pl.read_parquet(stage.rejected)
    by_reason = {
        code: sorted(frame.filter(pl.col("reason") == code)["source_line"].to_list())
        for code in ("preference.identical", "preference.judge_inverted")
    }
    assert by_reason == {
        "preference.identical": planted["identical"],
        "preference.judge_inverted": planted["judge_inverted"],
    }
    metrics = stage.entry().metrics
    kept = 40 - len(planted["identical"]) - len(planted["judge_inverted"])
    assert metrics["length_bias_share"] == round(len(planted["length_biased"]) / kept, 4)
    totals = outcome.manifest.totals
    assert totals.train + totals.eval + totals.test + totals.rejected == 40
    row = orjson.loads((outcome.run_dir / "export" / "train.jsonl").read_bytes().splitlines()[0])
    assert {"prompt", "chosen", "rejected"} <= set(row)


def test_the_demo_file_is_what_its_generator_writes(monkeypatch):
    monkeypatch.syspath_prepend(str(DEMO))
    import make_pairs

    rows, planted = make_pairs.build()
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    assert (DEMO / "pairs.jsonl").read_text(encoding="utf-8") == lines
    assert json.loads((DEMO / "planted.json").read_text()) == planted
    assert {k: len(v) for k, v in planted.items()} == {
        "identical": 4,
        "judge_inverted": 3,
        "length_biased": 8,
    }
