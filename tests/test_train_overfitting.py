"""Overfitting detection from a trainer's log history: the rule, the callback, the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import TrainerControl, TrainerState, TrainingArguments

from curate.train.outputs import plot_losses
from curate.train.overfitting import OverfittingCallback, best_step, detect_overfitting


def history(train: list[float], evals: dict[int, float]) -> list[dict[str, Any]]:
    """A log history as the Trainer writes it: a train loss per step, then any eval that step."""
    entries: list[dict[str, Any]] = []
    for step, loss in enumerate(train, start=1):
        entries.append({"step": step, "epoch": step / 10, "loss": loss, "learning_rate": 1e-4})
        if step in evals:
            entries.append({"step": step, "epoch": step / 10, "eval_loss": evals[step]})
    return entries


FALLING = [2.0, 1.8, 1.6, 1.4, 1.2, 1.0, 0.8, 0.6]
RISING_EVAL = {2: 1.9, 4: 1.5, 6: 1.6, 8: 1.7}  # best at step 4, then two rises


class Notes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def note(self, message: str) -> None:
        self.lines.append(message)

    def started(self, total_steps: int, first_step: int) -> None: ...
    def stepped(self, step: int, loss: float | None) -> None: ...
    def evaluated(self, step: int, epoch: float, eval_loss: float) -> None: ...
    def finished(self) -> None: ...


def test_two_eval_rises_while_train_falls_is_overfitting() -> None:
    found = detect_overfitting(history(FALLING, RISING_EVAL))
    assert found is not None
    assert (found.since_step, found.step) == (4, 8)
    assert found.eval_loss == (1.5, 1.6, 1.7)
    # the mean train loss of each evaluation's interval: steps 3-4, 5-6, 7-8
    assert found.train_loss == (1.5, 1.1, 0.7)
    assert best_step(history(FALLING, RISING_EVAL)) == 4
    assert found.as_dict()["step"] == 8


def test_one_rise_or_a_rising_train_loss_is_not_overfitting() -> None:
    assert detect_overfitting(history(FALLING, {2: 1.9, 4: 1.5, 6: 1.6, 8: 1.4})) is None
    assert detect_overfitting(history(FALLING, {2: 1.9, 4: 1.5, 6: 1.6})) is None
    diverging = [0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0]  # both rise: a bad rate, not overfitting
    assert detect_overfitting(history(diverging, RISING_EVAL)) is None
    flat_eval = {2: 1.5, 4: 1.5, 6: 1.5, 8: 1.5}
    assert detect_overfitting(history(FALLING, flat_eval)) is None


def test_the_first_overfitting_point_is_reported() -> None:
    evals = {1: 2.0, 2: 1.9, 3: 2.0, 4: 2.1, 5: 2.2, 6: 2.3}
    found = detect_overfitting(history(FALLING, evals))
    assert found is not None and (found.since_step, found.step) == (2, 4)


def test_the_callback_says_so_once_at_the_evaluation_where_it_shows() -> None:
    notes = Notes()
    callback = OverfittingCallback(notes)
    full = history(FALLING, RISING_EVAL)
    args = TrainingArguments(output_dir="unused", report_to="none", use_cpu=True)
    for step in sorted(RISING_EVAL):
        seen = [e for e in full if e["step"] <= step]
        state = TrainerState(global_step=step, log_history=seen)
        callback.on_evaluate(args, state, TrainerControl())
        assert len(notes.lines) == (1 if step == 8 else 0)
    assert "overfitting" in notes.lines[0] and "after step 4" in notes.lines[0]
    assert "best checkpoint (step 4)" in notes.lines[0]
    # a later evaluation (still rising) does not repeat it
    later = [*full, {"step": 9, "loss": 0.5}, {"step": 9, "eval_loss": 1.8}]
    callback.on_evaluate(args, TrainerState(global_step=9, log_history=later), TrainerControl())
    assert len(notes.lines) == 1


def test_the_plot_marks_overfitting(tmp_path: Path) -> None:
    full = history(FALLING, RISING_EVAL)
    labels = plot_losses(full, tmp_path / "loss.png", detect_overfitting(full))
    assert "overfitting (from step 4)" in labels
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert not any("overfitting" in label for label in plot_losses(full, tmp_path / "plain.png"))
