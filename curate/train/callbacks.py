"""Trainer callbacks: progress to a reporter, and every logged step to training_log.jsonl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from curate.io.atomic import atomic_path
from curate.train.progress import TrainReporter


def log_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trainer log entries with a loss, as {step, epoch, loss, eval_loss, lr} rows."""
    return [
        {
            "step": entry.get("step"),
            "epoch": entry.get("epoch"),
            "loss": entry.get("loss"),
            "eval_loss": entry.get("eval_loss"),
            "lr": entry.get("learning_rate"),
        }
        for entry in history
        if "loss" in entry or "eval_loss" in entry
    ]


def write_log(path: Path, history: list[dict[str, Any]]) -> None:
    """Rewrite the whole log atomically (the trainer state holds it, across resumes too)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in log_rows(history)))


class ProgressCallback(TrainerCallback):
    """Forwards steps, losses and evaluations to a TrainReporter, and keeps the log file."""

    def __init__(self, reporter: TrainReporter, log_path: Path) -> None:
        self.reporter = reporter
        self.log_path = log_path
        self._loss: float | None = None

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **_: Any
    ) -> None:
        self.reporter.started(state.max_steps, state.global_step)

    def on_step_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **_: Any
    ) -> None:
        self.reporter.stepped(state.global_step, self._loss)

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, float] | None = None,
        **_: Any,
    ) -> None:
        logs = logs or {}
        if "loss" in logs:
            self._loss = logs["loss"]
            self.reporter.stepped(state.global_step, self._loss)
        if "eval_loss" in logs:
            self.reporter.evaluated(state.global_step, state.epoch or 0.0, logs["eval_loss"])
        if "loss" in logs or "eval_loss" in logs:
            write_log(self.log_path, state.log_history)

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **_: Any
    ) -> None:
        self.reporter.finished()
