"""Rows that must not take their file down, and values that must not change silently: each
becomes a rejection with its file, line and a reason that says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.errors import InputError
from curate.io.ingest import INGEST_REASONS, InputSource, ingest
from curate.reasons import all_reasons
from tests.conftest import chat

GOOD = orjson.dumps(chat("Where is my parcel?", "It left the depot this morning."))
OTHER = orjson.dumps(chat("Can I change my address?", "Yes, under Account, then Address."))


def row_with(field_json: str) -> bytes:
    """A good chat row with one extra field, written as ``field_json`` verbatim."""
    return GOOD[:-1] + b', "extra": ' + field_json.encode() + b"}"


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def ingest_file(path: Path, **kwargs):
    return ingest([InputSource(path, path.name)], **kwargs)


def jsonl_around(tmp_path: Path, middle: bytes, name: str = "data.jsonl") -> Path:
    """A JSONL file: a good row, ``middle``, another good row."""
    path = tmp_path / name
    path.write_bytes(GOOD + b"\n" + middle + b"\n" + OTHER + b"\n")
    return path


def only_rejection(rejected) -> dict:
    (row,) = rejected.iter_rows(named=True)
    return row


@pytest.mark.parametrize(
    ("middle", "reason", "words"),
    [
        (nested(1500).encode(), "parse.too_deep", "levels deep"),
        (row_with(nested(1500)), "parse.too_deep", "levels deep"),
        (row_with(nested(300)), "parse.too_deep", "301 levels deep"),
        (row_with("9" * 401), "parse.integer_too_large", "401 digits"),
        (row_with("-" + "9" * 401), "parse.integer_too_large", "401 digits"),
        (row_with("NaN"), "parse.non_finite_number", "NaN is not a JSON number"),
        (row_with("Infinity"), "parse.non_finite_number", "Infinity is not a JSON number"),
        (row_with("[1, -Infinity]"), "parse.non_finite_number", "-Infinity"),
        (row_with("1e400"), "parse.non_finite_number", "too large for a float"),
    ],
    ids=[
        "array-1500-deep",
        "field-1500-deep",
        "field-300-deep",
        "401-digit-int",
        "negative-401-digit-int",
        "nan",
        "infinity",
        "minus-infinity-in-list",
        "float-overflow",
    ],
)
def test_a_pathological_jsonl_line_is_one_rejection_and_the_good_rows_stay(
    tmp_path, middle, reason, words
):
    kept, rejected, (summary,) = ingest_file(jsonl_around(tmp_path, middle))
    assert kept["source_line"].to_list() == [1, 3]
    bad = only_rejection(rejected)
    assert (bad["reason"], bad["source_file"], bad["source_line"]) == (reason, "data.jsonl", 2)
    assert bad["detail"].startswith("data.jsonl line 2: ") and words in bad["detail"]
    assert (summary.rows, summary.parsed, summary.rejected) == (3, 2, 1)


def test_an_integer_beyond_64_bits_in_a_passthrough_field_is_rejected_not_rounded(tmp_path):
    big = "1" + "0" * 20  # 2**66 or so: orjson alone would read it as the float 1e+20
    kept, rejected, _ = ingest_file(jsonl_around(tmp_path, row_with(big)))
    bad = only_rejection(rejected)
    assert bad["reason"] == "parse.integer_too_large"
    assert big in bad["detail"] and "write it as a string" in bad["detail"]
    assert bad["raw"] == row_with(big).decode()  # the line as written, not a rounded copy
    assert [json.loads(m) for m in kept["meta"]] == [{}, {}]


@pytest.mark.parametrize(
    "value",
    [
        str(2**64 - 1),  # the largest integer orjson keeps exactly
        str(-(2**63)),
        "1e20",  # a float as written: it stays a float
        "-1.5e300",
        '"123456789012345678901234567890"',  # a long number in a string
        "[9223372036854775807, 1.0e19]",
    ],
)
def test_numbers_that_survive_exactly_are_kept_as_written(tmp_path, value):
    kept, rejected, _ = ingest_file(jsonl_around(tmp_path, row_with(value)))
    assert rejected.height == 0
    meta = json.loads(kept.sort("source_line")["meta"][1])
    assert meta == {"extra": json.loads(value)}
    assert type(meta["extra"]) is type(json.loads(value))


def test_a_row_of_unknown_format_nested_too_deep_for_orjson_to_write_is_still_rejected(tmp_path):
    deep = b'{"text": ' + nested(300).encode() + b"}"
    kept, rejected, _ = ingest_file(jsonl_around(tmp_path, deep))
    bad = only_rejection(rejected)
    assert (bad["reason"], bad["source_line"], bad["raw"]) == (
        "parse.unknown_format",
        2,
        deep.decode(),
    )
    assert kept.height == 2


def test_a_byte_order_mark_before_the_first_jsonl_row_is_dropped_and_the_row_kept(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD + b"\n" + OTHER + b"\n")
    kept, rejected, _ = ingest_file(path)
    assert rejected.height == 0
    assert kept["source_line"].to_list() == [1, 2]
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(GOOD + b"\n" + OTHER + b"\n")
    assert kept["id"].to_list() == ingest_file(plain)[0]["id"].to_list()


def test_a_byte_order_mark_before_a_json_array_is_dropped(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf[\n  " + GOOD + b",\n  " + OTHER + b"\n]\n")
    kept, rejected, (summary,) = ingest_file(path)
    assert summary.container == "json"
    assert (kept.height, rejected.height) == (2, 0)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (row_with(nested(1500)), "parse.too_deep"),
        (row_with(nested(300)), "parse.too_deep"),
        (row_with("NaN"), "parse.non_finite_number"),
        (row_with("1" + "0" * 25), "parse.integer_too_large"),
    ],
    ids=["1500-deep", "300-deep", "nan", "26-digit-int"],
)
def test_a_bad_item_of_a_json_array_is_one_rejection_and_the_others_stay(tmp_path, item, reason):
    path = tmp_path / "rows.json"
    path.write_bytes(b"[" + GOOD + b",\n" + item + b",\n" + OTHER + b"]")
    kept, rejected, _ = ingest_file(path)
    assert kept["source_line"].to_list() == [1, 3]
    bad = only_rejection(rejected)
    assert (bad["reason"], bad["source_line"]) == (reason, 2)
    assert bad["detail"].startswith("rows.json item 2: ")


def test_a_json_item_too_deep_to_write_back_is_rejected_with_a_placeholder_text(tmp_path):
    path = tmp_path / "rows.json"
    path.write_bytes(b"[" + GOOD + b', {"text": ' + nested(600).encode() + b"}]")
    kept, rejected, _ = ingest_file(path)
    bad = only_rejection(rejected)
    assert (bad["reason"], bad["source_line"]) == ("parse.unknown_format", 2)
    assert bad["raw"] == "(dict not shown: nested more than 200 levels deep)"
    assert kept.height == 1


def test_nan_in_one_row_of_a_wrapped_json_document_rejects_only_that_row(tmp_path):
    path = tmp_path / "wrapped.json"
    path.write_bytes(b'{"version": 2, "data": [' + GOOD + b", " + row_with("NaN") + b"]}")
    kept, rejected, (summary,) = ingest_file(path)
    assert summary.container == "json"
    assert kept["source_line"].to_list() == [1]
    assert only_rejection(rejected)["reason"] == "parse.non_finite_number"


def test_strict_mode_stops_at_a_non_finite_number_naming_file_and_line(tmp_path):
    with pytest.raises(InputError) as info:
        ingest_file(jsonl_around(tmp_path, row_with("NaN")), strict=True)
    assert (info.value.file, info.value.line) == ("data.jsonl", 2)
    assert "NaN" in str(info.value)


def test_every_ingest_reason_is_listed_with_a_meaning():
    listed = all_reasons()
    for reason in INGEST_REASONS:
        assert listed[reason.code].meaning == reason.meaning
    codes = {r.code for r in INGEST_REASONS}
    assert {"parse.too_deep", "parse.non_finite_number", "parse.integer_too_large"} <= codes


# Empty inputs


def test_an_empty_input_is_an_error_that_says_the_file_is_empty(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"holds no rows: the file is empty \(0 bytes\)") as info:
        ingest_file(path, require_rows=True)
    assert info.value.file == "empty.jsonl"


def test_a_whitespace_only_input_is_an_error_that_says_so(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"  \n\n\t\r\n")
    with pytest.raises(InputError, match="only blank lines"):
        ingest_file(path, require_rows=True)


def test_when_every_input_is_empty_the_error_names_each(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.json").write_bytes(b"[]")
    sources = [InputSource(tmp_path / n, n) for n in ("a.jsonl", "b.json")]
    with pytest.raises(InputError) as info:
        ingest(sources, require_rows=True)
    assert "a.jsonl: the file is empty" in str(info.value)
    assert "b.json: the file holds no rows" in str(info.value)


def test_one_empty_input_beside_a_full_one_is_read_with_zero_rows(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    full = jsonl_around(tmp_path, OTHER, "full.jsonl")
    sources = [InputSource(tmp_path / "empty.jsonl", "empty.jsonl"), InputSource(full, "full")]
    kept, _, summaries = ingest(sources, require_rows=True)
    assert kept.height == 3
    assert [s.rows for s in summaries] == [0, 3]


# Property: whatever the bytes, ingest accounts for every line and never raises.

# tmp_path is shared by the examples of one test: each example rewrites its file. No example
# database, so that no .hypothesis folder appears in the checkout.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
turns = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["system", "user", "assistant"]), "content": st.text()}
    ),
    min_size=1,
    max_size=3,
)
chat_rows = st.fixed_dictionaries(
    {"messages": turns},
    optional={f"x_{name}": json_values for name in ("id", "score", "tags", "info")},
)


def non_blank_lines(data: bytes) -> list[int]:
    """The line numbers a JSONL reader must account for (blank lines are not rows)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [i + 1 for i, line in enumerate(lines) if line.removeprefix(b"\xef\xbb\xbf").strip()]


