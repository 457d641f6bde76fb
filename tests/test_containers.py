"""Containers: how a file's kind is detected and how its rows are numbered and decoded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.errors import InputError
from curate.io.containers import RawRow, detect_container, iter_rows

os.environ["HF_HUB_OFFLINE"] = "1"

CHAT = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}


def read_all(path: Path, **kwargs) -> list[RawRow]:
    container = detect_container(path)
    return [
        row
        for _, chunk in iter_rows(path, container, progress=lambda n: None, **kwargs)
        for row in chunk
    ]


def chat(i: int) -> dict:
    return {
        "messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}]
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("d.jsonl", "jsonl"),
        ("d.NDJSON", "jsonl"),
        ("d.csv", "csv"),
        ("d.tsv", "csv"),
        ("d.parquet", "parquet"),
        ("d.pq", "parquet"),
    ],
)
def test_container_is_detected_from_the_suffix(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert detect_container(path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'  \n[{"a": 1}]', "json"),
        (b'{"data": [{"a": 1}], "version": "1"}', "json"),
        (b'{"a": 1}\n{"a": 2}\n', "jsonl"),
    ],
)
def test_dot_json_file_is_told_apart_by_its_first_byte(tmp_path, text, expected):
    path = tmp_path / "d.json"
    path.write_bytes(text)
    assert detect_container(path) == expected


def test_missing_file_raises_input_error_naming_it(tmp_path):
    path = tmp_path / "nowhere.jsonl"
    with pytest.raises(InputError) as info:
        detect_container(path)
    assert str(path) in str(info.value)


def test_unknown_suffix_raises_input_error_naming_file_and_suffix(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(InputError) as info:
        detect_container(path)
    assert str(path) in str(info.value)
    assert ".txt" in str(info.value)


def test_folder_that_is_not_a_hf_dataset_raises_input_error(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(orjson.dumps(CHAT))
    with pytest.raises(InputError) as info:
        detect_container(folder)
    assert str(folder) in str(info.value)


def test_hf_dataset_and_dataset_dict_folders_are_detected(tmp_path):
    from datasets import Dataset, DatasetDict

    Dataset.from_list([chat(0)]).save_to_disk(str(tmp_path / "ds"))
    DatasetDict({"train": Dataset.from_list([chat(1)])}).save_to_disk(str(tmp_path / "dd"))
    assert detect_container(tmp_path / "ds") == "hf"
    assert detect_container(tmp_path / "dd") == "hf"
    assert [r.data for r in read_all(tmp_path / "dd")] == [chat(1)]


def test_json_array_items_are_numbered_from_one(tmp_path):
    path = tmp_path / "rows.json"
    rows = [chat(i) for i in range(5)]
    path.write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
    got = read_all(path, chunk_size=2)
    assert [r.pos for r in got] == [1, 2, 3, 4, 5]
    assert [r.data for r in got] == rows


def test_wrapped_json_object_yields_the_rows_in_its_list(tmp_path):
    path = tmp_path / "wrapped.json"
    rows = [chat(0), chat(1)]
    path.write_bytes(orjson.dumps({"name": "set", "data": rows}))
    assert [r.data for r in read_all(path)] == rows


def test_broken_json_array_raises_input_error_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"messages": []},\n  {oops}]')
    with pytest.raises(InputError) as info:
        read_all(path)
    assert str(path) in str(info.value)
    assert info.value.line == 2


def test_blank_lines_are_skipped_but_line_numbers_are_kept(tmp_path):
    path = tmp_path / "gaps.jsonl"
    lines = [json.dumps(chat(0)), "", json.dumps(chat(1)), "   ", "\r", json.dumps(chat(2))]
    path.write_text("\n".join(lines) + "\n")
    got = read_all(path)
    expected = [i + 1 for i, line in enumerate(lines) if line.strip()]
    assert [r.pos for r in got] == expected == [1, 3, 6]


def test_malformed_jsonl_line_is_yielded_with_raw_text_and_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(chat(0)) + '\n{"messages": [\n')
    good, bad = read_all(path)
    assert good.error is None and good.data == chat(0)
    assert bad.pos == 2 and bad.data is None
    assert bad.raw == '{"messages": ['
    assert bad.error


def test_invalid_utf8_bytes_in_jsonl_give_utf8_not_ok_and_replacement_char(tmp_path):
    path = tmp_path / "latin1.jsonl"
    bad = b'{"messages": [{"role": "user", "content": "caf\xe9"}]}'
    path.write_bytes(orjson.dumps(chat(0)) + b"\n" + bad + b"\n")
    ok, broken = read_all(path)
    assert ok.utf8_ok is True
    assert broken.utf8_ok is False
    assert broken.data["messages"][0]["content"] == "caf\ufffd"


def test_lone_surrogate_escape_in_jsonl_gives_utf8_not_ok(tmp_path):
    path = tmp_path / "surrogate.jsonl"
    path.write_bytes(b'{"messages": [{"role": "user", "content": "x\\ud800y"}]}\n')
    (row,) = read_all(path)
    assert row.error is None
    assert row.utf8_ok is False
    assert row.data["messages"][0]["content"] == "x\ufffdy"


def test_lone_surrogate_escape_in_json_array_gives_utf8_not_ok_for_that_item(tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_bytes(b'[{"messages": [{"role": "user", "content": "x\\ud800y"}]}]')
    (row,) = read_all(path)
    assert row.utf8_ok is False


def test_dot_json_file_holding_one_chat_object_is_read_as_one_row(tmp_path):
    path = tmp_path / "single.json"
    path.write_bytes(orjson.dumps(CHAT) + b"\n")
    assert [r.data for r in read_all(path)] == [CHAT]


CSV_TEXT = 'instruction,input,output\nfirst,,a\n"two\nline\ncell",,b\nlast,"x, y",c\n'


def test_csv_line_numbers_count_physical_lines_of_multiline_cells(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(CSV_TEXT)
    physical = CSV_TEXT.split("\n")
    got = read_all(path)
    assert [r.data["instruction"] for r in got] == ["first", "two\nline\ncell", "last"]
    assert got[1].pos == physical.index('"two') + 1
    assert got[2].pos == physical.index('last,"x, y",c') + 1
    assert got[2].data["input"] == "x, y"


def test_first_csv_data_row_is_reported_on_line_two(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(CSV_TEXT)
    assert read_all(path)[0].pos == 2


def test_tsv_splits_on_tabs_and_keeps_commas_in_cells(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_text("instruction\tinput\toutput\nadd 1, 2\t\t3\n")
    (row,) = read_all(path)
    assert row.data == {"instruction": "add 1, 2", "input": "", "output": "3"}


def test_csv_row_with_more_cells_than_header_is_an_error_row(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("instruction,output\na,b\nc,d,extra\n")
    good, bad = read_all(path)
    assert good.error is None
    assert bad.data is None and bad.error == "more cells than header"


def test_invalid_utf8_in_csv_gives_utf8_not_ok_and_replacement_char(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"instruction,output\ncaf\xe9,ok\nfine,ok\n")
    broken, fine = read_all(path)
    assert broken.utf8_ok is False and broken.data["instruction"] == "caf\ufffd"
    assert fine.utf8_ok is True


def test_parquet_rows_are_numbered_from_one_across_batches(tmp_path):
    path = tmp_path / "rows.parquet"
    rows = [chat(i) for i in range(5)]
    pq.write_table(pa.Table.from_pylist(rows), path)
    got = read_all(path, chunk_size=2)
    assert [r.pos for r in got] == [1, 2, 3, 4, 5]
    assert [r.data for r in got] == rows


def test_corrupt_parquet_raises_input_error_naming_the_file(tmp_path):
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(InputError) as info:
        read_all(path)
    assert str(path) in str(info.value)


def test_jsonl_progress_adds_up_to_the_file_size(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"".join(orjson.dumps(chat(i)) + b"\n" for i in range(7)))
    seen: list[int] = []
    for _ in iter_rows(path, "jsonl", chunk_size=3, progress=seen.append):
        pass
    assert sum(seen) == path.stat().st_size
