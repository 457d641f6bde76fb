"""quality: mean answer length by default, a per-turn option, and answers with no text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from curate.stages.quality import QualityConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage

GOOD = "Open the app, choose Orders, then Track."


def chat_of(*answers: str) -> dict:
    """A multi-turn chat with one question before each answer."""
    messages = []
    for i, answer in enumerate(answers):
        messages += [
            {"role": "user", "content": f"Question {i + 1}?"},
            {"role": "assistant", "content": answer},
        ]
    return {"messages": messages}


def test_defaults_keep_short_factual_answers(tmp_path):
    rows = [
        chat("How many moons does Mars have?", "2"),
        chat("Which state is Harvard in?", "Massachusetts"),
        chat("How many lines does a sonnet have?", " 14 "),
        chat("Is the white rhinoceros found in Africa?", "True"),
        chat("Vad kostar ett bygglov?", "Ca 8 000 kr."),
    ]
    result = run_stage(QualityConfig().build(), batch_of(tmp_path, rows), tmp_path)
    assert result.rejected.height == 0
    assert result.metrics["kept"] == 5


def test_defaults_reject_answers_without_a_letter_or_digit(tmp_path):
    rows = [
        chat("Q?", "..."),
        chat("Q?", "🙂"),
        chat("Q?", "?!"),
        chat("Q?", "½"),
        chat("Q?", "ok"),
    ]
    result = run_stage(QualityConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {
        1: "quality.no_text",
        2: "quality.no_text",
        3: "quality.no_text",
    }
    assert result.rejected.sort("row")["detail"][0] == (
        "d.jsonl line 1: no assistant turn has a letter or a digit"
    )
    assert result.metrics["quality.no_text"] == 3


def test_one_short_turn_does_not_reject_a_chat_by_default(tmp_path):
    rows = [
        chat_of("haha", GOOD, GOOD),  # mean 28: kept
        chat_of("haha", "ok", "Sure."),  # mean 3.7: too short at 20
        chat_of("👍", GOOD),  # one turn has text: kept
    ]
    config = QualityConfig(min_assistant_chars=20)
    result = run_stage(config.build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {2: "quality.too_short"}
    assert result.rejected["detail"].item() == (
        "d.jsonl line 2: the assistant turns average 3.7 characters (minimum 20); "
        "shortest: turn 4 (assistant) has 2 characters"
    )


def test_each_turn_measure_rejects_a_chat_for_one_short_turn(tmp_path):
    rows = [chat_of("Ok.", GOOD), chat_of(GOOD, GOOD)]
    config = QualityConfig(min_assistant_chars=20, min_assistant_measure="each_turn")
    result = run_stage(config.build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {1: "quality.too_short"}
    assert result.rejected["detail"].item() == (
        "d.jsonl line 1: turn 2 (assistant) has 3 characters (minimum 20)"
    )
    assert result.metrics["min_assistant_measure"] == "each_turn"


def test_the_maximum_is_per_turn_whatever_the_measure(tmp_path):
    rows = [chat_of("x" * 8001, "ok", "ok"), chat("Q?", "z" * 8000), chat("Q?", GOOD)]
    result = run_stage(QualityConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {1: "quality.too_long"}
    assert result.rejected["detail"].item() == (
        "d.jsonl line 1: turn 2 (assistant) has 8001 characters (maximum 8000)"
    )


def test_lengths_do_not_count_padding_spaces(tmp_path):
    rows = [chat("Q?", "   Yes.   " + " " * 20), chat("Q?", "y" * 20)]
    config = QualityConfig(min_assistant_chars=20)
    result = run_stage(config.build(), batch_of(tmp_path, rows), tmp_path)
    assert reasons_by_line(result) == {1: "quality.too_short"}


def test_the_letter_or_digit_check_can_be_turned_off(tmp_path):
    rows = [chat("Rate it", "★★★★"), chat("Q?", GOOD)]
    config = QualityConfig(require_letter_or_digit=False)
    result = run_stage(config.build(), batch_of(tmp_path, rows), tmp_path)
    assert result.rejected.height == 0


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
    with pytest.raises(ValidationError, match="min_assistant_measure"):
        QualityConfig(min_assistant_measure="median")