def encoded(value: object, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.tuples(json_values, st.booleans()).map(lambda v: encoded(*v)),
            st.tuples(chat_rows, st.booleans()).map(lambda v: encoded(*v)),
            st.binary(max_size=60),
        ),
        max_size=8,
    )
)
def test_ingest_accounts_for_every_line_of_arbitrary_bytes(tmp_path, lines):
    data = b"\n".join(lines) + b"\n"
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    try:
        kept, rejected, (summary,) = ingest_file(path)
    except InputError as exc:  # the only allowed error: no row in a known format at all
        assert "no row matches a known format" in str(exc)
        return
    seen = sorted(kept["source_line"].to_list() + rejected["source_line"].to_list())
    assert seen == non_blank_lines(data)
    assert sorted(kept["row"].to_list() + rejected["row"].to_list()) == list(range(len(seen)))
    assert set(rejected["reason"].to_list()) <= {r.code for r in INGEST_REASONS}
    assert summary.rows == len(seen)


@FUZZ
@given(rows=st.lists(st.tuples(chat_rows, st.booleans()), min_size=1, max_size=6))
def test_a_chat_row_is_kept_with_its_fields_unchanged_or_rejected_with_a_reason(tmp_path, rows):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"".join(encoded(row, ascii_only) + b"\n" for row, ascii_only in rows))
    kept, rejected, _ = ingest_file(path)
    assert kept.height + rejected.height == len(rows)
    by_line = {r["source_line"]: r for r in kept.iter_rows(named=True)}
    for line, (row, _) in enumerate(rows, start=1):
        if line not in by_line:
            continue
        stored = json.loads(by_line[line]["meta"])  # the stdlib keeps integers exact
        original = {k: v for k, v in row.items() if k != "messages"}
        if by_line[line]["utf8_ok"]:  # a repaired row is flagged, and validate rejects it
            assert same_json(stored, original), (stored, original)
    allowed = {"parse.integer_too_large", "parse.non_finite_number", "parse.bad_field"}
    assert set(rejected["reason"].to_list()) <= allowed


def same_json(a: object, b: object) -> bool:
    """Equal as JSON values, with int and float told apart (1 is not 1.0 here)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)  # type: ignore[union-attr]
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


@FUZZ
@given(items=st.lists(st.one_of(json_values, chat_rows), max_size=8), ascii_only=st.booleans())
def test_ingest_accounts_for_every_item_of_an_arbitrary_json_array(tmp_path, items, ascii_only):
    path = tmp_path / "fuzz.json"
    path.write_bytes(encoded(items, ascii_only))
    try:
        kept, rejected, (summary,) = ingest_file(path)
    except InputError as exc:
        assert "no row matches a known format" in str(exc)
        return
    seen = sorted(kept["source_line"].to_list() + rejected["source_line"].to_list())
    assert seen == list(range(1, len(items) + 1))
    assert summary.container == "json"
