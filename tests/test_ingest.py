"""Ingest: every input row becomes exactly one example or one rejection."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.errors import InputError
from curate.io.ingest import InputSource, ingest
from curate.record import compact_turns

os.environ["HF_HUB_OFFLINE"] = "1"


def chat(user: str, answer: str = "ok", **meta) -> dict:
    turns = [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": turns, **meta}


def write_lines(path: Path, rows: list) -> Path:
    """JSONL; a str row is written verbatim."""
    path.write_bytes(
        b"".join((r.encode() if isinstance(r, str) else orjson.dumps(r)) + b"\n" for r in rows)
    )
    return path


def run(path: Path, label: str | None = None, **kwargs):
    return ingest([InputSource(path, label or str(path), kwargs.pop("format", None))], **kwargs)


def by_reason(rejected, reason: str) -> list[dict]:
    return [r for r in rejected.iter_rows(named=True) if r["reason"] == reason]


MIXED = [
    chat("q0"),
    '{"messages": [',
    "[1, 2, 3]",
    {"text": "no format", "label": 1},
    chat("q4"),
    {"messages": [{"content": "no role"}]},
    '"just a string"',
    chat("q7"),
]


def test_row_numbers_cover_kept_and_rejected_exactly_once(tmp_path):
    first = write_lines(tmp_path / "a.jsonl", MIXED)
    second = write_lines(tmp_path / "b.jsonl", [chat("b0"), "nope"])
    examples, rejected, summaries = ingest(
        [InputSource(first, "a"), InputSource(second, "b")], chunk_size=3
    )
    rows = examples["row"].to_list() + rejected["row"].to_list()
    assert sorted(rows) == list(range(len(MIXED) + 2))
    assert [(s.rows, s.parsed, s.rejected) for s in summaries] == [(8, 3, 5), (2, 1, 1)]


def test_malformed_jsonl_line_becomes_parse_invalid_json_rejection(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", MIXED)
    _, rejected, _ = run(path, "mine.jsonl")
    (bad,) = by_reason(rejected, "parse.invalid_json")
    assert bad["detail"].startswith("mine.jsonl line 2: ")
    assert bad["raw"] == '{"messages": ['
    assert (bad["source_file"], bad["source_line"]) == ("mine.jsonl", 2)


def test_json_values_that_are_not_objects_become_parse_not_an_object(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", MIXED)
    _, rejected, _ = run(path)
    lines = [r["source_line"] for r in by_reason(rejected, "parse.not_an_object")]
    assert lines == [3, 7]


def test_row_of_unknown_format_becomes_parse_unknown_format_naming_fields(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", MIXED)
    _, rejected, _ = run(path)
    (row,) = by_reason(rejected, "parse.unknown_format")
    assert row["source_line"] == 4
    assert "text, label" in row["detail"]
    assert json.loads(row["raw"]) == {"text": "no format", "label": 1}


def test_turn_without_role_becomes_parse_bad_field_naming_the_field(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", MIXED)
    _, rejected, _ = run(path)
    (row,) = by_reason(rejected, "parse.bad_field")
    assert row["source_line"] == 6
    assert "messages[0].role" in row["detail"]


def test_strict_mode_raises_input_error_at_the_first_bad_row(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", MIXED)
    with pytest.raises(InputError) as info:
        run(path, "in.jsonl", strict=True)
    assert (info.value.file, info.value.line) == ("in.jsonl", 2)
    assert str(info.value).startswith("in.jsonl:2: ")


def test_file_where_no_row_has_a_known_format_raises_input_error_naming_fields(tmp_path):
    path = write_lines(
        tmp_path / "plain.jsonl", [{"text": "a", "label": 0}, {"text": "b", "label": 1}]
    )
    with pytest.raises(InputError) as info:
        run(path, "plain.jsonl")
    assert "text, label" in str(info.value)
    assert info.value.file == "plain.jsonl" and info.value.line == 1


def test_explicit_format_overrides_detection(tmp_path):
    row = {**chat("from messages"), "instruction": "from instruction", "output": "hi"}
    path = write_lines(tmp_path / "both.jsonl", [row])
    detected, _, (summary,) = run(path)
    assert summary.formats == {"chat": 1}
    assert detected["messages"][0][0]["content"] == "from messages"
    forced, rejected, (summary,) = run(path, format="alpaca")
    assert rejected.height == 0
    assert summary.formats == {"alpaca": 1}
    assert compact_turns(forced["messages"][0])[0] == {
        "role": "user",
        "content": "from instruction",
    }
    assert json.loads(forced["meta"][0]) == {"messages": row["messages"]}


def test_file_of_chat_rows_with_bad_fields_is_not_reported_as_unknown_format(tmp_path):
    path = write_lines(tmp_path / "roleless.jsonl", [{"messages": [{"content": "no role"}]}] * 2)
    try:
        run(path)
    except InputError as exc:
        assert "messages[0].role" in str(exc)


def test_source_names_label_unit_and_line(tmp_path):
    path = write_lines(tmp_path / "data.jsonl", [chat("a"), "", chat("b", tag="x")])
    examples, _, _ = run(path, "train-set")
    assert examples["source"].to_list() == ["train-set line 1", "train-set line 3"]
    assert examples["source_line"].to_list() == [1, 3]
    assert json.loads(examples["meta"][1]) == {"tag": "x"}


def test_preference_rows_fill_chosen_and_rejected_while_chat_rows_leave_them_null(tmp_path):
    pair = {"prompt": "Capital?", "chosen": "Paris", "rejected": "Rome"}
    path = write_lines(tmp_path / "both.jsonl", [chat("hi"), pair])
    examples, _, (summary,) = run(path)
    chat_row, pref_row = examples.sort("row").iter_rows(named=True)
    assert chat_row["chosen"] is None and chat_row["rejected"] is None
    assert compact_turns(pref_row["chosen"]) == [{"role": "assistant", "content": "Paris"}]
    assert compact_turns(pref_row["rejected"]) == [{"role": "assistant", "content": "Rome"}]
    assert summary.formats == {"chat": 1, "preference": 1}


def hand_id(turns: list[dict]) -> str:
    text = json.dumps(turns, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ALPACA = [
    {"instruction": "Add 2 and 2.", "input": "", "output": "4"},
    {"instruction": "Translate.", "input": "chat → cat", "output": "cat"},
    {"instruction": 'Say, "hi"\non two lines', "input": "", "output": "hi"},
]


def test_same_alpaca_rows_from_jsonl_parquet_csv_and_hf_folder_get_the_same_ids(tmp_path):
    from datasets import Dataset

    jsonl = write_lines(tmp_path / "a.jsonl", ALPACA)
    parquet = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist(ALPACA), parquet)
    csv_path = tmp_path / "a.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["instruction", "input", "output"])
        writer.writeheader()
        writer.writerows(ALPACA)
    Dataset.from_list(ALPACA).save_to_disk(str(tmp_path / "hf"))

    expected = []
    for row in ALPACA:
        user = row["instruction"] + (f"\n\n{row['input']}" if row["input"] else "")
        expected.append(
            hand_id(
                [{"role": "user", "content": user}, {"role": "assistant", "content": row["output"]}]
            )
        )
    for path in (jsonl, parquet, csv_path, tmp_path / "hf"):
        examples, rejected, _ = run(path)
        assert rejected.height == 0, path
        assert examples.sort("row")["id"].to_list() == expected, path


def test_same_chat_rows_from_jsonl_json_array_and_dataset_dict_get_the_same_ids(tmp_path):
    from datasets import Dataset, DatasetDict

    rows = [chat("q1", "a1"), chat("q2", "a2"), chat("q3", "a3")]
    jsonl = write_lines(tmp_path / "c.jsonl", rows)
    array = tmp_path / "c.json"
    array.write_bytes(orjson.dumps(rows))
    DatasetDict(
        {"train": Dataset.from_list(rows[:2]), "test": Dataset.from_list(rows[2:])}
    ).save_to_disk(str(tmp_path / "dd"))
    expected = [hand_id(r["messages"]) for r in rows]
    for path in (jsonl, array, tmp_path / "dd"):
        assert run(path)[0].sort("row")["id"].to_list() == expected, path
    assert run(array, "arr")[0]["source"].to_list() == ["arr item 1", "arr item 2", "arr item 3"]
    sources = run(tmp_path / "dd", "dd")[0]["source"].to_list()
    assert sorted(sources) == ["dd[test] row 1", "dd[train] row 1", "dd[train] row 2"]


def test_content_parts_and_plain_strings_with_one_text_share_an_id(tmp_path):
    parts = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "q"}]},
            {"role": "assistant", "content": "a"},
        ]
    }
    path = write_lines(tmp_path / "p.jsonl", [parts, chat("q", "a")])
    ids = run(path)[0]["id"].to_list()
    assert ids[0] == ids[1]


def test_summary_records_file_sha256_and_utf8_flags_reach_the_frame(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes(
        orjson.dumps(chat("fine"))
        + b"\n"
        + b'{"messages": [{"role": "user", "content": "\xff"}]}\n'
    )
    examples, _, (summary,) = run(path)
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert summary.container == "jsonl"
    assert examples.sort("row")["utf8_ok"].to_list() == [True, False]


def test_csv_saved_with_a_byte_order_mark_is_read_as_alpaca(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("instruction,input,output\nq,,a\n".encode("utf-8-sig"))
    examples, _, _ = run(path)
    assert examples["format"].to_list() == ["alpaca"]
