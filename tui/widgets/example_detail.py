"""One example in full: every turn with its role, and why it was rejected or overridden."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Static

from curate.reasons import describe
from curate.workspace import Override
from curate_tui.formatting import short_source


@dataclass
class ExampleContent:
    """What the detail pane shows: an example row (as load_examples gives it), its override,
    and (``with_meta``, as audits want) the source row's other fields."""

    example: Mapping[str, Any]
    override: Override | None = None
    with_meta: bool = False


def readable(text: str) -> str:
    """``text`` as a person reads it: a JSON object or array (a structured answer, tool
    arguments) pretty-printed, anything else unchanged."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return text
    try:
        value = json.loads(stripped)
    except ValueError:
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)


def _turns(example: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """``(label, role class, content)`` per turn, chosen/rejected answers of a pair last.

    Past one exchange each label carries its number, so a long chat reads as a sequence; tool
    calls follow their assistant turn, arguments pretty-printed."""
    messages = list(example.get("messages") or [])
    numbered = sum(turn["role"] != "system" for turn in messages) > 2  # more than one exchange
    for number, turn in enumerate(messages, start=1):
        label = f"{number} · {turn['role']}" if numbered else turn["role"]
        if turn.get("name"):
            label += f" ({turn['name']})"
        if turn.get("tool_call_id"):
            label += f" · answers {turn['tool_call_id']}"
        yield label, turn["role"], readable(turn.get("content") or "")
        for call in _calls(turn.get("tool_calls")):
            yield f"{label} · tool call", "tool", _tool_call(call)
    for key in ("chosen", "rejected"):
        for turn in example.get(key) or []:
            yield f"{turn['role']} · {key}", key, readable(turn.get("content") or "")


def _calls(value: Any) -> list[Any]:
    """A turn's tool calls, whether stored as JSON text (canonical records) or as a list."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except ValueError:
            return [value]
    return list(value) if isinstance(value, list) else []


def _tool_call(call: Any) -> str:
    """A tool call as ``name(arguments)``, the arguments pretty-printed when they are JSON."""
    if not isinstance(call, Mapping):
        return readable(str(call))
    function = call.get("function") if isinstance(call.get("function"), Mapping) else call
    name = function.get("name") or "?"
    arguments = function.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False) if arguments is not None else ""
    return f"{name}\n{readable(arguments)}" if arguments else str(name)


def meta_lines(example: Mapping[str, Any]) -> str:
    """The source row's other fields (``meta``), one ``key: value`` a line; "" if none."""
    meta = example.get("meta")
    if isinstance(meta, str):
        try:
            meta = json.loads(meta) if meta else {}
        except ValueError:
            return meta
    if not isinstance(meta, Mapping) or not meta:
        return ""
    return "\n".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
        for key, value in meta.items()
    )


def _summary(example: Mapping[str, Any]) -> str:
    parts = [f"row {example['row']}", f"id {example['id']}", str(example["status"])]
    if example.get("split"):
        parts.append(f"split {example['split']}")
    parts.append(short_source(example.get("source")))
    parts.append(f"{example.get('chars', 0)} chars")
    return " · ".join(p for p in parts if p)


class ExampleDetail(VerticalScroll):
    """Shows ``shown``; set it to show another example (None clears the pane)."""

    ALLOW_MAXIMIZE: ClassVar[bool | None] = (
        True  # a screen's maximise key gives it the whole screen to read in
    )

    shown: reactive[ExampleContent | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No example selected.", classes="detail-empty")
            return
        example = self.shown.example
        yield Static(_summary(example), markup=False, classes="detail-summary")
        yield from self._decision_lines(example, self.shown.override)
        meta = meta_lines(example) if self.shown.with_meta else ""
        if meta:
            yield Label("meta", classes="turn-role role-meta")
            yield Static(meta, markup=False, classes="turn-content detail-meta")
        turns = list(_turns(example))
        for label, role, text in turns:
            yield Label(label, classes=f"turn-role role-{role}")
            yield Static(text, markup=False, classes="turn-content")
        if not turns and example.get("raw"):
            yield Label("raw input (unparsed)", classes="turn-role")
            yield Static(str(example["raw"]), markup=False, classes="turn-content")

    @staticmethod
    def _decision_lines(example: Mapping[str, Any], override: Override | None) -> Iterator[Widget]:
        reason = example.get("reason")
        if example.get("status") == "rejected":
            meaning = describe(reason or "")
            text = f"Rejected by {example.get('stage')}: {reason}" + (
                f" — {meaning}" if meaning else ""
            )
            if example.get("detail"):
                text += f"\n{example['detail']}"
            if example.get("related_id"):
                text += f"\nrelated id: {example['related_id']}"
            yield Static(text, markup=False, classes="detail-rejection")
        if override is not None:
            yield Static(
                f"Override: force-{override.action} by {override.annotator}"
                + (f": {override.reason}" if override.reason else ""),
                markup=False,
                classes="detail-override",
            )
