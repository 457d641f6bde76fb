"""Read a source row of any supported format into canonical turns, and write it back.

chat -> X -> chat round-trips for every X: Alpaca keeps earlier turns in ``history``
and the system prompt in ``system``; ShareGPT keeps every turn; fields a format does
not use travel in ``meta`` and come back as top-level fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson

from curate.record import Message

Format = Literal["chat", "alpaca", "sharegpt", "preference"]
FORMATS: tuple[Format, ...] = ("chat", "alpaca", "sharegpt", "preference")

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
    "chat": ("messages",),
    "alpaca": ("instruction", "input", "output", "system", "history"),
    "sharegpt": ("conversations",),
    "preference": ("prompt", "chosen", "rejected"),
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
    if fmt == "chat":
        return CanonicalRow(_messages(row.get("messages"), "messages"), None, None, meta, fmt)
    if fmt == "sharegpt":
        return CanonicalRow(_sharegpt_turns(row.get("conversations")), None, None, meta, fmt)
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
    return CanonicalRow(prompt_turns, chosen, rejected, meta, fmt)


def from_canonical(
    example: CanonicalRow, fmt: Format, *, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Render a canonical example in ``fmt``; raises RowError when it cannot be represented."""
    out: dict[str, Any] = dict(extra or {})
    turns = example.messages + (example.chosen or [])
    if fmt == "chat":
        out["messages"] = [{"role": t["role"], "content": t["content"]} for t in turns]
    elif fmt == "sharegpt":
        out["conversations"] = [
            {"from": ROLE_TO_SHAREGPT.get(t["role"], t["role"]), "value": t["content"]}
            for t in turns
        ]
    elif fmt == "alpaca":
        out.update(_alpaca_fields(turns))
    else:
        out.update(_preference_fields(example))
    shadowed = {}
    for key, value in example.meta.items():
        if key in _FORMAT_KEYS[fmt]:  # would be read back as a format field: nest it
            shadowed[key] = value
        else:
            out.setdefault(key, value)
    if shadowed:
        out[SHADOWED_META] = shadowed
    return out


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
        if type(turn) is dict:  # the common case, without per-field checks
            role, content = turn.get("role"), turn.get("content")
            if type(role) is str and type(content) is str:
                turns.append({"role": role, "content": content})
                continue
        where = f"{field}[{i}]"
        if not isinstance(turn, dict):
            raise RowError(where, f"expected an object with role and content, got {turn!r:.40}")
        role = turn.get("role")
        if not isinstance(role, str):
            raise RowError(f"{where}.role", "missing or not a string")
        turns.append({"role": role, "content": _text(turn.get("content"), f"{where}.content")})
    return turns


def _sharegpt_turns(value: Any) -> list[Message]:
    value = _maybe_json(value)
    if not isinstance(value, list):
        raise RowError("conversations", f"expected a list of turns, got {type(value).__name__}")
    turns: list[Message] = []
    for i, turn in enumerate(value):
        where = f"conversations[{i}]"
        if not isinstance(turn, dict) or not isinstance(turn.get("from"), str):
            raise RowError(where, "expected an object with 'from' and 'value'")
        speaker = turn["from"]
        role = SHAREGPT_TO_ROLE.get(speaker.lower(), speaker)
        turns.append({"role": role, "content": _text(turn.get("value"), f"{where}.value")})
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
