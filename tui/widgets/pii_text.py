"""One example's original turns with every PII span highlighted in its entity type's style.

The styles are component classes, so they live in curate.tcss like every other colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label, Static

from curate.runs.pii_review import PiiExample, SpanRow

# Entity types grouped by the colour they share.
ENTITY_GROUPS = {
    "PERSON": "person",
    "EMAIL_ADDRESS": "contact",
    "PHONE_NUMBER": "contact",
    "LOCATION": "place",
    "STREET_ADDRESS": "place",
    "CREDIT_CARD": "money",
    "IBAN_CODE": "money",
    "US_SSN": "money",
    "API_KEY": "secret",
    "PRIVATE_KEY": "secret",
    "PASSWORD": "secret",
    "IP_ADDRESS": "web",
    "URL": "web",
}
GROUPS = ("person", "contact", "place", "money", "secret", "web", "other")


def style_class(entity: str) -> str:
    """The component class of an entity type: ``pii-text--person``…"""
    return f"pii-text--{ENTITY_GROUPS.get(entity, 'other')}"


def describe(row: SpanRow) -> str:
    """One line about the span under the cursor: what, how sure, by whom, decided how."""
    text = f"{row.text!r}: {row.entity}"
    if row.score is not None:
        text += f", score {row.score:.2f} by {row.by}"
    if row.count > 1:
        text += f", {row.count} times"
    if row.decision is not None:
        said = "not PII" if row.decision.verdict == "not_pii" else f"PII ({row.decision.entity})"
        text += f" · {row.decision.annotator} said {said}"
    return text


@dataclass(frozen=True)
class PiiView:
    """What the pane shows: an example, its span rows, and the row under the cursor."""

    example: PiiExample
    rows: Sequence[SpanRow]
    current: SpanRow | None = None


class PiiText(VerticalScroll):
    """Shows ``shown``; spans a person called not PII are struck through, added ones boxed."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"pii-text--{group}" for group in GROUPS),
        "pii-text--dismissed",
        "pii-text--added",
        "pii-text--current",
    }

    shown: reactive[PiiView | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No example selected.", classes="detail-empty")
            return
        example = self.shown.example
        summary = f"{example.example_id} · {example.source} · "
        summary += "kept" if example.kept else "dropped by pii"
        yield Static(summary, markup=False, classes="detail-summary")
        current = self.shown.current
        if current is not None:
            yield Static(describe(current), markup=False, classes="pii-current")
        for name, index, role, content in example.turns:
            label = role if name == "messages" else f"{role} · {name}"
            yield Label(label, classes=f"turn-role role-{role if name == 'messages' else name}")
            yield Static(self.highlighted(name, index, content), classes="turn-content")

    def highlighted(self, name: str, index: int, content: str) -> Text:
        """``content`` with the spans of this turn styled."""
        view = self.shown
        text = Text(content)
        if view is None:
            return text
        decided = {r.text.strip().casefold(): r.decision for r in view.rows if r.decision}
        for span in view.example.spans:
            if (span.field, span.turn) != (name, index):
                continue
            decision = decided.get(span.text.strip().casefold())
            dismissed = decision is not None and decision.verdict == "not_pii"
            style = "pii-text--dismissed" if dismissed else style_class(span.entity)
            text.stylize(self._style(style), span.start, span.end)
        for row in view.rows:
            if row.decision is not None and row.decision.verdict == "pii" and row.by == "person":
                for where in view.example.occurrences(row.text):
                    if where[:2] == (name, index):
                        text.stylize(self._style("pii-text--added"), *where[2:])
        if view.current is not None:
            for where in view.example.occurrences(view.current.text):
                if where[:2] == (name, index):
                    text.stylize(self._style("pii-text--current"), *where[2:])
        return text

    def _style(self, component: str) -> Style:
        # Tag each style with its class name, so tests and tools can tell spans apart.
        style = self.get_component_rich_style(component)
        return style + Style(meta={"pii": component.removeprefix("pii-text--")})
