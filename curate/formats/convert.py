"""Read a source row of any supported format into canonical turns, and write it back.

chat -> X -> chat round-trips for every X: Alpaca keeps earlier turns in ``history``
and the system prompt in ``system``; ShareGPT keeps every turn; fields a format does
not use travel in ``meta`` and come back as top-level fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson

from curate.formats.tool_turns import (
    SHAREGPT_CALL,
    SHAREGPT_RESULT,
    TurnError,
    chat_turn,
    sharegpt_tool_turn,
    sharegpt_tools,
    sharegpt_turns_of,
    tools_json,
)
from curate.record import Message, source_turn

Format = Literal["chat", "alpaca", "sharegpt", "preference"]
FORMATS: tuple[Format, ...] = ("chat", "alpaca", "sharegpt", "preference")
# Formats curate writes: the ones it reads, plus OpenAI's fine-tuning upload (openai_upload.py).
ExportFormat = Literal["chat", "alpaca", "sharegpt", "preference", "openai"]

SHAREGPT_TO_ROLE = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "model": "assistant",
    "bard": "assistant",
    "system": "system",
}
ROLE_TO_SHAREGPT = {"user": "human", "assistant": "gpt", "system": "system"}
# Extra fields whose names a target format uses for itself are written nested under this key.
SHADOWED_META = "curate_meta"

_FORMAT_KEYS: dict[Format, tuple[str, ...]] = {
    "chat": ("messages", "tools"),
    "alpaca": ("instruction", "input", "output", "system", "history"),
    "sharegpt": ("conversations", "tools"),
    "preference": ("prompt", "chosen", "rejected", "tools"),
}


class RowError(ValueError):
    """A row whose field does not have the shape its format needs."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(slots=True)
class CanonicalRow:
    """One example in canonical form, before it becomes a DataFrame row."""

    messages: list[Message]
    chosen: list[Message] | None
    rejected: list[Message] | None
    meta: dict[str, Any]
    format: Format
    tools: str | None = None  # canonical JSON of the OpenAI ``tools`` list


def detect_format(row: dict[str, Any]) -> Format | None:
    """The format a row's keys announce, or None."""
    if "messages" in row:
        return "chat"
    if "conversations" in row:
        return "sharegpt"
    if "chosen" in row and "rejected" in row and "prompt" in row:
        return "preference"
    if "instruction" in row and "output" in row:
        return "alpaca"
    return None


def to_canonical(row: dict[str, Any], fmt: Format) -> CanonicalRow:
    """Convert a parsed source row; raises RowError naming the offending field."""
    meta = {k: v for k, v in row.items() if k not in _FORMAT_KEYS[fmt] and k != SHADOWED_META}
    shadowed = row.get(SHADOWED_META)
    if isinstance(shadowed, dict):
        meta.update(shadowed)
    tools = None
    if fmt != "alpaca":
        try:
            tools = tools_json(row.get("tools"))
        except TurnError as exc:
            raise RowError(exc.field, str(exc)) from exc
    if fmt == "chat":
        return CanonicalRow(
            _messages(row.get("messages"), "messages"), None, None, meta, fmt, tools
        )
    if fmt == "sharegpt":
        turns = _sharegpt_turns(row.get("conversations"))
        return CanonicalRow(turns, None, None, meta, fmt, tools)
    if fmt == "alpaca":
        return CanonicalRow(_alpaca_turns(row), None, None, meta, fmt)
    prompt = _turns_or_text(row.get("prompt"))
    prompt_turns = (
        [{"role": "user", "content": prompt}]
        if isinstance(prompt, str)
        else _messages(prompt, "prompt")
    )
    chosen = _answer(row.get("chosen"), "chosen")
    rejected = _answer(row.get("rejected"), "rejected")
    return CanonicalRow(prompt_turns, chosen, rejected, meta, fmt, tools)


