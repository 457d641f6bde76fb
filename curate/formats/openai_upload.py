"""``format: openai``: rows exactly as OpenAI's fine-tuning upload takes them, and a checker
written from OpenAI's published rules (the chat fine-tuning guide and its data-preparation
cookbook: the format errors it counts, the keys and roles it knows).

A row holds only ``messages``, ``tools``, ``parallel_tool_calls`` and the legacy
``functions``; a message only the keys OpenAI documents. curate's id, the source and every
other field of the row go to a sidecar ``<split>.ids.jsonl``, line for line, so the upload
file stays acceptable and lineage is kept.
"""

from __future__ import annotations

from typing import Any

import orjson

from curate.formats.convert import CanonicalRow, RowError
from curate.record import source_turn

ROW_KEYS = ("messages", "tools", "parallel_tool_calls", "functions")
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call"}
)
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_PART_TYPES = frozenset({"text", "image_url"})


def openai_row(example: CanonicalRow) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(upload row, the fields it leaves out)``; raises RowError for what OpenAI refuses."""
    if example.rejected is not None:
        raise RowError("rejected", "OpenAI's supervised format has no place for a rejected answer")
    messages = [source_turn(t) for t in example.messages + (example.chosen or [])]
    row: dict[str, Any] = {"messages": messages}
    meta = dict(example.meta)
    if example.tools is not None:
        row["tools"] = orjson.loads(example.tools)
    for key in ("parallel_tool_calls", "functions"):
        if key in meta:
            row[key] = meta.pop(key)
    problems = upload_problems(row)
    if problems:
        raise RowError(problems[0][0], problems[0][1])
    return row, meta


def upload_problems(row: Any) -> list[tuple[str, str]]:
    """``(field, problem)`` for each way ``row`` breaks OpenAI's chat fine-tuning format."""
    if not isinstance(row, dict):
        return [("", "a row must be a JSON object")]
    problems = [(k, f"unrecognised key '{k}'") for k in row if k not in ROW_KEYS]
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        return [*problems, ("messages", "missing or empty")]
    if "parallel_tool_calls" in row and not isinstance(row["parallel_tool_calls"], bool):
        problems.append(("parallel_tool_calls", "must be true or false"))
    if "tools" in row and not _tool_list(row["tools"]):
        problems.append(("tools", "must be a list of {type: function, function: {name, ...}}"))
    for i, message in enumerate(messages):
        problems += [(f"messages[{i}].{f}", p) for f, p in _message_problems(message)]
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append(("messages", "no assistant message"))
    return problems


def _message_problems(message: Any) -> list[tuple[str, str]]:
    if not isinstance(message, dict):
        return [("", "a message must be an object")]
    problems = [(k, f"unrecognised key '{k}'") for k in message if k not in MESSAGE_KEYS]
    role = message.get("role")
    if role not in ROLES:
        return [*problems, ("role", f"unrecognised role {role!r}")]
    content = message.get("content")
    calls = message.get("tool_calls") or message.get("function_call")
    if content is None and not (role == "assistant" and calls):
        problems.append(("content", "missing (only an assistant message with calls may omit it)"))
    elif isinstance(content, list):
        if role != "user" or not all(
            isinstance(p, dict) and p.get("type") in _PART_TYPES for p in content
        ):
            problems.append(("content", "parts must be text or image_url, in user messages"))
    elif content is not None and not isinstance(content, str):
        problems.append(("content", "must be a string"))
    if "weight" in message and (role != "assistant" or message["weight"] not in (0, 1)):
        problems.append(("weight", "only assistant messages carry a weight, 0 or 1"))
    if "tool_calls" in message and role != "assistant":
        problems.append(("tool_calls", "only assistant messages make calls"))
    if role == "tool" and not isinstance(message.get("tool_call_id"), str):
        problems.append(("tool_call_id", "a tool message answers a call by its id"))
    for k, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") if isinstance(call, dict) else None
        if not (
            isinstance(call, dict)
            and isinstance(call.get("id"), str)
            and call.get("type") == "function"
            and isinstance(function, dict)
            and isinstance(function.get("name"), str)
            and isinstance(function.get("arguments"), str)
        ):
            problems.append(
                (f"tool_calls[{k}]", "needs id, type 'function', function.name, arguments text")
            )
    return problems


def _tool_list(tools: Any) -> bool:
    return isinstance(tools, list) and all(
        isinstance(t, dict)
        and t.get("type") == "function"
        and isinstance(t.get("function"), dict)
        and isinstance(t["function"].get("name"), str)
        for t in tools
    )
