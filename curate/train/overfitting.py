"""Overfitting: eval loss rising at two evaluations in a row while the train loss falls.

The rule reads the trainer's log history, so the same answer comes from a live run (the
callback), a resumed one and a finished one (the manifest and the plot). The train loss of an
evaluation is the mean of the train losses logged since the evaluation before it, so one
noisy step does not decide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from curate.train.progress import TrainReporter


@dataclass(frozen=True)
class Overfitting:
    """Where overfitting showed: ``since_step`` is the last evaluation before eval loss rose,
    ``step`` the evaluation that made it two rises in a row."""

    step: int
    since_step: int
    eval_loss: tuple[float, float, float]
    train_loss: tuple[float, float, float]

    def as_dict(self) -> dict[str, Any]:
        """For the manifest."""
        described = asdict(self)
        described["eval_loss"] = list(self.eval_loss)
        described["train_loss"] = list(self.train_loss)
        return described

    def sentence(self, best_step: int | None) -> str:
        """One line for the log."""
        rises = " -> ".join(f"{v:.4f}" for v in self.eval_loss)
        falls = " -> ".join(f"{v:.4f}" for v in self.train_loss)
        kept = f"; the best checkpoint (step {best_step}) is kept" if best_step is not None else ""
        return (
            f"overfitting: eval loss rose for two evaluations after step {self.since_step} "
            f"({rises}) while train loss fell ({falls}), seen at step {self.step}{kept}"
        )


def evaluations(history: list[dict[str, Any]]) -> list[tuple[int, float, float | None]]:
    """``(step, eval loss, mean train loss since the previous evaluation)`` per evaluation."""
    out: list[tuple[int, float, float | None]] = []
    pending: list[float] = []
    for entry in history:
        if "loss" in entry:
            pending.append(float(entry["loss"]))
        if "eval_loss" in entry:
            train = sum(pending) / len(pending) if pending else None
            out.append((int(entry["step"]), float(entry["eval_loss"]), train))
            pending = []
    return out


def detect_overfitting(history: list[dict[str, Any]]) -> Overfitting | None:
    """The first point where eval loss rose twice in a row while train loss fell twice."""
    points = evaluations(history)
    for i in range(2, len(points)):
        window = points[i - 2 : i + 1]
        evals = [e for _, e, _ in window]
        trains = [t for _, _, t in window]
        if any(t is None for t in trains):
            continue
        if evals[0] < evals[1] < evals[2] and trains[0] > trains[1] > trains[2]:  # type: ignore[operator]
            return Overfitting(
                step=window[2][0],
                since_step=window[0][0],
                eval_loss=(evals[0], evals[1], evals[2]),
                train_loss=tuple(trains),  # type: ignore[arg-type]
            )
    return None


def best_step(history: list[dict[str, Any]]) -> int | None:
    """The step of the lowest eval loss (the checkpoint kept as best)."""
    points = evaluations(history)
    return min(points, key=lambda p: p[1])[0] if points else None


class OverfittingCallback(TrainerCallback):
    """Says so once, at the evaluation where overfitting shows."""

    def __init__(self, reporter: TrainReporter) -> None:
        self.reporter = reporter
        self.found: Overfitting | None = None

    def on_evaluate(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **_: Any
    ) -> None:
        found = detect_overfitting(state.log_history)
        if found is not None and found.step == state.global_step and self.found is None:
            self.found = found
            self.reporter.note(found.sentence(best_step(state.log_history)))
