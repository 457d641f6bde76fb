"""One example in full: every turn with its role, and why it was rejected or overridden."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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
    """What the detail pane shows: an example row (as load_examples gives it) and its override."""

    example: Mapping[str, Any]
    override: Override | None = None


def _turns(example: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """``(label, role class, content)`` per turn, chosen/rejected answers of a pair last."""
    for turn in example.get("messages") or []:
        yield turn["role"], turn["role"], turn["content"] or ""
    for key in ("chosen", "rejected"):
        for turn in example.get(key) or []:
            yield f"{turn['role']} · {key}", key, turn["content"] or ""


def _summary(example: Mapping[str, Any]) -> str:
    parts = [f"row {example['row']}", f"id {example['id']}", str(example["status"])]
    if example.get("split"):
        parts.append(f"split {example['split']}")
    parts.append(short_source(example.get("source")))
    parts.append(f"{example.get('chars', 0)} chars")
    return " · ".join(p for p in parts if p)


class ExampleDetail(VerticalScroll):
    """Shows ``shown``; set it to show another example (None clears the pane)."""

    shown: reactive[ExampleContent | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No example selected.", classes="detail-empty")
            return
        example = self.shown.example
        yield Static(_summary(example), markup=False, classes="detail-summary")
        yield from self._decision_lines(example, self.shown.override)
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
