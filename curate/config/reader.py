"""YAML config files (pipeline, train, eval): read one mapping, and explain a validation error
by the file, the line of the offending node and the dotted field. A key given twice in one
mapping is an error (PyYAML would keep the last one silently)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from curate.errors import CurateError

# Given pydantic's first error, a better (message, field) for it, or None to keep the default.
Rewrite = Callable[[ErrorDetails], tuple[str, str] | None]
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping, naming both lines."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            # keys merged in with `<<:` may be overridden on purpose; only written keys count
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise yaml.constructor.ConstructorError(
                    problem=f"key '{key}' is given twice, on lines {first_line[key]} and {line}; "
                    "YAML would keep only the second: merge them or remove one",
                    problem_mark=key_node.start_mark,
                )
            first_line[key] = line
        return super().construct_mapping(node, deep=deep)


def read_mapping(
    path: Path, error: type[CurateError], *, kind: str, expected: str
) -> tuple[dict[str, Any], str]:
    """The YAML mapping in ``path`` and its text; ``error`` names the file (and line) otherwise."""
    if not path.is_file():
        raise error(f"{kind} not found", file=path)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise error(f"expected a mapping with {expected}", file=path, line=1)
    return data, text


def explain(
    exc: ValidationError,
    path: Path,
    text: str,
    error: type[CurateError],
    rewrite: Rewrite | None = None,
) -> CurateError:
    """The first validation problem as one error naming file, line and field."""
    first = exc.errors()[0]
    loc = first["loc"]
    field = dotted(loc)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'"
    if rewrite is not None and (better := rewrite(first)) is not None:
        message, field = better
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    line = line_of(yaml.compose(text), loc)
    return error(message, file=path, line=line, field=field or None)


def dotted(loc: tuple[Any, ...]) -> str:
    """``('stages', 2, 'threshold')`` as ``stages[2].threshold``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, or of its deepest existing parent."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
            if child is None:  # a key missing from a mapping: point at the mapping
                continue
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            continue
        node = child
        line = node.start_mark.line + 1
    return line
