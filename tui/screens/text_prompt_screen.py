"""A small modal that asks for one line of text (an override reason, an audit note)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class TextPromptScreen(ModalScreen[str | None]):
    """Dismisses with the entered text on enter, or None on escape; with ``required``, an
    empty answer is refused and the prompt stays open."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, question: str, *, placeholder: str = "", value: str = "", required: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Label(self.question, id="prompt-question", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label("enter: save · escape: cancel", id="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        if self.required and not answer:
            hint = self.query_one("#prompt-hint", Label)
            hint.update(f"a {self.placeholder or 'answer'} is needed · escape: cancel")
            hint.add_class("prompt-refused")
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
