"""The string leaves of a turn's JSON (tool-call arguments, JSON tool results), so PII is found
and rewritten inside them while the JSON around them stays valid.

A leaf is scanned as its own text under a field name that says where it sits, e.g.
``messages[1].tool_calls[0].function.arguments$.email``: the turn's field and index, the JSON
text it lives in, then the JSON path of the leaf inside that text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

Path = tuple[str | int, ...]


def string_leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string inside ``value`` (object keys excluded), with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from string_leaves(item, (*path, i))


def json_path(path: Path) -> str:
    """``$.a[0].b`` for ``("a", 0, "b")``; keys that are not plain names are quoted."""
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += f".{step}"
        else:
            out += "[" + orjson.dumps(step).decode() + "]"
    return out


def parse_json_text(text: str | None) -> Any:
    """The JSON value of an object or array text, else None (plain text is scanned as is)."""
    if not text or text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def replace_leaves(value: Any, new: dict[Path, str]) -> Any:
    """``value`` with the strings at the given paths replaced."""

    def walk(item: Any, path: Path) -> Any:
        if path in new:
            return new[path]
        if isinstance(item, dict):
            return {k: walk(v, (*path, k)) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, (*path, i)) for i, v in enumerate(item)]
        return item

    return walk(value, ())


def leaf_text(turn: dict[str, Any], where: str) -> str:
    """The text a leaf field names inside ``turn`` (``where`` without the ``name[i].``)."""
    location, _, path = where.partition("$")
    if location == "content":
        value = parse_json_text(turn.get("content"))
    else:
        k = int(location.split("[", 1)[1].split("]", 1)[0])
        arguments = orjson.loads(turn.get("tool_calls") or "[]")[k]["function"]["arguments"]
        value = parse_json_text(arguments) if isinstance(arguments, str) else arguments
        if value is None:
            return arguments
    leaves = {json_path(p): text for p, text in string_leaves(value)}
    return leaves.get("$" + path, "")
