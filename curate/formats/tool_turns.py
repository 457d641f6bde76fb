"""Turns beyond role and text: tool calls, tool results, content parts, ``name`` and ``weight``.

A canonical turn holds ``role`` and ``content`` (the text, text parts joined) and only the
extra fields the source gave (see ``curate.record.TURN_EXTRAS``); JSON-valued fields are
canonical JSON text so a frame stores them in one string column and ids hash them stably.

ShareGPT tool rows follow LLaMA-Factory's layout (also read by Axolotl): a ``function_call``
turn whose value is ``{"name": ..., "arguments": {...}}`` (or a list of them for parallel
calls), an ``observation`` turn with the result, and the definitions as a JSON string in
``tools``. Their calls carry no ids, so ids are made from the turn's position.
"""

from __future__ import annotations

import contextlib
from typing import Any

import orjson

from curate.record import Message, canonical_json

SHAREGPT_CALL, SHAREGPT_RESULT = "function_call", "observation"


class TurnError(ValueError):
    """A turn field with the wrong shape; ``field`` is relative to the turn."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _json_text(value: Any) -> str:
    return canonical_json(value).decode()


def content_and_parts(value: Any) -> tuple[str | None, str | None]:
    """``(text, parts JSON)``: a string is its own text; a parts list gives its text parts
    joined, and is kept (by reference: URLs and data URIs as written) when it holds any
    non-text part; text-only parts read as plain text, as curate always read them."""
    if value is None or isinstance(value, str):
        return value, None
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise TurnError(
            "content", f"expected a string or a list of parts, got {type(value).__name__}"
        )
    texts = []
    for i, part in enumerate(value):
        kind = part.get("type")
        if not isinstance(kind, str):
            raise TurnError(f"content[{i}].type", "missing or not a string")
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise TurnError(f"content[{i}].text", "missing or not a string")
            texts.append(part["text"])
    text = "".join(texts)
    return text, None if len(texts) == len(value) else _json_text(value)


def chat_turn(turn: dict[str, Any]) -> Message:
    """One OpenAI chat turn in canonical form (raises TurnError)."""
    role = turn.get("role")
    if not isinstance(role, str):
        raise TurnError("role", "missing or not a string")
    content, parts = content_and_parts(turn.get("content"))
    calls = turn.get("tool_calls")
    legacy_call = turn.get("function_call")
    if content is None and calls is None and legacy_call is None:
        content = ""
    out: Message = {"role": role, "content": content}
    if parts is not None:
        out["parts"] = parts
    if "name" in turn and turn["name"] is not None:
        if not isinstance(turn["name"], str):
            raise TurnError("name", "expected a string")
        out["name"] = turn["name"]
    if "weight" in turn and turn["weight"] is not None:
        if turn["weight"] not in (0, 1) or isinstance(turn["weight"], bool):
            raise TurnError("weight", f"expected 0 or 1, got {turn['weight']!r:.20}")
        out["weight"] = int(turn["weight"])
    if calls is not None:
        if not isinstance(calls, list) or not all(isinstance(c, dict) for c in calls):
            raise TurnError("tool_calls", "expected a list of call objects")
        out["tool_calls"] = _json_text(calls)
    if legacy_call is not None:
        if not isinstance(legacy_call, dict):
            raise TurnError("function_call", "expected an object with name and arguments")
        out["function_call"] = _json_text(legacy_call)
    if turn.get("tool_call_id") is not None:
        if not isinstance(turn["tool_call_id"], str):
            raise TurnError("tool_call_id", "expected a string")
        out["tool_call_id"] = turn["tool_call_id"]
    return out


def calls_of(turn: Message) -> list[dict[str, Any]]:
    """The tool calls of a canonical turn (the legacy function_call as one call without id)."""
    if turn.get("tool_calls"):
        calls = orjson.loads(turn["tool_calls"])
        return [c for c in calls if isinstance(c, dict)]
    if turn.get("function_call"):
        return [{"type": "function", "function": orjson.loads(turn["function_call"])}]
    return []


def tools_json(value: Any, field: str = "tools") -> str | None:
    """A row's ``tools`` as canonical JSON text; a JSON string (ShareGPT) is parsed first.

    ShareGPT lists bare function definitions; they are wrapped as OpenAI ``function`` tools.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = orjson.loads(value) if value.strip() else []
        except orjson.JSONDecodeError as exc:
            raise TurnError(field, f"not valid JSON ({exc})") from exc
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise TurnError(field, "expected a list of tool definitions")
    tools = [
        t if "function" in t or "type" in t else {"type": "function", "function": t} for t in value
    ]
    return _json_text(tools)


def sharegpt_tool_turn(speaker: str, value: Any, index: int, pending: list[str]) -> Message:
    """A ShareGPT ``function_call`` or ``observation`` turn in canonical form.

    ``pending`` holds the ids of calls not yet answered; an observation answers the oldest.
    """
    if speaker == SHAREGPT_RESULT:
        turn: Message = {
            "role": "tool",
            "content": value if isinstance(value, str) else _json_text(value),
        }
        if pending:
            turn["tool_call_id"] = pending.pop(0)
        return turn
    parsed = value
    if isinstance(value, str):
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise TurnError("value", f"a function_call value must be JSON ({exc})") from exc
    calls_in = parsed if isinstance(parsed, list) else [parsed]
    calls = []
    for k, call in enumerate(calls_in):
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise TurnError("value", "a function_call needs an object with 'name' and 'arguments'")
        arguments = call.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = orjson.dumps(arguments).decode()
        call_id = f"call_{index}_{k}"
        pending.append(call_id)
        calls.append(
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call["name"], "arguments": arguments},
            }
        )
    return {"role": "assistant", "content": None, "tool_calls": _json_text(calls)}


def sharegpt_turns_of(turn: Message, role_to_speaker: dict[str, str]) -> list[dict[str, Any]]:
    """One canonical turn as ShareGPT turns: a tool-calling assistant turn becomes its text
    (when it has any) then one ``function_call`` turn; a tool result an ``observation``."""
    if turn.get("parts") is not None:
        raise TurnError("content", "ShareGPT has no place for image or audio parts")
    kept = {k: turn[k] for k in ("name", "weight") if turn.get(k) is not None}
    if turn["role"] in ("tool", "function"):
        return [{"from": SHAREGPT_RESULT, "value": turn.get("content") or "", **kept}]
    calls = calls_of(turn) if turn["role"] == "assistant" else []
    speaker = role_to_speaker.get(turn["role"], turn["role"])
    if not calls:
        return [{"from": speaker, "value": turn.get("content") or "", **kept}]
    plain = []
    for call in calls:
        function = call.get("function") or {}
        arguments = function.get("arguments", "")
        with contextlib.suppress(orjson.JSONDecodeError):  # else kept as written
            arguments = orjson.loads(arguments) if isinstance(arguments, str) else arguments
        plain.append({"name": function.get("name"), "arguments": arguments})
    value = orjson.dumps(plain[0] if len(plain) == 1 else plain).decode()
    text = [{"from": speaker, "value": turn["content"]}] if turn.get("content") else []
    return [*text, {"from": SHAREGPT_CALL, "value": value, **kept}]


def sharegpt_tools(tools: str) -> str:
    """A canonical ``tools`` list as the JSON string ShareGPT rows carry (bare functions)."""
    defs = [t.get("function", t) if t.get("type") == "function" else t for t in orjson.loads(tools)]
    return orjson.dumps(defs).decode()
