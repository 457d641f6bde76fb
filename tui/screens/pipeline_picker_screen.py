"""A modal listing the workspace's pipeline files; enter picks one, escape keeps the current."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class PipelinePickerScreen(ModalScreen[Path | None]):
    """Dismisses with the chosen pipeline file, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, pipelines: list[Path], workspace: Path, current: Path | None) -> None:
        super().__init__()
        self.pipelines = pipelines
        self.workspace = workspace
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label("Which pipeline should r run in this workspace?", id="picker-question")
            options = [
                Option(_shown(path, self.workspace), id=str(index))
                for index, path in enumerate(self.pipelines)
            ]
            yield OptionList(*options, id="picker-options")
            yield Label("enter: run this one from now on · escape: cancel", id="picker-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.pipelines:
            options.highlighted = self.pipelines.index(self.current)
        elif self.pipelines:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.pipelines[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _shown(path: Path, workspace: Path) -> str:
    return str(path.relative_to(workspace)) if path.is_relative_to(workspace) else str(path)
