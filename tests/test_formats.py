"""Row formats: detection, conversion to and from canonical turns, and content ids."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from curate.formats.convert import RowError, detect_format, from_canonical, to_canonical
from curate.record import canonical_json, content_id


def turn(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


MULTI_TURN_CHAT = {
    "messages": [
        turn("system", "You are terse."),
        turn("user", "What is 2+2?"),
        turn("assistant", "4"),
        turn("user", "And 3+3?"),
        turn("assistant", "6"),
    ],
    "source_id": "abc-1",
    "tags": ["math", "easy"],
    "score": 0.5,
}


def round_trip(row: dict, via: str) -> tuple[dict, dict]:
    """chat -> ``via`` -> chat; returns (intermediate row, final row)."""
    middle = from_canonical(to_canonical(row, "chat"), via)
    back = from_canonical(to_canonical(middle, detect_format(middle)), "chat")
    return middle, back


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"messages": [turn("user", "hi")]}, "chat"),
        ({"instruction": "Say hi", "input": "", "output": "hi"}, "alpaca"),
        ({"conversations": [{"from": "human", "value": "hi"}]}, "sharegpt"),
        ({"prompt": "hi", "chosen": "hello", "rejected": "go away"}, "preference"),
    ],
)
def test_detect_format_names_the_format_a_row_announces(row, expected):
    assert detect_format(row) == expected


@pytest.mark.parametrize(
    "row",
    [
        {"text": "plain text row"},
        {"instruction": "no output field"},
        {"prompt": "p", "chosen": "c"},
        {},
    ],
)
def test_detect_format_returns_none_for_rows_of_no_known_format(row):
    assert detect_format(row) is None


def test_chat_to_alpaca_and_back_keeps_system_history_and_extra_fields():
    alpaca, back = round_trip(MULTI_TURN_CHAT, "alpaca")
    assert alpaca["system"] == "You are terse."
    assert alpaca["instruction"] == "And 3+3?"
    assert alpaca["output"] == "6"
    assert alpaca["history"] == [["What is 2+2?", "4"]]
    assert alpaca["tags"] == ["math", "easy"]
    assert back == MULTI_TURN_CHAT


def test_chat_to_sharegpt_and_back_keeps_every_turn_and_extra_fields():
    sharegpt, back = round_trip(MULTI_TURN_CHAT, "sharegpt")
    speakers = [t["from"] for t in sharegpt["conversations"]]
    assert speakers == ["system", "human", "gpt", "human", "gpt"]
    assert [t["value"] for t in sharegpt["conversations"]] == [
        t["content"] for t in MULTI_TURN_CHAT["messages"]
    ]
    assert back == MULTI_TURN_CHAT


def test_alpaca_input_is_appended_to_the_instruction_in_the_user_turn():
    row = {"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"}
    example = to_canonical(row, "alpaca")
    assert example.messages == [
        turn("user", "Translate to French.\n\nGood morning"),
        turn("assistant", "Bonjour"),
    ]


def test_alpaca_whitespace_input_leaves_the_instruction_alone():
    example = to_canonical({"instruction": "Say hi.", "input": "  \n", "output": "hi"}, "alpaca")
    assert example.messages[0] == turn("user", "Say hi.")


def test_alpaca_history_and_system_become_turns_before_the_instruction():
    row = {
        "system": "Be kind.",
        "history": [["q1", "a1"], ["q2", "a2"]],
        "instruction": "q3",
        "output": "a3",
        "lang": "en",
    }
    example = to_canonical(row, "alpaca")
    roles = [t["role"] for t in example.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant"]
    assert [t["content"] for t in example.messages] == [
        "Be kind.",
        "q1",
        "a1",
        "q2",
        "a2",
        "q3",
        "a3",
    ]
    assert example.meta == {"lang": "en"}


def test_sharegpt_speaker_names_map_to_chat_roles():
    row = {
        "conversations": [
            {"from": "system", "value": "s"},
            {"from": "Human", "value": "u"},
            {"from": "gpt", "value": "a"},
            {"from": "user", "value": "u2"},
            {"from": "chatgpt", "value": "a2"},
        ]
    }
    roles = [t["role"] for t in to_canonical(row, "sharegpt").messages]
    assert roles == ["system", "user", "assistant", "user", "assistant"]


def test_openai_content_parts_are_joined_into_one_text():
    parts = [{"type": "text", "text": "Hello, "}, {"type": "text", "text": "world"}]
    example = to_canonical(
        {"messages": [turn("user", "hi"), {"role": "assistant", "content": parts}]}, "chat"
    )
    assert example.messages[1] == turn("assistant", "Hello, world")


def test_content_parts_with_an_image_part_keep_the_parts_and_read_their_text():
    parts = [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "x"}}]
    example = to_canonical({"messages": [{"role": "user", "content": parts}]}, "chat")
    assert example.messages[0]["content"] == "look"
    assert from_canonical(example, "chat")["messages"][0]["content"] == parts


def test_a_content_part_without_a_type_raises_row_error_naming_the_part():
    with pytest.raises(RowError) as info:
        to_canonical({"messages": [{"role": "user", "content": [{"text": "x"}]}]}, "chat")
    assert info.value.field == "messages[0].content[0].type"


def test_preference_strings_become_a_user_prompt_and_single_assistant_answers():
    row = {"prompt": "Capital of France?", "chosen": "Paris", "rejected": "Rome", "id": 7}
    example = to_canonical(row, "preference")
    assert example.messages == [turn("user", "Capital of France?")]
    assert example.chosen == [turn("assistant", "Paris")]
    assert example.rejected == [turn("assistant", "Rome")]
    assert from_canonical(example, "preference") == row


def test_preference_conversational_lists_stay_lists_when_written_back():
    row = {
        "prompt": [turn("system", "Be brief."), turn("user", "Capital of France?")],
        "chosen": [turn("assistant", "Paris")],
        "rejected": [turn("assistant", "Rome")],
    }
    example = to_canonical(row, "preference")
    assert example.messages == row["prompt"]
    assert from_canonical(example, "preference") == row
    assert from_canonical(example, "chat")["messages"] == row["prompt"] + row["chosen"]


@pytest.mark.parametrize(
    ("row", "fmt", "field"),
    [
        ({"messages": "hello"}, "chat", "messages"),
        ({"messages": ["hello"]}, "chat", "messages[0]"),
        ({"messages": [turn("user", "q"), {"content": "a"}]}, "chat", "messages[1].role"),
        ({"messages": [{"role": "user", "content": 5}]}, "chat", "messages[0].content"),
        ({"instruction": "i", "output": "o", "history": [["only one"]]}, "alpaca", "history[0]"),
        ({"instruction": "i", "output": "o", "history": {"q": "a"}}, "alpaca", "history"),
        ({"conversations": "hi"}, "sharegpt", "conversations"),
        ({"conversations": [{"value": "no speaker"}]}, "sharegpt", "conversations[0]"),
        ({"prompt": "p", "chosen": 3, "rejected": "r"}, "preference", "chosen"),
    ],
)
def test_bad_shapes_raise_row_error_naming_the_field(row, fmt, field):
    with pytest.raises(RowError) as info:
        to_canonical(row, fmt)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_chat_ending_with_a_user_turn_cannot_be_written_as_alpaca():
    example = to_canonical(
        {"messages": [turn("user", "q"), turn("assistant", "a"), turn("user", "q2")]}, "chat"
    )
    with pytest.raises(RowError, match="Alpaca"):
        from_canonical(example, "alpaca")


def test_chat_example_cannot_be_written_as_a_preference_pair():
    example = to_canonical({"messages": [turn("user", "q"), turn("assistant", "a")]}, "chat")
    with pytest.raises(RowError) as info:
        from_canonical(example, "preference")
    assert info.value.field == "chosen"


def test_messages_held_as_json_text_are_parsed_like_a_csv_cell():
    cell = json.dumps([turn("user", "q"), turn("assistant", "a")])
    assert to_canonical({"messages": cell}, "chat").messages == [
        turn("user", "q"),
        turn("assistant", "a"),
    ]


def independent_id(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_content_id_is_16_hex_of_sha256_over_sorted_compact_json():
    messages = [{"content": "héllo ✓", "role": "user"}, {"content": "hi", "role": "assistant"}]
    ident = content_id(messages)
    assert re.fullmatch(r"[0-9a-f]{16}", ident)
    assert ident == independent_id(messages)
    assert (
        canonical_json(messages)
        == json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


def test_identical_messages_share_an_id_and_different_ones_do_not():
    a = [turn("user", "q"), turn("assistant", "a")]
    assert content_id(a) == content_id([dict(t) for t in a])
    assert content_id(a) != content_id([turn("user", "q"), turn("assistant", "b")])


def test_preference_pairs_with_one_prompt_but_different_chosen_get_different_ids():
    prompt = [turn("user", "q")]
    bad = [turn("assistant", "bad")]
    first = content_id(prompt, [turn("assistant", "good")], bad)
    second = content_id(prompt, [turn("assistant", "better")], bad)
    assert first != second
    expected = {"messages": prompt, "chosen": [turn("assistant", "good")], "rejected": bad}
    assert first == independent_id(expected)


def test_preference_answer_that_is_json_text_stays_a_string():
    row = {"prompt": "Give a JSON list of 1 and 2.", "chosen": "[1, 2]", "rejected": "no"}
    assert to_canonical(row, "preference").chosen == [turn("assistant", "[1, 2]")]


def test_chat_extra_field_named_system_survives_alpaca_round_trip_as_a_field():
    row = {"messages": [turn("user", "q"), turn("assistant", "a")], "system": "legacy-v1"}
    _, back = round_trip(row, "alpaca")
    assert back == row
