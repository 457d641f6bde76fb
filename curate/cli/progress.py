"""A rich progress bar per stage, fed by the runner's Reporter calls."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from curate.runs.manifest import StageEntry


class RichReporter:
    """Draws one bar per stage and a summary line when each stage finishes."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def stage_started(self, index: int, name: str, total: int) -> None:
        self._task = self.progress.add_task(f"{index:02d} {name}", total=total or None)

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self.progress.advance(self._task, amount)

    def stage_finished(self, entry: StageEntry) -> None:
        if self._task is not None:
            self.progress.remove_task(self._task)
            self._task = None
        note = " [dim](reused)[/dim]" if entry.cached else ""
        reasons = escape(", ".join(f"{r} {n}" for r, n in entry.reasons.items()))
        self.console.print(
            f"[green]✓[/green] {entry.index:02d} {entry.name:<12} {entry.input:>8} in  "
            f"{entry.kept:>8} kept  {entry.rejected:>6} rejected  {entry.seconds:6.2f}s{note}"
            + (f"\n    [dim]{reasons}[/dim]" if reasons else "")
        )

    def note(self, message: str) -> None:
        # notes carry the user's text (file names, server errors): literal, not markup
        self.console.print(f"[dim]{escape(message)}[/dim]", highlight=False)
