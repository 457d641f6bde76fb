"""The canonical example: its columns, its content id and its derived text keys.

In memory a batch of examples is a polars DataFrame with the columns of
``EXAMPLE_SCHEMA``. ``row`` numbers input rows in ingest order and is the key of
the accounting invariant (two identical rows share an ``id`` but never a ``row``).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import polars as pl

ROLES = ("system", "user", "assistant", "tool", "function")

# Beyond role and content, a turn may carry these; they are absent (null) on plain chat turns,
# and a turn's dict holds only the ones present, so plain rows hash and export as before.
# ``tool_calls``, ``function_call`` and ``parts`` are canonical JSON text; ``content`` holds
# the text parts joined, which is what text-reading stages see.
TURN_EXTRAS: dict[str, pl.DataType] = {
    "name": pl.String(),
    "weight": pl.Int64(),
    "tool_calls": pl.String(),
    "tool_call_id": pl.String(),
    "function_call": pl.String(),
    "parts": pl.String(),
}
JSON_TURN_FIELDS = ("tool_calls", "function_call", "parts")

MESSAGE_DTYPE = pl.Struct({"role": pl.String, "content": pl.String, **TURN_EXTRAS})
MESSAGES_DTYPE = pl.List(MESSAGE_DTYPE)

EXAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "id": pl.String(),
    "messages": MESSAGES_DTYPE,
    "chosen": MESSAGES_DTYPE,
    "rejected": MESSAGES_DTYPE,
    "tools": pl.String(),
    "meta": pl.String(),
    "format": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
    "source": pl.String(),
    "utf8_ok": pl.Boolean(),
}

Message = dict[str, Any]


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes an id is computed over."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def content_id(
    messages: list[Message],
    chosen: list[Message] | None = None,
    rejected: list[Message] | None = None,
    tools: str | None = None,
) -> str:
    """First 16 hex of sha256 over the canonical JSON of the example's content.

    A chat example hashes its messages; a preference pair hashes prompt, chosen and
    rejected together, so two pairs with one prompt but different answers differ. Tool
    definitions are rendered into the prompt, so a row with ``tools`` hashes them too.
    Turns are hashed with their null extra fields left out (frames hold them as nulls).
    """
    messages = compact_turns(messages)
    if chosen is None and rejected is None and tools is None:
        payload = canonical_json(messages)
    elif tools is None:
        payload = canonical_json(
            {
                "messages": messages,
                "chosen": compact_turns(chosen),
                "rejected": compact_turns(rejected),
            }
        )
    else:
        body: dict[str, Any] = {"messages": messages, "tools": orjson.loads(tools)}
        if chosen is not None or rejected is not None:
            body |= {"chosen": compact_turns(chosen), "rejected": compact_turns(rejected)}
        payload = canonical_json(body)
    return hashlib.sha256(payload).hexdigest()[:16]


def compact_turns(turns: list[Message] | None) -> list[Message] | None:
    """Turns without the extra fields they do not have (a frame row holds them as null)."""
    if turns is None:
        return None
    return [{k: v for k, v in t.items() if v is not None or k == "content"} for t in turns]


def source_turn(turn: Message) -> dict[str, Any]:
    """A canonical turn as a source row writes it: JSON fields parsed, content parts restored.

    When a stage rewrote the text (PII redaction) the text parts no longer match ``content``;
    the turn is then written as one text part holding the new text, then its other parts.
    """
    out: dict[str, Any] = {"role": turn["role"], "content": turn.get("content")}
    for key in TURN_EXTRAS:
        value = turn.get(key)
        if value is None:
            continue
        if key == "parts":
            parts = orjson.loads(value)
            texts = [p for p in parts if isinstance(p, dict) and p.get("type") == "text"]
            if "".join(str(p.get("text", "")) for p in texts) != (turn.get("content") or ""):
                others = [p for p in parts if p not in texts]
                parts = [{"type": "text", "text": turn.get("content") or ""}, *others]
            out["content"] = parts
        elif key in JSON_TURN_FIELDS:
            out[key] = orjson.loads(value)
        else:
            out[key] = value
    return out


def has_extras_expr(column: str = "messages") -> pl.Expr:
    """True for rows whose turns carry any extra field (tool calls, parts, name, weight)."""
    present = [pl.element().struct.field(k).is_not_null() for k in TURN_EXTRAS]
    return pl.col(column).list.eval(pl.any_horizontal(present)).list.any().fill_null(False)


def conversation_expr() -> pl.Expr:
    """The turns a model trains on: messages, then the chosen answer of a preference pair."""
    return (
        pl.when(pl.col("chosen").is_null())
        .then(pl.col("messages"))
        .otherwise(pl.concat_list(pl.col("messages"), pl.col("chosen")))
    )


def normalized_text_expr() -> pl.Expr:
    """A key under which texts that differ only in case, spacing or punctuation collide."""
    return _normalized(conversation_expr())


def normalized_prompt_expr() -> pl.Expr:
    """The normalised key of what the model is asked: the conversation without its final
    assistant answer (a preference pair's shared prompt); null when nothing is asked.

    Two rows with one prompt and different answers collide here, so no split may hold one
    while another split holds the other (the model would be tested on a question it saw).
    """
    messages = pl.col("messages")
    ends_on_answer = messages.list.last().struct.field("role") == "assistant"
    prompt = (
        pl.when(pl.col("chosen").is_null() & ends_on_answer)
        .then(messages.list.head(messages.list.len() - 1))
        .otherwise(messages)
    )
    key = _normalized(prompt)
    return pl.when(prompt.list.len() > 0).then(key)


def normalized_turns_expr(column: str) -> pl.Expr:
    """The normalised key of one list-of-turns column (``chosen``, ``rejected``), folded as
    exact_dedup folds whole conversations."""
    return _normalized(pl.col(column))


def _normalized(turns: pl.Expr) -> pl.Expr:
    # tool calls and non-text parts (image references) count, so two rows that differ only
    # in them never collide; a plain turn reads "role: content" as before
    parts = pl.element().struct.field("parts")
    text = _text_with_calls(pl.element())
    text = (
        pl.when(parts.is_null())
        .then(text)
        .otherwise(pl.concat_str(text, parts, separator="\n", ignore_nulls=True))
    )
    joined = turns.list.eval(pl.element().struct.field("role") + pl.lit(": ") + text)
    return (
        joined.list.join("\n")
        .str.to_lowercase()
        .str.replace_all(r"[\p{P}\p{S}]+", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def role_text_expr(roles: tuple[str, ...]) -> pl.Expr:
    """The contents of the conversation's turns with the given roles, joined by blank lines.

    An assistant turn's tool calls are read as text too (their JSON after the content), so
    semantic dedup and the judge see what the turn does; a plain turn reads as before.
    """
    return (
        conversation_expr()
        .list.eval(
            pl.element()
            .filter(pl.element().struct.field("role").is_in(list(roles)))
            .pipe(_text_with_calls)
        )
        .list.join("\n\n")
    )


def _text_with_calls(turn: pl.Expr) -> pl.Expr:
    content, calls = turn.struct.field("content"), turn.struct.field("tool_calls")
    with_calls = pl.concat_str(content, calls, separator="\n", ignore_nulls=True)
    return pl.when(calls.is_null()).then(content).otherwise(with_calls)
