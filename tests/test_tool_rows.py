"""Tool calls, tool results, content parts, name and weight: kept from ingest to export, in
ids, converted to and from ShareGPT, and checked by validate."""

from __future__ import annotations

import json

import orjson
import pytest

from curate.formats.convert import from_canonical, to_canonical
from curate.formats.convert_file import convert_file
from curate.io.ingest import InputSource, ingest
from curate.record import content_id
from curate.runs.export_files import render_rows
from curate.stages.registry import stage_info
from curate.stages.validate import ValidateConfig
from tests.conftest import write_jsonl
from tests.stage_helpers import batch_of, reasons_by_line, run_stage

LOOKUP = {
    "type": "function",
    "function": {
        "name": "lookup_order",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}},
            "required": ["order_id"],
        },
    },
}


def call(call_id: str, name: str = "lookup_order", arguments: str = '{"order_id": "A7"}') -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def tool_row(*calls: dict, results: list[str] | None = None, tools=(LOOKUP,)) -> dict:
    answered = [c["id"] for c in calls] if results is None else results
    return {
        "tools": list(tools),
        "messages": [
            {"role": "user", "content": "Where is order A7?"},
            {"role": "assistant", "content": None, "tool_calls": list(calls)},
            *(
                {"role": "tool", "tool_call_id": i, "content": '{"status": "shipped"}'}
                for i in answered
            ),
            {"role": "assistant", "content": "It shipped yesterday.", "weight": 1, "name": "agent"},
        ],
    }


IMAGE_ROW = {
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Is this box damaged?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        },
        {"role": "assistant", "content": "Yes, the corner is crushed.", "weight": 0},
    ]
}
PLAIN = {
    "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
}


def exported(tmp_path, rows, fmt="chat"):
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    examples, rejected, _ = ingest([InputSource(path, "in.jsonl")])
    assert rejected.height == 0, rejected["detail"].to_list()
    lines, failures = render_rows(examples, fmt, include_id=False, include_meta=True)
    assert failures == []
    return [orjson.loads(line) for line in lines], examples


def test_tool_calls_parts_name_and_weight_survive_ingest_and_chat_export(tmp_path):
    parallel = tool_row(call("c1"), call("c2", arguments='{"order_id": "B2"}'))
    rows, _ = exported(tmp_path, [parallel, IMAGE_ROW, PLAIN])
    assert rows == [parallel, IMAGE_ROW, PLAIN]


def test_plain_rows_keep_their_ids_and_tool_calls_change_the_id(tmp_path):
    _, examples = exported(tmp_path, [PLAIN, tool_row(call("c1")), tool_row(call("c9"))])
    ids = examples.sort("row")["id"].to_list()
    assert ids[0] == content_id(PLAIN["messages"])
    assert len(set(ids)) == 3


def test_image_references_take_part_in_the_id(tmp_path):
    other = json.loads(json.dumps(IMAGE_ROW).replace("iVBORw0KGgo=", "R0lGODlh"))
    _, examples = exported(tmp_path, [IMAGE_ROW, other])
    assert examples["id"].n_unique() == 2
    assert examples["messages"][0][0]["content"] == "Is this box damaged?"


def test_sharegpt_function_call_and_observation_turns_convert_both_ways(tmp_path):
    sharegpt = {
        "conversations": [
            {"from": "human", "value": "Where is order A7?"},
            {
                "from": "function_call",
                "value": '{"name": "lookup_order", "arguments": {"order_id": "A7"}}',
            },
            {"from": "observation", "value": '{"status": "shipped"}'},
            {"from": "gpt", "value": "It shipped yesterday."},
        ],
        "tools": json.dumps([LOOKUP["function"]]),
    }
    chat = from_canonical(to_canonical(sharegpt, "sharegpt"), "chat")
    assert chat["tools"] == [LOOKUP]
    assistant, result = chat["messages"][1], chat["messages"][2]
    assert assistant["tool_calls"][0]["function"]["name"] == "lookup_order"
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == {"order_id": "A7"}
    assert result == {
        "role": "tool",
        "content": '{"status": "shipped"}',
        "tool_call_id": assistant["tool_calls"][0]["id"],
    }
    back = from_canonical(to_canonical(chat, "chat"), "sharegpt")
    assert [t["from"] for t in back["conversations"]] == [
        "human",
        "function_call",
        "observation",
        "gpt",
    ]
    assert json.loads(back["conversations"][1]["value"]) == json.loads(
        sharegpt["conversations"][1]["value"]
    )
    assert json.loads(back["tools"]) == [LOOKUP["function"]]


