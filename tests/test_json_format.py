"""json_format: answers that are not JSON, or break the configured schema, are rejected."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from curate.stages.json_format import JsonFormatConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, reasons_by_line, run_stage

ROUTE_SCHEMA = {
    "type": "object",
    "required": ["team", "priority"],
    "properties": {
        "team": {"enum": ["billing", "shipping"]},
        "priority": {"enum": ["low", "high"]},
    },
    "additionalProperties": False,
}
ROWS = [
    chat("T1", '{"team": "billing", "priority": "low"}'),
    chat("T2", "{'team': 'billing', 'priority': 'low'}"),
    chat("T3", '{"team": "legal", "priority": "low"}'),
    chat("T4", '{"team": "shipping"}'),
    chat("T5", '{"team": "shipping", "priority": "high", "extra": 1}'),
    chat("T6", 'Sure: {"team": "shipping", "priority": "high"}'),
]


def test_without_a_schema_only_unparseable_answers_are_rejected(tmp_path):
    batch = batch_of(tmp_path, ROWS, "d.jsonl")
    result = run_stage(JsonFormatConfig().build(), batch, tmp_path)
    assert reasons_by_line(result) == {2: "format.invalid_json", 6: "format.invalid_json"}
    assert result.metrics["invalid_json"] == 2
    detail = result.rejected.sort("source_line")["detail"][0]
    assert detail.startswith("d.jsonl line 2: the answer is not valid JSON")


@pytest.mark.parametrize("use_jsonschema", [True, False])
def test_a_schema_rejects_unknown_enums_missing_and_extra_keys(
    tmp_path, monkeypatch, use_jsonschema
):
    if not use_jsonschema:  # the built-in fallback agrees with jsonschema on these cases
        monkeypatch.setitem(__import__("sys").modules, "jsonschema", None)
    config = JsonFormatConfig(json_schema=ROUTE_SCHEMA)
    result = run_stage(config.build(), batch_of(tmp_path, ROWS, "d.jsonl"), tmp_path)
    mismatch = "format.schema_mismatch"
    assert reasons_by_line(result) == {
        2: "format.invalid_json",
        3: mismatch,
        4: mismatch,
        5: mismatch,
        6: "format.invalid_json",
    }
    assert result.kept.height == 1
    details = dict(result.rejected.select("source_line", "detail").iter_rows())
    assert "'legal'" in details[3]
    assert "priority" in details[4]
    assert "extra" in details[5]


def test_the_last_assistant_turn_is_the_one_checked(tmp_path):
    row = {
        "messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "not json"},
            {"role": "user", "content": "again"},
            {"role": "assistant", "content": '{"ok": true}'},
        ]
    }
    result = run_stage(JsonFormatConfig().build(), batch_of(tmp_path, [row]), tmp_path)
    assert result.rejected.height == 0


def test_an_invalid_schema_is_a_config_error():
    with pytest.raises(ValidationError, match="not a valid JSON Schema"):
        JsonFormatConfig(json_schema={"type": "no-such-type"})
