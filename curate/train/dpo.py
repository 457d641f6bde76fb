"""trl's DPOTrainer with a LoRA adapter: the reference model is the base with the adapter off.

With a peft model and no ``ref_model``, trl computes the reference log-probabilities by
disabling the adapter, so the frozen base is the reference without a second copy in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from curate.train.config import TrainConfig
from curate.train.trainer import lora_config, training_arguments

if TYPE_CHECKING:
    from datasets import Dataset
    from transformers import PreTrainedModel, PreTrainedTokenizerBase, TrainerCallback
    from trl import DPOTrainer


def build_dpo_trainer(
    config: TrainConfig,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train: Dataset,
    evaluation: Dataset,
    checkpoints: Path,
    callbacks: list[TrainerCallback],
) -> DPOTrainer:
    """A DPOTrainer on ``{"prompt", "chosen", "rejected"}`` rows that evaluates and saves like
    the SFT trainer and keeps the adapter with the lowest eval (DPO) loss."""
    from transformers import PrinterCallback
    from trl import DPOConfig, DPOTrainer

    args = training_arguments(
        config,
        DPOConfig,
        checkpoints,
        beta=config.dpo.beta,
        max_length=config.max_length,
        # the loss reads the prompt, chosen and rejected columns trl tokenises itself
        precompute_ref_log_probs=False,
    )
    trainer = DPOTrainer(
        model=model,
        ref_model=None,
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
        peft_config=lora_config(config),
        callbacks=callbacks,
    )
    trainer.remove_callback(PrinterCallback)
    return trainer
