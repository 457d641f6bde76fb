"""inspect.profile_file: what a file holds, measured against facts known about the fixture."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from curate.errors import CurateError
from curate.io.inspect import profile_file


def conv(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": text} for role, text in pairs]


# (turns, is the final answer a refusal?)
EXAMPLES = [
    (
        conv(
            ("system", "You are helpful."),
            ("user", "What is the capital of France?"),
            ("assistant", "Paris is the capital of France."),
        ),
        False,
    ),
    (conv(("user", "Tell me a secret."), ("assistant", "I can't help with that.")), True),
    (
        conv(
            ("user", "Who won in 1900?"),
            ("assistant", "Which sport?"),
            ("user", "Chess."),
            ("assistant", "I don't know."),
        ),
        True,
    ),
    (conv(("user", "What is 2 plus 2?"), ("assistant", "It is 4.")), False),
    (
        conv(
            ("system", "Be brief."),
            ("user", "Hack this site."),
            ("assistant", "I'm sorry, but I cannot do that."),
        ),
        True,
    ),
    (conv(("user", "Do you know Python?"), ("assistant", "Yes, I know Python well.")), False),
    (conv(("user", "Name a colour."), ("assistant", "Blue.")), False),
]


def write_fixture(path: Path, extra_lines: tuple[str, ...] = ('{"messages": [',)) -> Path:
    lines = [orjson.dumps({"messages": turns}) for turns, _ in EXAMPLES]
    lines += [line.encode() for line in extra_lines]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def pattern(turns: list[dict[str, str]]) -> str:
    return ">".join(t["role"] for t in turns)


def test_profile_counts_rows_formats_and_unparseable_lines(tmp_path):
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"))
    assert profile.container == "jsonl"
    assert (profile.rows, profile.parsed, profile.unparseable) == (
        len(EXAMPLES) + 1,
        len(EXAMPLES),
        1,
    )
    assert profile.formats == {"chat": len(EXAMPLES)}
    assert len(profile.parse_problems) == 1
    assert f"line {len(EXAMPLES) + 1}" in profile.parse_problems[0]


def test_profile_role_patterns_match_the_fixture(tmp_path):
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"))
    expected = Counter(pattern(turns) for turns, _ in EXAMPLES)
    assert profile.role_patterns == dict(expected)


def test_profile_top_keeps_only_the_most_common_patterns(tmp_path):
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"), top=1)
    ((most_common, count),) = Counter(pattern(t) for t, _ in EXAMPLES).most_common(1)
    assert profile.role_patterns == {most_common: count}


def test_profile_turn_and_character_distributions(tmp_path):
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"))
    turns = [len(t) for t, _ in EXAMPLES]
    assert (profile.turns.min, profile.turns.max) == (min(turns), max(turns))
    assert profile.turns.mean == round(sum(turns) / len(turns), 1)
    chars = [sum(len(m["content"]) for m in t) for t, _ in EXAMPLES]
    assert (profile.example_chars.min, profile.example_chars.max) == (min(chars), max(chars))


def test_refusal_share_counts_examples_whose_answer_declines(tmp_path):
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"))
    refusals = sum(flag for _, flag in EXAMPLES)
    assert refusals == 3
    assert profile.refusal_share == pytest.approx(refusals / len(EXAMPLES), abs=1e-4)


def build_tokenizer(path: Path) -> Path:
    """A word-level tokenizer trained offline on the fixture's own sentences."""
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    texts = [m["content"] for turns, _ in EXAMPLES for m in turns]
    tok.train_from_iterator(texts[::2], trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    tok.save(str(path))
    return path


def test_token_counts_agree_with_the_tokenizer_itself(tmp_path):
    tok_path = build_tokenizer(tmp_path / "tokenizer.json")
    tok = Tokenizer.from_file(str(tok_path))
    counts = [
        sum(len(tok.encode(m["content"], add_special_tokens=False).ids) for m in turns)
        for turns, _ in EXAMPLES
    ]
    profile = profile_file(write_fixture(tmp_path / "d.jsonl"), tokenizer=tok_path)
    tokens = profile.example_tokens
    assert (tokens.min, tokens.max) == (min(counts), max(counts))
    assert tokens.mean == round(sum(counts) / len(counts), 1)
    assert profile_file(tmp_path / "d.jsonl").example_tokens is None


def test_tokenizer_folder_holding_tokenizer_json_is_accepted(tmp_path):
    folder = tmp_path / "tok"
    folder.mkdir()
    build_tokenizer(folder / "tokenizer.json")
    data = write_fixture(tmp_path / "d.jsonl")
    by_file = profile_file(data, tokenizer=folder / "tokenizer.json").example_tokens
    assert profile_file(data, tokenizer=folder).example_tokens == by_file


def test_unloadable_tokenizer_raises_curate_error_naming_the_file(tmp_path):
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not a tokenizer")
    with pytest.raises(CurateError) as info:
        profile_file(write_fixture(tmp_path / "d.jsonl"), tokenizer=bad)
    assert str(bad) in str(info.value)


def test_preference_pairs_count_the_chosen_answer_as_a_turn(tmp_path):
    path = tmp_path / "pref.jsonl"
    pairs = [
        {"prompt": "Capital of Italy?", "chosen": "Rome.", "rejected": "I don't know."},
        {"prompt": "Write malware.", "chosen": "I can't help with that.", "rejected": "Sure."},
    ]
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in pairs))
    profile = profile_file(path)
    assert profile.formats == {"preference": 2}
    assert profile.role_patterns == {"user>assistant": 2}
    assert (profile.turns.min, profile.turns.max) == (2, 2)
    assert profile.refusal_share == 0.5


def test_csv_alpaca_file_is_profiled_as_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("instruction,input,output\nSay hi,,hi\nAdd,1 and 2,3\n")
    profile = profile_file(path)
    assert profile.container == "csv"
    assert profile.formats == {"alpaca": 2}
    assert profile.refusal_share == 0.0


def test_file_of_only_malformed_lines_has_no_distributions_and_lists_five_problems(tmp_path):
    path = tmp_path / "junk.jsonl"
    path.write_text("".join(f"{{broken {i}\n" for i in range(7)))
    profile = profile_file(path)
    assert (profile.rows, profile.parsed, profile.unparseable) == (7, 0, 7)
    assert profile.turns is None and profile.example_chars is None
    assert profile.refusal_share == 0.0
    assert len(profile.parse_problems) == 5
    assert all("line" in problem for problem in profile.parse_problems)
