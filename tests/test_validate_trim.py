"""validate's repairs: unanswered trailing user turns trimmed by default, a leading assistant
turn trimmed on request; each repair recorded in the row's lineage, with a fresh content id."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from curate.record import compact_turns, content_id
from curate.runs.runner import run_pipeline
from curate.stages.validate import ValidateConfig
from tests.conftest import write_jsonl
from tests.stage_helpers import batch_of, reasons_by_line, run_stage


def turns(*pairs: tuple[str, str]) -> dict:
    return {"messages": [{"role": r, "content": c} for r, c in pairs]}


ANSWERED = (("user", "Where is my parcel?"), ("assistant", "It left the depot this morning."))


def by_line(frame: pl.DataFrame) -> dict[int, dict]:
    return {r["source_line"]: r for r in frame.iter_rows(named=True)}


def test_trailing_user_turns_are_trimmed_to_the_last_answer_by_default(tmp_path):
    rows = [
        turns(*ANSWERED, ("user", "Thanks!")),
        turns(*ANSWERED, ("user", "One more thing"), ("user", "hello?")),
        turns(*ANSWERED, ("user", "   ")),  # an empty last turn goes with the trim
        turns(*ANSWERED),
    ]
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert result.rejected.height == 0
    kept = by_line(result.kept)
    for line in (1, 2, 3, 4):
        assert compact_turns(kept[line]["messages"]) == rows[3]["messages"], line
        assert kept[line]["id"] == content_id(rows[3]["messages"])
    old_id = content_id(rows[0]["messages"])
    assert kept[1]["lineage"] == [
        {
            "stage": "validate",
            "change": "trimmed_trailing_user",
            "detail": f"dropped turn 3 (user, unanswered); id was {old_id}",
        }
    ]
    assert kept[2]["lineage"][0]["detail"].startswith("dropped turns 3-4 (user, unanswered)")
    assert kept[4]["lineage"] == []
    assert result.metrics["trimmed_trailing_user"] == 3
    assert result.metrics["turns_trimmed"] == 4
    assert result.metrics["trimmed_leading_assistant"] == 0


def test_a_conversation_with_no_answer_to_trim_to_is_still_rejected(tmp_path):
    rows = [
        turns(("system", "Be brief."), ("user", "Hello?")),
        turns(("user", "A"), ("user", "B"), ("assistant", "C"), ("user", "D")),
    ]
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {1: "schema.bad_last_role", 2: "schema.bad_role_order"}
    rejected = by_line(result.rejected)
    assert rejected[1]["detail"] == (
        "d.jsonl line 1: the last turn is 'user' and no assistant turn before it to trim to"
    )
    # a rejected row is exported as it came in, with its own id and no lineage
    assert compact_turns(rejected[2]["messages"]) == rows[1]["messages"]
    assert rejected[2]["id"] == content_id(rows[1]["messages"])
    assert rejected[2]["lineage"] == []
    assert result.metrics["trimmed_trailing_user"] == 0


def test_trailing_user_reject_keeps_the_strict_rule(tmp_path):
    rows = [turns(*ANSWERED, ("user", "Thanks!"))]
    config = ValidateConfig(trailing_user="reject")
    result = run_stage(config.build(), batch_of(tmp_path, rows, "d.jsonl"), tmp_path)
    assert reasons_by_line(result) == {1: "schema.bad_last_role"}
    assert result.rejected["detail"].item() == (
        "d.jsonl line 1: the last turn is 'user'; it must be assistant"
    )


def test_a_leading_assistant_turn_is_rejected_by_default_and_trimmed_on_request(tmp_path):
    greeting = ("assistant", "Hi! How can I help?")
    rows = [
        turns(greeting, *ANSWERED),
        turns(("system", "Be brief."), greeting, greeting, *ANSWERED, ("user", "Bye")),
        turns(greeting),
        turns(greeting, ("user", "A"), ("user", "B"), ("assistant", "C")),
    ]
    batch = batch_of(tmp_path, rows, "d.jsonl")
    default = run_stage(ValidateConfig().build(), batch, tmp_path)
    assert reasons_by_line(default) == {
        1: "schema.bad_first_role",
        2: "schema.bad_role_order",
        3: "schema.bad_first_role",
        4: "schema.bad_first_role",
    }
    trim = run_stage(ValidateConfig(leading_assistant="trim").build(), batch, tmp_path)
    assert reasons_by_line(trim) == {3: "schema.bad_first_role", 4: "schema.bad_role_order"}
    # turn numbers in a rejection count the turns as they came in
    assert by_line(trim.rejected)[4]["detail"] == (
        "d.jsonl line 4: turn 3 is 'user' where 'assistant' was expected (roles must alternate)"
    )
    kept = by_line(trim.kept)
    assert compact_turns(kept[1]["messages"]) == turns(*ANSWERED)["messages"]
    both = kept[2]
    assert compact_turns(both["messages"]) == turns(("system", "Be brief."), *ANSWERED)["messages"]
    assert [e["change"] for e in both["lineage"]] == [
        "trimmed_leading_assistant",
        "trimmed_trailing_user",
    ]
    assert both["lineage"][0]["detail"].startswith(
        "dropped turns 2-3 (assistant, before the first user turn)"
    )
    assert both["lineage"][1]["detail"].startswith("dropped turn 6 (user, unanswered)")
    assert trim.metrics["trimmed_leading_assistant"] == 2
    assert trim.metrics["trimmed_trailing_user"] == 1


def test_a_preference_prompt_is_not_trimmed(tmp_path):
    rows = [{"prompt": "Can I return shoes?", "chosen": "Yes, within 30 days.", "rejected": "No."}]
    batch = batch_of(tmp_path, rows)
    result = run_stage(ValidateConfig().build(), batch, tmp_path)
    assert result.kept["messages"].to_list() == batch["messages"].to_list()
    assert result.kept["id"].to_list() == batch["id"].to_list()


def test_an_unknown_repair_is_a_config_error():
    with pytest.raises(ValidationError, match="trailing_user"):
        ValidateConfig(trailing_user="drop")


def test_a_trimmed_chat_is_an_exact_duplicate_of_its_answered_twin(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", [turns(*ANSWERED), turns(*ANSWERED, ("user", "Thanks!"))])
    (tmp_path / "p.yaml").write_text(
        "inputs: [d.jsonl]\nstages: [validate, {exact_dedup: {normalized: false}}]\n"
    )
    outcome = run_pipeline(tmp_path / "p.yaml")
    validate = next(s for s in outcome.manifest.stages if s.name == "validate")
    assert validate.metrics["trimmed_trailing_user"] == 1 and validate.rejected == 0
    rejected = (outcome.run_dir / "export" / "rejected.jsonl").read_text()
    assert '"reason":"dedup.exact"' in rejected and '"line":2' in rejected
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "turns trimmed (unanswered, or before the first question): 1" in report
