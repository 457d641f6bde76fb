"""The override flow of the review screens: ask why, store the decision, redraw, say so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from textual.screen import Screen

from curate.workspace import Action, Override
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.session import Session

Decision = Action | Literal["clear"]
CLEARED = "cleared in the TUI"  # the reason stored when a decision is withdrawn


class OverrideScreen(Screen[None]):
    """A screen whose keys store per-example overrides for the next run.

    Subclasses give ``PROMPTS`` (the question asked before each decision but clear) and
    ``DONE`` (the notification after each decision), both with ``{id}`` for the example,
    and redraw what shows the overrides in ``show_overrides``.
    """

    PROMPTS: ClassVar[Mapping[str, str]] = {}
    DONE: ClassVar[Mapping[str, str]] = {}

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.overrides: dict[str, Override] = {}

    def reload_overrides(self) -> None:
        """Read the standing overrides again."""
        self.overrides = self.session.store.overrides()

    def show_overrides(self) -> None:
        """Redraw whatever shows ``overrides``; called after each stored decision."""
        raise NotImplementedError

    def decide_override(self, example_id: str, decision: Decision) -> None:
        """Store ``decision`` (clear at once, the others once a reason is entered)."""
        if decision == "clear":
            self._store_override(example_id, decision, CLEARED)
            return

        def save(reason: str | None) -> None:
            if reason is not None:
                self._store_override(example_id, decision, reason)

        question = self.PROMPTS[decision].format(id=example_id)
        self.app.push_screen(TextPromptScreen(question, placeholder="reason"), save)

    def _store_override(self, example_id: str, decision: Decision, reason: str) -> None:
        self.session.store.set_override(example_id, decision, reason)
        self.reload_overrides()
        self.show_overrides()
        self.notify(self.DONE[decision].format(id=example_id) + "; the next run applies it.")
