"""quality: configurable character bounds on answers and whole examples."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from curate.stages.quality import QualityConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage

GOOD = "Open the app, choose Orders, then Track."


def test_default_bounds_are_20_and_8000_characters(tmp_path):
    rows = [
        chat("Q?", GOOD),
        chat("Q?", "Yes."),
        chat("Q?", "x" * 8001),
        chat("Q?", "y" * 20),
        chat("Q?", "z" * 8000),
    ]
    result = run_stage(QualityConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {2: "quality.too_short", 3: "quality.too_long"}
    short, long_ = result.rejected.sort("source_line")["detail"].to_list()
    assert short == "d.jsonl line 2: turn 2 (assistant) has 4 characters (minimum 20)"
    assert "8001 characters (maximum 8000)" in long_


def test_every_assistant_turn_is_checked_in_multi_turn_examples(tmp_path):
    row = {
        "messages": [
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "Ok."},
            {"role": "user", "content": "Q2"},
            {"role": "assistant", "content": GOOD},
        ]
    }
    result = run_stage(QualityConfig().build(), batch_of(tmp_path, [row]), tmp_path)
    assert (
        result.rejected["detail"]
        .item()
        .endswith("turn 2 (assistant) has 3 characters (minimum 20)")
    )


def test_whole_example_bounds(tmp_path):
    rows = [chat("Q?", GOOD), chat("A much longer question " * 5, GOOD)]
    config = QualityConfig(min_example_chars=45, max_example_chars=100)
    result = run_stage(config.build(), batch_of(tmp_path, rows), tmp_path)
    assert reasons_by_line(result) == {
        1: "quality.example_too_short",
        2: "quality.example_too_long",
    }


def test_inverted_bounds_are_a_config_error():
    with pytest.raises(ValidationError, match="larger than"):
        QualityConfig(min_assistant_chars=100, max_assistant_chars=10)
