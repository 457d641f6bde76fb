"""Load the base model for training and build trl's SFTTrainer with a LoRA adapter; the
training arguments here are shared with the DPO trainer (curate/train/dpo.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError
from curate.train.config import TrainConfig

if TYPE_CHECKING:
    import torch
    from datasets import Dataset
    from transformers import PreTrainedModel, PreTrainedTokenizerBase, TrainerCallback, TrainerState
    from trl import SFTTrainer


class QLoRAUnavailableError(CurateError):
    """QLoRA was asked for where bitsandbytes 4-bit cannot run."""


def check_qlora(config: TrainConfig) -> None:
    """Refuse QLoRA without a CUDA GPU and bitsandbytes, before anything is loaded."""
    if not config.qlora:
        return
    import torch

    if not torch.cuda.is_available():
        raise QLoRAUnavailableError(
            "QLoRA needs a CUDA GPU (bitsandbytes 4-bit NF4); none is available here",
            field="quantization",
            hint="set quantization: none to train a plain LoRA adapter on this machine",
        )
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise QLoRAUnavailableError(
            "QLoRA needs bitsandbytes",
            field="quantization",
            hint="pip install 'curate[qlora]' (bitsandbytes)",
        ) from None


def compute_dtype(config: TrainConfig) -> torch.dtype:
    """bf16 when asked for, or on 'auto' with a CUDA GPU that supports it; fp32 otherwise."""
    import torch

    if config.precision == "bf16":
        return torch.bfloat16
    if config.precision == "auto" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def load_base_model(model_path: Path, config: TrainConfig) -> PreTrainedModel:
    """The base model in the training precision, or 4-bit NF4 for QLoRA."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = compute_dtype(config)
    kwargs: dict[str, Any] = {"dtype": dtype}
    if config.qlora:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=dtype if dtype == torch.bfloat16 else torch.float16,
        )
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    model = AutoModelForCausalLM.from_pretrained(model_path, **kwargs)
    if config.qlora:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    return model


def build_trainer(
    config: TrainConfig,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train: Dataset,
    evaluation: Dataset,
    checkpoints: Path,
    callbacks: list[TrainerCallback],
) -> SFTTrainer:
    """An SFTTrainer that evaluates and saves each epoch (or every ``eval_steps``) and keeps
    the best adapter by eval loss."""
    from transformers import PrinterCallback
    from trl import SFTConfig, SFTTrainer

    args = training_arguments(
        config,
        SFTConfig,
        checkpoints,
        max_length=config.max_length,
        assistant_only_loss=config.assistant_only_loss,
    )
    peft_config = lora_config(config)
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=callbacks,
    )
    # with tqdm off, transformers prints every log dict; the callbacks report instead
    trainer.remove_callback(PrinterCallback)
    return trainer


def training_arguments(
    config: TrainConfig, config_class: type, checkpoints: Path, **specific: Any
) -> Any:
    """The arguments SFT and DPO share: schedule, precision, evaluation, checkpoints, logging.

    ``specific`` adds the trainer's own fields. DPOConfig's defaults differ from
    TrainingArguments' (bf16 on, checkpointing on, lr 1e-6), so every shared one is set here.
    """
    import torch

    on_gpu = torch.cuda.is_available()
    bf16 = compute_dtype(config) == torch.bfloat16
    schedule: dict[str, Any] = {"eval_strategy": "epoch", "save_strategy": "epoch"}
    if config.eval_steps is not None:
        schedule = {
            "eval_strategy": "steps",
            "save_strategy": "steps",
            "eval_steps": config.eval_steps,
            "save_steps": config.eval_steps,
        }
    return config_class(
        output_dir=str(checkpoints),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps if config.max_steps is not None else -1,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accumulation,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_ratio,  # a float below 1 is a ratio of the total steps
        weight_decay=config.weight_decay,
        seed=config.seed,
        data_seed=config.seed,
        bf16=bf16,
        fp16=False,
        use_cpu=not on_gpu,
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        save_total_limit=config.save_total_limit,
        logging_strategy="steps",
        logging_steps=1,
        logging_first_step=True,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        **schedule,
        **_checkpointing(config_class, on_gpu),
        **specific,
    )


def lora_config(config: TrainConfig) -> Any:
    """The peft LoRA adapter the config asks for."""
    from peft import LoraConfig

    return LoraConfig(
        r=config.lora.r,
        lora_alpha=config.lora.scale_alpha,
        lora_dropout=config.lora.dropout,
        target_modules=config.lora.target,
        bias="none",
        task_type="CAUSAL_LM",
    )


def _checkpointing(config_class: type, enabled: bool) -> dict[str, bool]:
    """Activation checkpointing trades compute for memory: worth it on a GPU, only slower on a
    CPU. transformers 5 renamed the option; the old name still works but warns."""
    names = {f.name for f in dataclasses.fields(config_class)}
    if "activation_checkpointing" in names:
        return {"activation_checkpointing": enabled, "gradient_checkpointing": enabled}
    return {"gradient_checkpointing": enabled}


def latest_checkpoint(checkpoints: Path) -> str | None:
    """The newest ``checkpoint-N`` folder a killed run left, to resume from."""
    if not checkpoints.is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(checkpoints))


def planned_steps(trainer: SFTTrainer) -> int | None:
    """The optimizer steps this run will take in all (None if the trainer cannot say)."""
    try:
        return trainer.set_initial_training_values(trainer.args, trainer.get_train_dataloader())[-1]
    except (AttributeError, TypeError, ValueError):
        return None


def finished_state(checkpoint: str | None, planned: int | None) -> TrainerState | None:
    """The checkpoint's trainer state when it already holds the whole planned run.

    Resuming from such a checkpoint would make transformers take one step too many.
    """
    if checkpoint is None or planned is None:
        return None
    from transformers import TrainerState

    state = TrainerState.load_from_json(str(Path(checkpoint) / "trainer_state.json"))
    return state if state.global_step >= planned else None


def load_best_adapter(trainer: SFTTrainer, state: TrainerState, checkpoints: Path) -> None:
    """Put the best checkpoint's adapter weights into the trainer's model."""
    from peft import load_peft_weights, set_peft_model_state_dict

    best = state.best_model_checkpoint
    folder = (
        checkpoints / Path(best).name if best else checkpoints / f"checkpoint-{state.global_step}"
    )
    set_peft_model_state_dict(trainer.model, load_peft_weights(str(folder)))
