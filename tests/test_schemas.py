"""The committed JSON Schemas are current, and they accept what curate reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from curate.config.schemas import SCHEMA_MODELS, stale_schemas, write_schemas
from curate.formats.convert import detect_format, to_canonical

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def turn(role: str, content) -> dict:
    return {"role": role, "content": content}


VALID = [
    (
        "chat",
        {"messages": [turn("system", "s"), turn("user", "q"), turn("assistant", "a")], "id": 1},
    ),
    ("chat", {"messages": [turn("user", [{"type": "text", "text": "q"}]), turn("assistant", "a")]}),
    ("alpaca", {"instruction": "Add.", "input": "2 and 2", "output": "4"}),
    ("alpaca", {"instruction": "q2", "output": "a2", "system": "s", "history": [["q1", "a1"]]}),
    (
        "sharegpt",
        {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
    ),
    ("preference", {"prompt": "q", "chosen": "good", "rejected": "bad"}),
    (
        "preference",
        {
            "prompt": [turn("user", "q")],
            "chosen": [turn("assistant", "good")],
            "rejected": [turn("assistant", "bad")],
        },
    ),
]

INVALID = [
    ("chat", {"id": 1}),
    ("chat", {"messages": [{"content": "no role"}]}),
    ("alpaca", {"instruction": "no output"}),
    ("alpaca", {"instruction": "q", "output": "a", "history": [["q", "a", "extra"]]}),
    ("sharegpt", {"conversations": [{"from": "human"}]}),
    ("sharegpt", {"conversations": [{"value": "no speaker"}]}),
    ("preference", {"prompt": "q", "chosen": "good"}),
]


def test_committed_schemas_folder_is_current():
    assert SCHEMAS.is_dir()
    assert stale_schemas(SCHEMAS) == []


def test_stale_schemas_names_edited_and_missing_files(tmp_path):
    write_schemas(tmp_path)
    assert stale_schemas(tmp_path) == []
    edited = tmp_path / "alpaca.schema.json"
    edited.write_text(edited.read_text().replace('"instruction"', '"instructions"'))
    (tmp_path / "chat.schema.json").unlink()
    assert sorted(stale_schemas(tmp_path)) == ["alpaca.schema.json", "chat.schema.json"]


def test_every_model_has_a_committed_schema_file():
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(SCHEMA_MODELS)


@pytest.mark.parametrize(("fmt", "row"), VALID)
def test_sample_row_validates_against_its_format_schema(fmt, row):
    errors = list(validator(f"{fmt}.schema.json").iter_errors(row))
    assert errors == []


@pytest.mark.parametrize(("fmt", "row"), VALID)
def test_rows_the_schema_accepts_are_read_as_that_format(fmt, row):
    assert detect_format(row) == fmt
    assert to_canonical(row, fmt).messages


@pytest.mark.parametrize(("fmt", "row"), INVALID)
def test_row_missing_a_required_field_fails_validation(fmt, row):
    assert not validator(f"{fmt}.schema.json").is_valid(row)


def test_sharegpt_schema_uses_the_from_alias_not_the_python_name():
    schema = json.loads((SCHEMAS / "sharegpt.schema.json").read_text())
    turn_schema = schema["$defs"]["ShareGPTTurn"]
    assert set(turn_schema["required"]) == {"from", "value"}
    assert "from_" not in json.dumps(schema)
