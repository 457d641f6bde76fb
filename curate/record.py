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

ROLES = ("system", "user", "assistant")

MESSAGE_DTYPE = pl.Struct({"role": pl.String, "content": pl.String})
MESSAGES_DTYPE = pl.List(MESSAGE_DTYPE)

EXAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "id": pl.String(),
    "messages": MESSAGES_DTYPE,
    "chosen": MESSAGES_DTYPE,
    "rejected": MESSAGES_DTYPE,
    "meta": pl.String(),
    "format": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
    "source": pl.String(),
    "utf8_ok": pl.Boolean(),
}

Message = dict[str, str]


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes an id is computed over."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def content_id(
    messages: list[Message],
    chosen: list[Message] | None = None,
    rejected: list[Message] | None = None,
) -> str:
    """First 16 hex of sha256 over the canonical JSON of the example's content.

    A chat example hashes its messages; a preference pair hashes prompt, chosen and
    rejected together, so two pairs with one prompt but different answers differ.
    """
    if chosen is None and rejected is None:
        payload = canonical_json(messages)
    else:
        payload = canonical_json({"messages": messages, "chosen": chosen, "rejected": rejected})
    return hashlib.sha256(payload).hexdigest()[:16]


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


def _normalized(turns: pl.Expr) -> pl.Expr:
    joined = turns.list.eval(
        pl.element().struct.field("role") + pl.lit(": ") + pl.element().struct.field("content")
    )
    return (
        joined.list.join("\n")
        .str.to_lowercase()
        .str.replace_all(r"[\p{P}\p{S}]+", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def role_text_expr(roles: tuple[str, ...]) -> pl.Expr:
    """The contents of the conversation's turns with the given roles, joined by blank lines."""
    return (
        conversation_expr()
        .list.eval(
            pl.element()
            .filter(pl.element().struct.field("role").is_in(list(roles)))
            .struct.field("content")
        )
        .list.join("\n\n")
    )
