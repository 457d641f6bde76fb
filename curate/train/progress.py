"""What a training run tells its caller as it goes, and a rich progress bar that listens."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class TrainReporter(Protocol):
    """Receives progress from ``train()``; the CLI draws it, a notebook may print or ignore it."""

    def started(self, total_steps: int, first_step: int) -> None: ...
    def stepped(self, step: int, loss: float | None) -> None: ...
    def evaluated(self, step: int, epoch: float, eval_loss: float) -> None: ...
    def finished(self) -> None: ...
    def note(self, message: str) -> None: ...


class SilentTrainReporter:
    """Reports nothing."""

    def started(self, total_steps: int, first_step: int) -> None: ...
    def stepped(self, step: int, loss: float | None) -> None: ...
    def evaluated(self, step: int, epoch: float, eval_loss: float) -> None: ...
    def finished(self) -> None: ...
    def note(self, message: str) -> None: ...


class RichTrainReporter:
    """One bar: step/total, the latest training loss, elapsed time and ETA; eval lines above it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]train[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichTrainReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, total_steps: int, first_step: int) -> None:
        if first_step:
            self.note(f"resuming at step {first_step} of {total_steps}")
        self._task = self.progress.add_task(
            "train", total=total_steps, completed=first_step, loss="  -   "
        )

    def stepped(self, step: int, loss: float | None) -> None:
        if self._task is None:
            return
        fields = {"loss": f"{loss:.4f}"} if loss is not None else {}
        self.progress.update(self._task, completed=step, **fields)

    def evaluated(self, step: int, epoch: float, eval_loss: float) -> None:
        self.console.print(
            f"[green]✓[/green] epoch {epoch:.2f}  step {step}  eval loss {eval_loss:.4f}"
        )

    def finished(self) -> None:
        if self._task is not None:
            self.progress.remove_task(self._task)
            self._task = None

    def note(self, message: str) -> None:
        self.console.print(f"[dim]{message}[/dim]")
