"""Where a row's label lives: a field of its JSON answer (``answer.team``) or of its source
row's other fields (``meta.category``); reading it, and writing a new value back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
import polars as pl
from pydantic import StringConstraints

from curate.record import conversation_expr

LABEL_FIELD_PATTERN = r"^(answer|meta)\.[^.\s]+$"
# a label field as a config names it: answer.<key> or meta.<key>
FieldSpec = Annotated[str, StringConstraints(pattern=LABEL_FIELD_PATTERN)]
Place = Literal["answer", "meta"]


@dataclass(frozen=True)
class LabelField:
    """``answer.<key>`` (a key of the final assistant turn's JSON object) or ``meta.<key>``."""

    place: Place
    key: str

    @classmethod
    def parse(cls, spec: str) -> LabelField:
        place, _, key = spec.partition(".")
        if place not in ("answer", "meta") or not key:
            raise ValueError(f"a label field is answer.<key> or meta.<key>, not {spec!r}")
        return cls(place, key)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        return f"{self.place}.{self.key}"


def final_answer_expr() -> pl.Expr:
    """The content of the conversation's last assistant turn (null when it has none)."""
    return (
        conversation_expr()
        .list.eval(
            pl.element()
            .filter(pl.element().struct.field("role") == "assistant")
            .struct.field("content")
        )
        .list.last()
    )


def read_labels(frame: pl.DataFrame, field: LabelField) -> list[str | None]:
    """Each row's label as text, in frame order; None where the row carries none (an answer
    that is not a JSON object, a missing key, a null or a list/object value)."""
    if field.place == "answer":
        sources = frame.select(final_answer_expr()).to_series().to_list()
    else:
        sources = frame["meta"].to_list()
    return [_label_in(text, field.key) for text in sources]


def _label_in(text: str | None, key: str) -> str | None:
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    found = value.get(key)
    if found is None or isinstance(found, (list, dict)):
        return None
    return found if isinstance(found, str) else orjson.dumps(found).decode()


def relabelled(frame: pl.DataFrame, field: LabelField, new: dict[int, str]) -> pl.DataFrame:
    """``frame`` with the label of each row ``row`` in ``new`` set to ``new[row]``.

    An answer is rewritten as JSON with its keys in their order (``json.dumps``' spacing, as
    hand-written answers usually have it); meta is rewritten the way ingest stores it.
    """
    if not new:
        return frame
    rows = frame["row"].to_list()
    if field.place == "meta":
        metas = frame["meta"].to_list()
        for at, row in enumerate(rows):
            if row in new:
                metas[at] = _with_key(metas[at], field.key, new[row], compact=True)
        return frame.with_columns(meta=pl.Series(metas, dtype=pl.String))
    messages = frame["messages"].to_list()
    for at, row in enumerate(rows):
        if row in new:
            messages[at] = _with_answer_label(messages[at], field.key, new[row])
    return frame.with_columns(messages=pl.Series(messages, dtype=frame.schema["messages"]))


def _with_answer_label(turns: list[dict[str, Any]], key: str, label: str) -> list[dict[str, Any]]:
    turns = [dict(t) for t in turns]
    for turn in reversed(turns):
        if turn["role"] == "assistant":
            turn["content"] = _with_key(turn["content"], key, label, compact=False)
            break
    return turns


def _with_key(text: str | None, key: str, label: str, *, compact: bool) -> str:
    value = orjson.loads(text) if text else {}
    value[key] = _typed_like(value.get(key), label)
    if compact:
        return orjson.dumps(value).decode()
    return json.dumps(value, ensure_ascii=False)


def _typed_like(old: Any, label: str) -> Any:
    """A label read from a number or boolean is written back as one."""
    if isinstance(old, str) or old is None:
        return label
    try:
        return orjson.loads(label)
    except orjson.JSONDecodeError:
        return label