def test_chat_to_sharegpt_to_chat_keeps_tool_rows_through_files(tmp_path):
    source = write_jsonl(tmp_path / "chat.jsonl", [tool_row(call("call_1_0"))])
    convert_file(source, tmp_path / "sg.jsonl", to="sharegpt")
    convert_file(tmp_path / "sg.jsonl", tmp_path / "back.jsonl", to="chat")
    (back,) = [json.loads(line) for line in (tmp_path / "back.jsonl").read_text().splitlines()]
    original = tool_row(call("call_1_0"))
    assert back["tools"] == original["tools"]
    assert back["messages"][1]["tool_calls"][0]["function"]["name"] == "lookup_order"
    assert back["messages"][2]["tool_call_id"] == back["messages"][1]["tool_calls"][0]["id"]
    assert back["messages"][3] == original["messages"][3]  # name and weight kept


def test_image_parts_cannot_be_written_as_sharegpt(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [IMAGE_ROW])
    examples, _, _ = ingest([InputSource(path, "in.jsonl")])
    lines, failures = render_rows(examples, "sharegpt", include_id=False, include_meta=True)
    assert lines == [] and "image or audio parts" in failures[0][1]


@pytest.mark.parametrize(
    ("row", "reason", "words"),
    [
        (tool_row(call("c1")), None, None),
        (tool_row(call("c1"), results=[]), "tool.unanswered_call", "tool call 'c1'"),
        (tool_row(call("c1"), results=["c1", "zz"]), "tool.orphan_result", "answers 'zz'"),
        (tool_row(call("c1", name="refund")), "tool.undeclared", "calls 'refund'"),
        (tool_row(call("c1", arguments="{order: A7")), "tool.bad_arguments", "is not JSON"),
        (
            tool_row(call("c1", arguments='{"order_id": 7}')),
            "tool.arguments_mismatch",
            "tool_calls[0].function.arguments at $.order_id",
        ),
        (
            tool_row(
                call("c1"),
                tools=[
                    {
                        "type": "function",
                        "function": {"name": "lookup_order", "parameters": {"type": 5}},
                    }
                ],
            ),
            "tool.bad_definition",
            "tools[0].function.parameters.type is not valid JSON Schema",
        ),
    ],
)
def test_validate_checks_tool_use(tmp_path, row, reason, words):
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, [row], "agent.jsonl"), tmp_path)
    if reason is None:
        assert result.rejected.height == 0, result.rejected["detail"].to_list()
        return
    assert reasons_by_line(result) == {1: reason}
    (detail,) = result.rejected["detail"].to_list()
    assert detail.startswith("agent.jsonl line 1: ") and words in detail
    assert reason in stage_info("validate").codes


def test_a_row_may_end_on_a_tool_call(tmp_path):
    row = tool_row(call("c1"))
    row["messages"] = row["messages"][:2]
    result = run_stage(ValidateConfig().build(), batch_of(tmp_path, [row]), tmp_path)
    assert result.rejected.height == 0, result.rejected["detail"].to_list()


def refund_row() -> dict:
    refund = {
        "type": "function",
        "function": {
            "name": "issue_refund",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string"}, "email": {"type": "string"}},
            },
        },
    }
    arguments = '{"order_id": "A7", "email": "dana.w@example.com"}'
    result = '{"refund": "ok", "notify": {"phone": "(503) 555-0178"}}'
    return {
        "tools": [refund],
        "messages": [
            {"role": "user", "content": "Refund order A7 please."},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [call("c1", "issue_refund", arguments)],
            },
            {"role": "tool", "tool_call_id": "c1", "content": result},
            {"role": "assistant", "content": "Done, the refund is on its way."},
        ],
    }


