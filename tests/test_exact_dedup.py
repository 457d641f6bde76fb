"""exact_dedup: first occurrence kept; each drop names the example it repeats."""

from __future__ import annotations

from curate.record import content_id
from curate.stages.exact_dedup import ExactDedupConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage


def test_identical_and_normalised_repeats_are_dropped_after_the_first(tmp_path):
    rows = [
        chat("How do I reset my password?", "Use the link on the sign-in page.", ticket=1),
        chat("Where is my parcel?", "Track it under Orders.", ticket=2),
        chat("How do I reset my password?", "Use the link on the sign-in page.", ticket=3),
        chat("how do i  reset my PASSWORD", "Use the link on the sign-in page!!", ticket=4),
        chat("How do I reset my email?", "Use the link on the sign-in page.", ticket=5),
    ]
    result = run_stage(ExactDedupConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {3: "dedup.exact", 4: "dedup.normalized"}
    first = content_id(rows[0]["messages"])
    assert result.rejected["related_id"].to_list() == [first, first]
    details = result.rejected["detail"].to_list()
    assert details[0].startswith("d.jsonl line 3: identical to d.jsonl line 1")
    assert "same text as d.jsonl line 1" in details[1]
    assert result.kept["source_line"].to_list() == [1, 2, 5]


def test_normalised_pass_can_be_turned_off(tmp_path):
    rows = [
        chat("Hello there", "General Kenobi, welcome."),
        chat("HELLO THERE!", "general kenobi welcome"),
    ]
    config = ExactDedupConfig(normalized=False)
    result = run_stage(config.build(), batch_of(tmp_path, rows), tmp_path)
    assert result.rejected.height == 0


def test_roles_matter_for_the_normalised_key(tmp_path):
    rows = [
        {
            "messages": [
                {"role": "user", "content": "Same words"},
                {"role": "assistant", "content": "Other words here"},
            ]
        },
        {
            "messages": [
                {"role": "system", "content": "Same words"},
                {"role": "user", "content": "Other words here"},
                {"role": "assistant", "content": "Other words here"},
            ]
        },
    ]
    result = run_stage(ExactDedupConfig().build(), batch_of(tmp_path, rows), tmp_path)
    assert result.rejected.height == 0
