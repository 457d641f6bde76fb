"""Evaluation data to decontaminate against: any file or dataset folder curate reads.

A row in a format curate knows (chat, Alpaca, ShareGPT, preference) gives its user turns, and
its answers when those are compared too; any other row gives the fields the user names (a
benchmark's ``question``, say). Rows that cannot be parsed are counted, not fatal; a file
that cannot be read at all, or holds no text to compare, is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from curate.errors import InputError
from curate.formats.convert import Format, RowError, detect_format, to_canonical
from curate.io.containers import UNIT, detect_container, iter_rows, not_found


@dataclass
class EvalSet:
    """One eval source's texts, each with where it came from."""

    name: str
    sources: list[str] = field(default_factory=list)  # "golden.jsonl line 3"
    texts: list[str] = field(default_factory=list)
    unreadable: int = 0  # rows that could not be parsed or hold no text


def read_eval_set(
    path: Path,
    label: str,
    *,
    name: str,
    fields: list[str],
    fmt: Format | None = None,
    answers: bool = False,
) -> EvalSet:
    """The texts of one eval file or folder (user turns, plus answers with ``answers``)."""
    if not path.exists():
        raise not_found(path, label, "eval file")
    container = detect_container(path)
    unit = UNIT[container]
    found = EvalSet(name)
    try:
        for chunk_label, chunk in iter_rows(path, container, progress=lambda _: None):
            shown = label + chunk_label[len(str(path)) :]
            for raw in chunk:
                text = None if raw.error else _row_text(raw.data, fields, fmt, answers)
                if not text:
                    found.unreadable += 1
                    continue
                found.sources.append(f"{shown} {unit} {raw.pos}")
                found.texts.append(text)
    except OSError as exc:
        raise InputError(f"cannot read the eval file: {exc.strerror or exc}", file=label) from None
    if not found.texts:
        hint = (
            f"name its text fields with `fields: [...]` (no row has {', '.join(fields)})"
            if fields
            else "name its text fields with `fields: [question]` when it is not chat, Alpaca, "
            "ShareGPT or preference data"
        )
        raise InputError("the eval file holds no text to compare", file=label, hint=hint)
    return found


def _row_text(data: Any, fields: list[str], fmt: Format | None, answers: bool) -> str:
    if not isinstance(data, dict):
        return ""
    if fields:
        return "\n\n".join(_as_text(data[f]) for f in fields if data.get(f) not in (None, ""))
    detected = fmt or detect_format(data)
    if detected is None:
        return ""
    try:
        row = to_canonical(data, detected)
    except RowError:
        return ""
    roles = ("user", "assistant") if answers else ("user",)
    turns = [*row.messages, *(row.chosen or [])]
    return "\n\n".join(_as_text(t["content"]) for t in turns if t["role"] in roles)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()
