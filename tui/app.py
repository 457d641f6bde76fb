"""The curate terminal UI: ``curate tui [WORKSPACE] [--pipeline FILE]``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from curate_tui.key_map import KEY_MAP, key
from curate_tui.messages import RunCompleted, RunFailed
from curate_tui.screens.help_screen import HelpScreen
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.screens.run_screen import RunScreen
from curate_tui.session import Session


class CurateApp(App[None]):
    """Runs, live progress, browsing, overrides and audits over one workspace."""

    CSS_PATH = "curate.tcss"
    TITLE = "curate"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("help", "help", "Help"),
        key("quit", "quit", "Quit", show=False),  # q works everywhere; the footer needs room
    ]

    def __init__(self, workspace: Path, *, pipeline: Path | None = None) -> None:
        super().__init__()
        self.session = Session.open(workspace, pipeline)
        self.sub_title = self.session.workspace.name
        self.home = HomeScreen(self.session)

    def get_default_screen(self) -> Screen[None]:
        return self.home

    def on_mount(self) -> None:
        # Installed, so leaving it mid-run keeps its worker and its live progress.
        self.install_screen(RunScreen(self.session), name="run")

    def on_run_completed(self, message: RunCompleted) -> None:
        # the new run is the one to look at next, not whichever was highlighted before
        self.home.reload_runs(select=message.outcome.run_dir)

    def on_run_failed(self, message: RunFailed) -> None:
        self.home.reload_runs()

    def on_unmount(self) -> None:
        self.session.store.close()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            screen = self.screen
            about = type(screen).__name__
            self.push_screen(HelpScreen(screen.active_bindings.values(), screen_class=about))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every key binding of the screen (those kept out of the footer
        too, such as bulk decisions), besides Textual's own commands."""
        builtin = list(super().get_system_commands(screen))
        yield from builtin
        seen = {command.title for command in builtin}
        for pressed, active in screen.active_bindings.items():
            binding = active.binding
            mapped = binding.show or binding.id in KEY_MAP
            if not (mapped and active.enabled and binding.description):
                continue
            if binding.description in seen:
                continue
            seen.add(binding.description)

            def run(action: str = binding.action, node: DOMNode = active.node) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(binding.description, f"key {binding.key_display or pressed}", run)
