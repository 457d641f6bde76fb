"""``train(config)``: a LoRA fine-tune (SFT or DPO) from a curated export to an adapter and a
merged model."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError
from curate.evaluate.preference_eval import preference_metrics
from curate.io.atomic import remove_stale_temps
from curate.local_models import DEFAULT_BASE_MODEL, resolve_model
from curate.train.callbacks import ProgressCallback, write_log
from curate.train.chat_template import training_chat_template
from curate.train.config import TrainConfig
from curate.train.data import load_splits, split_files
from curate.train.dpo import build_dpo_trainer
from curate.train.memory import check_memory, longest_row, plan_memory
from curate.train.outputs import (
    library_versions,
    plot_losses,
    save_adapter,
    save_merged,
    write_manifest,
)
from curate.train.overfitting import OverfittingCallback, best_step, detect_overfitting
from curate.train.preference_data import load_preference_splits, pairs_dataset
from curate.train.progress import SilentTrainReporter, TrainReporter
from curate.train.trainer import (
    build_trainer,
    check_qlora,
    finished_state,
    latest_checkpoint,
    load_base_model,
    load_best_adapter,
    planned_steps,
)

if TYPE_CHECKING:
    from curate.train.preference_data import PreferencePair


@dataclass(frozen=True)
class TrainResult:
    """Where a finished run put things, and how it went."""

    out: Path
    adapter: Path
    merged: Path | None
    log: Path
    plot: Path
    manifest: Path
    steps: int
    final_train_loss: float | None
    final_eval_loss: float | None
    best_eval_loss: float | None
    seconds: float
    resumed_from: str | None
    best_step: int | None = None
    overfitting: dict[str, Any] | None = None
    preference: dict[str, Any] | None = None


def train(config: TrainConfig, reporter: TrainReporter | None = None) -> TrainResult:
    """Fine-tune ``config.base_model`` on the config's train split; resume a killed run.

    Cheap checks (QLoRA support, split files, model path, the memory plan) run before
    anything heavy loads.
    """
    reporter = reporter or SilentTrainReporter()
    if config.out is None:
        raise CurateError("no output folder", field="out", hint="set out: or pass --out")
    out = config.out
    check_qlora(config)
    files = split_files(config.data)
    eval_pairs: list[PreferencePair] = []
    if config.method == "dpo":
        train_pairs, eval_pairs = load_preference_splits(files)
        train_set, eval_set = pairs_dataset(train_pairs), pairs_dataset(eval_pairs)
    else:
        train_set, eval_set = load_splits(files)
    plan = plan_memory(config, longest_row(config, train_set))
    reporter.note(plan.describe())
    if config.memory_check:
        check_memory(plan)
    model_path = resolve_model(config.base_model)

    from transformers import AutoTokenizer

    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    stock_template = tokenizer.chat_template
    if config.assistant_only_loss and config.method == "sft":
        tokenizer.chat_template = training_chat_template(tokenizer)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out)
    checkpoints = out / "checkpoints"
    resume = latest_checkpoint(checkpoints)
    unit = "preference pairs" if config.method == "dpo" else "examples"
    reporter.note(
        f"{config.method}: {len(train_set)} train / {len(eval_set)} eval {unit}; "
        f"base model {model_path}" + (f"; resuming from {Path(resume).name}" if resume else "")
    )
    model = load_base_model(model_path, config)
    log_path = out / "training_log.jsonl"
    build = build_dpo_trainer if config.method == "dpo" else build_trainer
    trainer = build(
        config,
        model,
        tokenizer,
        train_set,
        eval_set,
        checkpoints,
        [ProgressCallback(reporter, log_path), OverfittingCallback(reporter)],
    )
    state = finished_state(resume, planned_steps(trainer))
    if state is not None:
        reporter.note(f"training already finished at step {state.global_step}; rewriting outputs")
        load_best_adapter(trainer, state, checkpoints)
    else:
        trainer.train(resume_from_checkpoint=resume)
        state = trainer.state

    history = state.log_history
    write_log(log_path, history)
    overfitting = detect_overfitting(history)
    best = best_step(history)
    if overfitting is not None and state is not trainer.state:
        reporter.note(overfitting.sentence(best))  # a finished run: the callback saw nothing
    preference = None
    if config.method == "dpo":
        # the trainer holds the best adapter now; with it off, the model is the reference
        scored = preference_metrics(
            trainer.model, tokenizer, eval_pairs, beta=config.dpo.beta, max_length=config.max_length
        )
        preference = scored.summary()
        reporter.note(
            f"held-out pairs: preference accuracy {scored.accuracy:.1%}, "
            f"mean reward margin {scored.mean_margin:+.4f} over {scored.pairs} pairs"
        )
    # the served model keeps the stock template; the markers only matter for training
    tokenizer.chat_template = stock_template
    adapter = out / "adapter"
    save_adapter(trainer, tokenizer, adapter)
    merged = None
    if config.merge:
        reporter.note("merging the adapter into the base weights")
        merged = out / "merged"
        save_merged(model_path, adapter, tokenizer, config, merged)
    plot = out / "loss.png"
    plot_losses(history, plot, overfitting)

    train_losses = [e["loss"] for e in history if "loss" in e]
    eval_losses = [e["eval_loss"] for e in history if "eval_loss" in e]
    seconds = time.perf_counter() - clock
    result = TrainResult(
        out=out,
        adapter=adapter,
        merged=merged,
        log=log_path,
        plot=plot,
        manifest=out / "train_manifest.json",
        steps=state.global_step,
        final_train_loss=train_losses[-1] if train_losses else None,
        final_eval_loss=eval_losses[-1] if eval_losses else None,
        best_eval_loss=min(eval_losses) if eval_losses else None,
        seconds=seconds,
        resumed_from=resume,
        best_step=best,
        overfitting=overfitting.as_dict() if overfitting else None,
        preference=preference,
    )
    write_manifest(
        result.manifest,
        {
            "schema_version": 1,
            "base_model": {
                "name": config.base_model,
                "path": str(model_path),
                "embedded": config.base_model.lower() == DEFAULT_BASE_MODEL,
            },
            "data": files.describe() | {"train_rows": len(train_set), "eval_rows": len(eval_set)},
            "config": config.model_dump(mode="json"),
            "versions": library_versions(),
            "started_at": started_at,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
            "resumed_from": resume,
            "steps": result.steps,
            "method": config.method,
            "best_checkpoint": state.best_model_checkpoint,
            "best_step": result.best_step,
            "overfitting": result.overfitting,
            "preference_eval": result.preference,
            "memory_plan": plan.as_dict(),
            "decoding": {"preset": config.decoding, "file": "merged/generation_config.json"}
            if merged
            else None,
            "final_train_loss": result.final_train_loss,
            "final_eval_loss": result.final_eval_loss,
            "best_eval_loss": result.best_eval_loss,
            "outputs": {
                "adapter": "adapter",
                "merged": "merged" if merged else None,
                "log": log_path.name,
                "plot": plot.name,
            },
        },
    )
    return result
