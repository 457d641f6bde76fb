"""The override flow of the review screens: ask why, store the decision, redraw, say so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from textual.screen import Screen

from curate.workspace import Action, Override, WorkspaceDB
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.session import Session

Decision = Action | Literal["clear"]
CLEARED = "cleared in the TUI"  # the reason stored when a decision is withdrawn
UNDONE = "undone in the TUI"  # the reason stored when an undo withdraws a decision
BULK_VERBS: dict[str, str] = {"keep": "Force-keep", "drop": "Force-drop", "distinct": "Split out"}


def put_back(store: WorkspaceDB, example_id: str, before: Override | None) -> None:
    """Make ``before`` (None: no decision) the example's standing override again."""
    if before is None:
        store.set_override(example_id, "clear", UNDONE)
    else:
        store.set_override(example_id, before.action, before.reason)


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
        # each decision (one example, or a bulk one) as the overrides it replaced, newest last
        self.undo_stack: list[list[tuple[str, Override | None]]] = []

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
        self.app.push_screen(TextPromptScreen(question, placeholder="reason", required=True), save)

    def decide_many(self, example_ids: list[str], decision: Action, what: str) -> None:
        """Store ``decision`` for every example of ``example_ids`` after one question, which
        names how many and is the confirmation (escape cancels); one undo takes it back."""
        if not example_ids:
            return

        def save(reason: str | None) -> None:
            if reason is None:
                return
            self._remember(example_ids)
            for example_id in example_ids:
                self.session.store.set_override(example_id, decision, reason)
            self.reload_overrides()
            self.show_overrides()
            self.notify(
                f"{BULK_VERBS[decision]} {len(example_ids):,} examples; the next run applies it "
                "(ctrl+z undoes it)."
            )

        question = f"{BULK_VERBS[decision]} all {len(example_ids):,} {what}: why?"
        self.app.push_screen(TextPromptScreen(question, placeholder="reason", required=True), save)

    def action_undo(self) -> None:
        """Put back the overrides the last decision replaced."""
        if not self.undo_stack:
            self.notify("Nothing to undo on this screen.", severity="warning")
            return
        batch = self.undo_stack.pop()
        for example_id, before in batch:
            put_back(self.session.store, example_id, before)
        self.reload_overrides()
        self.show_overrides()
        count = f"{len(batch):,} examples" if len(batch) > 1 else batch[0][0]
        self.notify(f"Undid the last decision on {count}.")

    def _remember(self, example_ids: list[str]) -> None:
        self.undo_stack.append([(i, self.overrides.get(i)) for i in example_ids])

    def _store_override(self, example_id: str, decision: Decision, reason: str) -> None:
        self._remember([example_id])
        self.session.store.set_override(example_id, decision, reason)
        self.reload_overrides()
        self.show_overrides()
        self.notify(self.DONE[decision].format(id=example_id) + "; the next run applies it.")
