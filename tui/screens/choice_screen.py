"""A modal that offers a short list to pick from (an entity type, ...), enter picks one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from curate_tui.key_map import key


class ChoiceScreen(ModalScreen[str | None]):
    """Dismisses with the chosen option's text, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [key("back", "cancel", "Cancel")]

    def __init__(self, question: str, choices: Sequence[str]) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(self.question, id="picker-question", markup=False)
            yield OptionList(*(Option(c, id=str(i)) for i, c in enumerate(self.choices)))
            yield Label("enter: choose · escape: cancel", id="picker-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
