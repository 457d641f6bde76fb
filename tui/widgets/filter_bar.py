"""Browse's filters: status, stage, reason and split pickers, and a text search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Select

from curate_tui.key_map import key
from curate_tui.messages import ExampleFilters, FiltersChanged, FiltersLeft

PICKERS = ("status", "stage", "reason", "split")


class FilterBar(Horizontal):
    """Posts FiltersChanged whenever a picker or the search text changes; escape inside it
    posts FiltersLeft (back to the list) instead of leaving the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [key("back", "leave", "Back to the list")]

    def compose(self) -> ComposeResult:
        for name in PICKERS:
            yield Select[str]([], prompt=name, id=f"filter-{name}", compact=True)
        yield Input(placeholder="/ search every turn, id", id="filter-text", compact=True)

    def set_choices(
        self, *, stages: Sequence[str], reasons: Sequence[str], splits: Sequence[str]
    ) -> None:
        """The values each picker offers (status is always kept/rejected)."""
        choices = {
            "status": ["kept", "rejected"],
            "stage": stages,
            "reason": reasons,
            "split": splits,
        }
        for name, values in choices.items():
            self.query_one(f"#filter-{name}", Select).set_options((v, v) for v in values)

    def focus_search(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def clear(self) -> None:
        """Reset every picker and the search, as one change (one FiltersChanged or none)."""
        before = self.filters
        with self.prevent(Select.Changed, Input.Changed):
            for name in PICKERS:
                self.query_one(f"#filter-{name}", Select).clear()
            self.query_one("#filter-text", Input).value = ""
        if before != self.filters:
            self.post_message(FiltersChanged(self.filters))

    def action_leave(self) -> None:
        self.post_message(FiltersLeft())

    @property
    def filters(self) -> ExampleFilters:
        picked = {}
        for name in PICKERS:
            value = self.query_one(f"#filter-{name}", Select).value
            picked[name] = value if isinstance(value, str) else None
        text = self.query_one("#filter-text", Input).value
        return ExampleFilters(**picked, text=text if text.strip() else None)

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self, event: Select.Changed | Input.Changed) -> None:
        event.stop()
        self.post_message(FiltersChanged(self.filters))
