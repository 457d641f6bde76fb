"""validate: every structural problem becomes a rejection with its code and location."""

from __future__ import annotations

from curate.stages.registry import stage_info
from curate.stages.validate import ValidateConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage


def turns(*pairs: tuple[str, str]) -> dict:
    return {"messages": [{"role": r, "content": c} for r, c in pairs]}


def test_each_structural_problem_gets_its_reason_when_nothing_is_trimmed(tmp_path):
    rows = [
        chat("How do I pay?", "Open Billing and choose a card.", system="Be brief."),  # 1 ok
        {"messages": []},  # 2
        turns(("assistant", "Hello!"), ("user", "Hi"), ("assistant", "How can I help?")),  # 3
        turns(("user", "A"), ("user", "B"), ("assistant", "C")),  # 4
        turns(("user", "Question?"), ("assistant", "Answer."), ("user", "More?")),  # 5
        turns(("user", "Question?"), ("assistant", "   ")),  # 6
        turns(("user", "Question?"), ("critic", "{}"), ("assistant", "Answer.")),  # 7
        turns(("system", "S"), ("user", "Q"), ("system", "S2"), ("assistant", "A")),  # 8
        turns(("user", "Q1"), ("assistant", "A1"), ("user", "Q2"), ("assistant", "A2")),  # 9 ok
    ]
    strict = ValidateConfig(trailing_user="reject")
    result = run_stage(strict.build(), batch_of(tmp_path, rows), tmp_path)
    assert reasons_by_line(result) == {
        2: "schema.no_messages",
        3: "schema.bad_first_role",
        4: "schema.bad_role_order",
        5: "schema.bad_last_role",
        6: "schema.empty_content",
        7: "schema.unknown_role",
        8: "schema.bad_role_order",
    }
    assert sorted(result.kept["source_line"].to_list()) == [1, 9]
    assert set(result.rejected["reason"]) <= stage_info("validate").codes


def test_detail_names_file_line_and_turn(tmp_path):
    rows = [turns(("user", "Q"), ("assistant", "A")), turns(("user", "Q"), ("assistant", ""))]
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    (detail,) = result.rejected["detail"].to_list()
    assert detail == "d.jsonl line 2: turn 2 (assistant) is empty"


def test_invalid_utf8_is_rejected_after_repair(tmp_path):
    path = tmp_path / "bytes.jsonl"
    good = b'{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}\n'
    bad = good.replace(b'"Q"', b'"Q\xff"')
    path.write_bytes(good + bad)
    from curate.io.ingest import InputSource, ingest

    batch, _, _ = ingest([InputSource(path, "bytes.jsonl")])
    result = run_stage(ValidateConfig().build(), batch, tmp_path)
    assert reasons_by_line(result) == {2: "schema.invalid_utf8"}


def test_preference_pair_needs_both_answers(tmp_path):
    rows = [
        {"prompt": "Can I return shoes?", "chosen": "Yes, within 30 days.", "rejected": "No."},
        {"prompt": "Can I return a kettle?", "chosen": "Yes, unused.", "rejected": " "},
        {
            "prompt": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}],
            "chosen": "B",
            "rejected": "C",
        },
    ]
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, rows), tmp_path)
    assert reasons_by_line(result) == {2: "schema.bad_preference", 3: "schema.bad_role_order"}
