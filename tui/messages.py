"""Messages the TUI's widgets and workers post upward."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from curate.runs.manifest import StageEntry
from curate.runs.runner import RunOutcome


@dataclass
class StageStarted(Message):
    """The runner began a stage; ``total`` is its unit count (rows or bytes), 0 if unknown."""

    index: int
    name: str
    total: int


@dataclass
class StageAdvanced(Message):
    """The running stage processed ``amount`` more units."""

    amount: int


@dataclass
class StageFinished(Message):
    """A stage finished (or was reused from an earlier run)."""

    entry: StageEntry


@dataclass
class RunNote(Message):
    """A line the runner wants the user to read."""

    text: str


@dataclass
class RunCompleted(Message):
    """The pipeline run finished and its manifest is written."""

    outcome: RunOutcome


@dataclass
class RunFailed(Message):
    """The pipeline run stopped; ``user_error`` is False for bugs, True for a CurateError."""

    text: str
    exit_code: int
    user_error: bool


@dataclass
class ExampleHighlighted(Message):
    """The example table's cursor moved to ``position`` (index into the shown rows; None: empty)."""

    position: int | None


@dataclass
class ExampleChosen(Message):
    """The user pressed enter on the example at ``position``."""

    position: int


@dataclass(frozen=True)
class ExampleFilters:
    """Which examples Browse shows; None (or "") means any."""

    status: str | None = None
    stage: str | None = None
    reason: str | None = None
    split: str | None = None
    text: str | None = None


@dataclass
class FiltersLeft(Message):
    """The user pressed escape in a filter picker or the search box: back to the list."""


@dataclass
class FiltersChanged(Message):
    """The user changed a Browse filter."""

    filters: ExampleFilters
