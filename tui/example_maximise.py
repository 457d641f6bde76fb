"""The maximise key of screens that show one example: it fills the screen, then gives it back."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

from curate_tui.widgets.example_detail import ExampleDetail


class MaximiseExample(Screen[None]):
    """``action_maximise`` toggles the screen's ExampleDetail filling the screen; escape (or
    the key again) restores it and gives focus back to where it was."""

    _focus_before_maximise: Widget | None = None

    def action_maximise(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        detail = self.query_one(ExampleDetail)
        self._focus_before_maximise = self.focused
        self.maximize(detail, container=False)
        detail.focus()  # else focus falls to whatever the maximised view leaves focusable

    def watch_maximized(self, maximized: Widget | None) -> None:
        if maximized is None and self._focus_before_maximise is not None:
            self._focus_before_maximise.focus()
            self._focus_before_maximise = None