def from_canonical(
    example: CanonicalRow, fmt: Format, *, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Render a canonical example in ``fmt``; raises RowError when it cannot be represented."""
    out: dict[str, Any] = dict(extra or {})
    turns = example.messages + (example.chosen or [])
    if fmt == "chat":
        out["messages"] = [source_turn(t) for t in turns]
        if example.tools is not None:
            out["tools"] = orjson.loads(example.tools)
    elif fmt == "sharegpt":
        try:
            out["conversations"] = [
                shared for t in turns for shared in sharegpt_turns_of(t, ROLE_TO_SHAREGPT)
            ]
        except TurnError as exc:
            raise RowError(f"messages.{exc.field}", str(exc)) from exc
        if example.tools is not None:
            out["tools"] = sharegpt_tools(example.tools)
    elif fmt == "alpaca":
        if example.tools is not None or any(_is_tool_turn(t) for t in turns):
            raise RowError("messages", "Alpaca has no place for tools or tool calls")
        out.update(_alpaca_fields(turns))
    else:
        out.update(_preference_fields(example))
        if example.tools is not None:
            out["tools"] = orjson.loads(example.tools)
    shadowed = {}
    for key, value in example.meta.items():
        if key in _FORMAT_KEYS[fmt]:  # would be read back as a format field: nest it
            shadowed[key] = value
        else:
            out.setdefault(key, value)
    if shadowed:
        out[SHADOWED_META] = shadowed
    return out


def _is_tool_turn(turn: Message) -> bool:
    return turn["role"] in ("tool", "function") or any(
        turn.get(k) is not None for k in ("tool_calls", "function_call", "parts")
    )


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # OpenAI content parts: keep the text parts
        parts = [
            p.get("text", "") for p in value if isinstance(p, dict) and p.get("type") == "text"
        ]
        if len(parts) == len(value):
            return "".join(parts)
    raise RowError(field, f"expected a string, got {type(value).__name__}")


def _maybe_json(value: Any) -> Any:
    """CSV cells hold nested lists as JSON text."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def _messages(value: Any, field: str) -> list[Message]:
    value = _maybe_json(value)
    if not isinstance(value, list):
        raise RowError(field, f"expected a list of turns, got {type(value).__name__}")
    turns: list[Message] = []
    for i, turn in enumerate(value):
        if type(turn) is dict and len(turn) == 2:  # the common case, without per-field checks
            role, content = turn.get("role"), turn.get("content")
            if type(role) is str and type(content) is str:
                turns.append({"role": role, "content": content})
                continue
        where = f"{field}[{i}]"
        if not isinstance(turn, dict):
            raise RowError(where, f"expected an object with role and content, got {turn!r:.40}")
        try:
            turns.append(chat_turn(turn))
        except TurnError as exc:
            raise RowError(f"{where}.{exc.field}", str(exc)) from exc
    return turns


def _sharegpt_turns(value: Any) -> list[Message]:
    value = _maybe_json(value)
    if not isinstance(value, list):
        raise RowError("conversations", f"expected a list of turns, got {type(value).__name__}")
    turns: list[Message] = []
    pending: list[str] = []  # ids of function_call turns' calls not answered yet
    for i, turn in enumerate(value):
        where = f"conversations[{i}]"
        if not isinstance(turn, dict) or not isinstance(turn.get("from"), str):
            raise RowError(where, "expected an object with 'from' and 'value'")
        speaker = turn["from"]
        if speaker.lower() in (SHAREGPT_CALL, SHAREGPT_RESULT):
            try:
                tool_turn = sharegpt_tool_turn(speaker.lower(), turn.get("value"), i, pending)
            except TurnError as exc:
                raise RowError(f"{where}.{exc.field}", str(exc)) from exc
            before = turns[-1] if turns else None
            calls_after_text = (
                before and before["role"] == "assistant" and "tool_calls" not in before
            )
            if "tool_calls" in tool_turn and calls_after_text:  # the text the turn said first
                tool_turn["content"] = before["content"]
                turns.pop()
            turns.append(tool_turn)
            continue
        role = SHAREGPT_TO_ROLE.get(speaker.lower(), speaker)
        turns.append({"role": role, "content": _text(turn.get("value"), f"{where}.value")})
        if len(turn) > 2:  # per-turn name and weight, as curate writes them
            try:
                extras = chat_turn({"role": role, **{k: turn.get(k) for k in ("name", "weight")}})
            except TurnError as exc:
                raise RowError(f"{where}.{exc.field}", str(exc)) from exc
            turns[-1].update((k, v) for k, v in extras.items() if k in ("name", "weight"))
    return turns


def _alpaca_turns(row: dict[str, Any]) -> list[Message]:
    turns: list[Message] = []
    system = _text(row.get("system"), "system")
    if system:
        turns.append({"role": "system", "content": system})
    history = _maybe_json(row.get("history")) or []
    if not isinstance(history, list):
        raise RowError("history", "expected a list of [question, answer] pairs")
    for i, pair in enumerate(history):
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise RowError(f"history[{i}]", "expected a [question, answer] pair")
        turns.append({"role": "user", "content": _text(pair[0], f"history[{i}][0]")})
        turns.append({"role": "assistant", "content": _text(pair[1], f"history[{i}][1]")})
    instruction = _text(row.get("instruction"), "instruction")
    extra_input = _text(row.get("input"), "input")
    user = f"{instruction}\n\n{extra_input}" if extra_input.strip() else instruction
    turns.append({"role": "user", "content": user})
    turns.append({"role": "assistant", "content": _text(row.get("output"), "output")})
    return turns


def _turns_or_text(value: Any) -> Any:
    """A string stays text unless it is JSON of a list of turn objects (a CSV cell)."""
    if isinstance(value, str):
        turns = _maybe_json(value)
        if isinstance(turns, list) and turns and all(isinstance(t, dict) for t in turns):
            return turns
    return value


def _answer(value: Any, field: str) -> list[Message]:
    value = _turns_or_text(value)
    if isinstance(value, str):
        return [{"role": "assistant", "content": value}]
    return _messages(value, field)


def _alpaca_fields(turns: list[Message]) -> dict[str, Any]:
    system = ""
    if turns and turns[0]["role"] == "system":
        system, turns = turns[0]["content"], turns[1:]
    roles = [t["role"] for t in turns]
    if len(turns) < 2 or len(turns) % 2 or roles != ["user", "assistant"] * (len(turns) // 2):
        raise RowError("messages", "Alpaca needs user/assistant pairs after an optional system")
    fields: dict[str, Any] = {}
    if system:
        fields["system"] = system
    fields["instruction"] = turns[-2]["content"]
    fields["input"] = ""
    fields["output"] = turns[-1]["content"]
    if len(turns) > 2:
        fields["history"] = [
            [turns[i]["content"], turns[i + 1]["content"]] for i in range(0, len(turns) - 2, 2)
        ]
    return fields


def _preference_fields(example: CanonicalRow) -> dict[str, Any]:
    if example.chosen is None or example.rejected is None:
        raise RowError("chosen", "a chat example has no rejected answer to pair with")
    simple = (
        len(example.messages) == 1
        and example.messages[0]["role"] == "user"
        and len(example.chosen) == 1
        and len(example.rejected) == 1
    )
    if simple:
        return {
            "prompt": example.messages[0]["content"],
            "chosen": example.chosen[0]["content"],
            "rejected": example.rejected[0]["content"],
        }
    return {"prompt": example.messages, "chosen": example.chosen, "rejected": example.rejected}
