"""A runner Reporter that turns progress calls into Textual messages (callable from any thread)."""

from __future__ import annotations

import time
from typing import Protocol

from textual.message import Message

from curate.runs.manifest import StageEntry
from curate_tui.messages import RunNote, StageAdvanced, StageFinished, StageStarted


class MessageTarget(Protocol):
    """Anything messages can be posted to (a widget, a screen, the app)."""

    def post_message(self, message: Message) -> bool: ...


class MessageReporter:
    """Posts a message per reporter call to ``target``; coalesces rapid ``advance`` calls."""

    def __init__(self, target: MessageTarget, *, min_interval: float = 0.05) -> None:
        self.target = target
        self.min_interval = min_interval
        self._pending = 0
        self._last_post = 0.0

    def stage_started(self, index: int, name: str, total: int) -> None:
        self._flush()
        self.target.post_message(StageStarted(index, name, total))

    def advance(self, amount: int) -> None:
        self._pending += amount
        if time.monotonic() - self._last_post >= self.min_interval:
            self._flush()

    def stage_finished(self, entry: StageEntry) -> None:
        self._flush()
        self.target.post_message(StageFinished(entry))

    def note(self, message: str) -> None:
        self.target.post_message(RunNote(message))

    def _flush(self) -> None:
        if self._pending:
            self.target.post_message(StageAdvanced(self._pending))
            self._pending = 0
        self._last_post = time.monotonic()
