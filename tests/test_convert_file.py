"""convert_file: rewrite a data file in another row format and back."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from curate.errors import CurateError
from curate.formats.convert_file import convert_file


def msg(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


CHAT_ROWS = [
    {
        "messages": [
            msg("system", "Answer in French."),
            msg("user", "Hello"),
            msg("assistant", "Bonjour"),
        ],
        "origin": "web",
        "scores": {"helpful": 4},
    },
    {
        "messages": [
            msg("user", "Count to two."),
            msg("assistant", "1, 2"),
            msg("user", "Now three."),
            msg("assistant", "1, 2, 3"),
        ],
        "origin": "book",
        "scores": {"helpful": 5},
    },
    {"messages": [msg("user", "Ping"), msg("assistant", "Pong")], "origin": "test", "scores": {}},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_bytes(
        b"".join((r.encode() if isinstance(r, str) else orjson.dumps(r)) + b"\n" for r in rows)
    )
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_chat_to_alpaca_json_and_back_reproduces_the_rows(tmp_path):
    source = write_jsonl(tmp_path / "chat.jsonl", CHAT_ROWS)
    alpaca = tmp_path / "alpaca.json"
    result = convert_file(source, alpaca, to="alpaca")
    assert (result.written, result.skipped) == (3, [])

    rows = json.loads(alpaca.read_text())
    assert [r["instruction"] for r in rows] == ["Hello", "Now three.", "Ping"]
    assert rows[0]["system"] == "Answer in French."
    assert rows[1]["history"] == [["Count to two.", "1, 2"]]
    assert [r["origin"] for r in rows] == ["web", "book", "test"]

    back = tmp_path / "back.jsonl"
    assert convert_file(alpaca, back, to="chat").written == 3
    assert read_jsonl(back) == CHAT_ROWS


def test_chat_to_sharegpt_and_back_reproduces_the_rows(tmp_path):
    source = write_jsonl(tmp_path / "chat.jsonl", CHAT_ROWS)
    sharegpt = tmp_path / "sg.jsonl"
    convert_file(source, sharegpt, to="sharegpt")
    first = read_jsonl(sharegpt)[0]
    assert [t["from"] for t in first["conversations"]] == ["system", "human", "gpt"]
    back = tmp_path / "back.json"
    convert_file(sharegpt, back, to="chat")
    assert json.loads(back.read_text()) == CHAT_ROWS


def test_parquet_output_is_readable_by_pyarrow(tmp_path):
    source = write_jsonl(tmp_path / "chat.jsonl", CHAT_ROWS)
    target = tmp_path / "out.parquet"
    assert convert_file(source, target, to="alpaca").written == 3
    rows = pq.read_table(target).to_pylist()
    expected = [(r["messages"][-2]["content"], r["messages"][-1]["content"]) for r in CHAT_ROWS]
    assert [(r["instruction"], r["output"]) for r in rows] == expected


@pytest.mark.parametrize("suffix", [".csv", ".txt", ""])
def test_unsupported_output_suffix_raises_curate_error_and_writes_nothing(tmp_path, suffix):
    source = write_jsonl(tmp_path / "chat.jsonl", CHAT_ROWS)
    target = tmp_path / f"out{suffix}"
    with pytest.raises(CurateError) as info:
        convert_file(source, target, to="alpaca")
    assert str(target) in str(info.value)
    assert not target.exists()


def test_rows_alpaca_cannot_hold_are_skipped_with_file_and_line(tmp_path):
    ends_with_user = {"messages": [msg("user", "q"), msg("assistant", "a"), msg("user", "again?")]}
    source = write_jsonl(tmp_path / "chat.jsonl", [CHAT_ROWS[2], ends_with_user, CHAT_ROWS[0]])
    target = tmp_path / "a.jsonl"
    result = convert_file(source, target, to="alpaca")
    assert result.written == 2
    assert len(result.skipped) == 1
    assert result.skipped[0].startswith(f"{source} line 2: ")
    assert "Alpaca" in result.skipped[0]
    assert [r["instruction"] for r in read_jsonl(target)] == ["Ping", "Hello"]


def test_unparseable_rows_are_skipped_with_file_and_line(tmp_path):
    source = write_jsonl(tmp_path / "chat.jsonl", [CHAT_ROWS[2], "{oops", "[]", CHAT_ROWS[0]])
    result = convert_file(source, tmp_path / "out.jsonl", to="sharegpt")
    assert result.written == 2
    assert [s.split(": ")[0] for s in result.skipped] == [f"{source} line 2", f"{source} line 3"]


def test_alpaca_input_ends_up_in_the_chat_user_turn(tmp_path):
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [{"instruction": "Summarise.", "input": "A long text.", "output": "Short.", "id": 9}],
    )
    target = tmp_path / "c.jsonl"
    convert_file(source, target, to="chat")
    assert read_jsonl(target) == [
        {
            "messages": [msg("user", "Summarise.\n\nA long text."), msg("assistant", "Short.")],
            "id": 9,
        }
    ]


def test_preference_pairs_convert_to_chat_with_the_chosen_answer(tmp_path):
    pair = {"prompt": "Capital?", "chosen": "Paris", "rejected": "Rome"}
    source = write_jsonl(tmp_path / "p.jsonl", [pair])
    target = tmp_path / "c.jsonl"
    convert_file(source, target, to="chat")
    assert read_jsonl(target) == [
        {"messages": [msg("user", "Capital?"), msg("assistant", "Paris")]}
    ]
    again = tmp_path / "p2.jsonl"
    convert_file(source, again, to="preference")
    assert read_jsonl(again) == [pair]


def test_source_format_override_is_used_for_reading(tmp_path):
    row = {**CHAT_ROWS[2], "instruction": "Other", "output": "Answer"}
    source = write_jsonl(tmp_path / "odd.jsonl", [row])
    target = tmp_path / "c.jsonl"
    convert_file(source, target, to="chat", source_format="alpaca")
    (out,) = read_jsonl(target)
    assert out["messages"] == [msg("user", "Other"), msg("assistant", "Answer")]
    assert out["origin"] == "test"
