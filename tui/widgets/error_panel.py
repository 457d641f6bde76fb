"""A red panel that shows a problem in words; hidden while there is none."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class ErrorPanel(Static):
    """Set ``message`` to show it; set it to "" to hide the panel."""

    message: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)

    def on_mount(self) -> None:
        self.display = bool(self.message)

    def watch_message(self, message: str) -> None:
        self.display = bool(message)
        self.update(message)
