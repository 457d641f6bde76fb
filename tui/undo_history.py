"""Undo for screens whose decisions are not overrides (audit verdicts, PII marks, labels,
adjudications): each decision is remembered as the function that takes it back."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

NOTHING_TO_UNDO = "Nothing to undo on this screen."


class UndoHistory:
    """A screen's decisions, newest last, each as its undo; an undo returns what it did."""

    def __init__(self) -> None:
        self._steps: list[Callable[[], str]] = []

    def remember(self, undo: Callable[[], str]) -> None:
        self._steps.append(undo)

    def __len__(self) -> int:
        return len(self._steps)

    def undo(self) -> str | None:
        """Take back the newest decision; its message, or None when there is none."""
        return self._steps.pop()() if self._steps else None


def undo_last(screen: Screen[object], history: UndoHistory) -> None:
    """The ``undo`` action of a screen with ``history``: undo, then say what it did."""
    done = history.undo()
    if done is None:
        screen.notify(NOTHING_TO_UNDO, severity="warning")
    else:
        screen.notify(done, markup=False)