def test_pii_is_redacted_inside_tool_arguments_and_results_keeping_valid_json(tmp_path):
    pytest.importorskip("presidio_analyzer")
    from curate.stages.pii import PiiConfig

    batch = batch_of(tmp_path, [refund_row()])
    result = run_stage(PiiConfig().build(), batch, tmp_path)
    (row,) = result.kept.iter_rows(named=True)
    calls = json.loads(row["messages"][1]["tool_calls"])
    arguments = json.loads(calls[0]["function"]["arguments"])
    assert arguments == {"order_id": "A7", "email": "<EMAIL_ADDRESS>"}
    tool_result = json.loads(row["messages"][2]["content"])
    assert tool_result == {"refund": "ok", "notify": {"phone": "<PHONE_NUMBER>"}}
    fields = {f["field"] for f in row["pii"]}
    assert "messages[1].tool_calls[0].function.arguments$.email" in fields
    assert "messages[2].content$.notify.phone" in fields


def test_inspect_summarises_tool_use(tmp_path):
    from curate.io.inspect import profile_file

    ends_on_call = tool_row(call("c3"))
    ends_on_call["messages"] = ends_on_call["messages"][:2]
    rows = [tool_row(call("c1"), call("c2")), ends_on_call, PLAIN, refund_row()]
    use = profile_file(write_jsonl(tmp_path / "agent.jsonl", rows)).tool_use
    assert (use.rows_with_tools, use.rows_with_calls, use.calls) == (3, 3, 4)
    assert use.calls_per_row_max == 2 and use.parallel_call_turns == 1
    assert use.tools_by_frequency == {"lookup_order": 3, "issue_refund": 1}
    assert use.ends_on_call_share == round(1 / 3, 4)


def legacy_row(name: str = "lookup_order") -> dict:
    return {
        "functions": [LOOKUP["function"]],
        "messages": [
            {"role": "user", "content": "Where is order A7?"},
            {
                "role": "assistant",
                "content": None,
                "function_call": {"name": name, "arguments": '{"order_id": "A7"}'},
            },
            {"role": "function", "name": name, "content": '{"status": "shipped"}'},
            {"role": "assistant", "content": "It shipped yesterday."},
        ],
    }


def test_legacy_function_call_rows_round_trip_and_validate(tmp_path):
    rows, _ = exported(tmp_path, [legacy_row()])
    assert rows == [legacy_row()]
    batch = batch_of(tmp_path, [legacy_row(), legacy_row("cancel_order")], "legacy.jsonl")
    result = run_stage(ValidateConfig().build(), batch, tmp_path)
    assert reasons_by_line(result) == {2: "tool.undeclared"}
    assert "function_call.name calls 'cancel_order'" in result.rejected["detail"][0]


def test_normalized_dedup_tells_rows_apart_by_their_calls_and_images(tmp_path):
    from curate.stages.exact_dedup import ExactDedupConfig

    other_image = json.loads(json.dumps(IMAGE_ROW).replace("iVBORw0KGgo=", "R0lGODlh"))
    other_call = tool_row(call("c1", arguments='{"order_id": "B2"}'))
    rows = [IMAGE_ROW, other_image, tool_row(call("c1")), other_call, PLAIN, PLAIN]
    batch = batch_of(tmp_path, rows)
    result = run_stage(ExactDedupConfig(normalized=True).build(), batch, tmp_path)
    assert reasons_by_line(result) == {6: "dedup.exact"}


def test_train_reads_weights_and_tool_rows(tmp_path):
    from curate.train.data import read_conversations

    (conversation,) = read_conversations(write_jsonl(tmp_path / "w.jsonl", [IMAGE_ROW]), "train")
    assert conversation[1] == {
        "role": "assistant",
        "content": "Yes, the corner is crushed.",
        "weight": 0,
    }
    # tool rows train through the template now (tests/test_train_tool_rows.py)
    (tools,) = read_conversations(
        write_jsonl(tmp_path / "t.jsonl", [tool_row(call("c1"))]), "train"
    )
    assert tools[1]["tool_calls"][0]["id"] == "c1" and tools[2]["tool_call_id"] == "c1"
