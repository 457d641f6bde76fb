"""What a finished run leaves in ``<out>/``: adapter, merged model, loss plot, manifest."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate import __version__
from curate.io.atomic import atomic_dir, atomic_path, write_json
from curate.train.callbacks import log_rows
from curate.train.config import TrainConfig
from curate.train.overfitting import Overfitting
from curate.train.trainer import compute_dtype

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase
    from trl import SFTTrainer

_LIBRARIES = ("torch", "transformers", "peft", "trl", "accelerate", "datasets")


def save_adapter(trainer: SFTTrainer, tokenizer: PreTrainedTokenizerBase, target: Path) -> None:
    """The adapter the trainer holds (the best one, once training has ended)."""
    with atomic_dir(target) as tmp:
        trainer.model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)


def save_merged(
    base_path: Path,
    adapter: Path,
    tokenizer: PreTrainedTokenizerBase,
    config: TrainConfig,
    target: Path,
) -> None:
    """Base + adapter folded into plain weights, loadable without peft (transformers, vLLM),
    with ``generation_config.json`` from the config's decoding preset.

    The base is reloaded unquantised in the save precision, so a QLoRA adapter is merged into
    full-precision weights rather than into its 4-bit training copy.
    """
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=compute_dtype(config))
    merged = PeftModel.from_pretrained(base, adapter).merge_and_unload()
    with atomic_dir(target) as tmp:
        merged.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        # replaces the base's copy: the task's decoding preset is the one served by default
        write_generation_config(tmp, config.decoding, tokenizer)


def plot_losses(
    history: list[dict[str, Any]], target: Path, overfitting: Overfitting | None = None
) -> list[str]:
    """Train and eval loss against step, as a PNG; overfitting, when seen, is shaded from the
    last evaluation before eval loss rose. Returns the legend's labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = log_rows(history)
    train = [(r["step"], r["loss"]) for r in rows if r["loss"] is not None]
    evaluation = [(r["step"], r["eval_loss"]) for r in rows if r["eval_loss"] is not None]
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        axes.plot(*zip(*train, strict=True), label="train loss", linewidth=1.2)
    if evaluation:
        axes.plot(*zip(*evaluation, strict=True), "o-", label="eval loss")
    if overfitting is not None:
        axes.axvspan(
            overfitting.since_step,
            max(r["step"] for r in rows),
            color="tab:red",
            alpha=0.12,
            label=f"overfitting (from step {overfitting.since_step})",
        )
        axes.axvline(overfitting.step, color="tab:red", linestyle="--", linewidth=1)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    legend = axes.legend()
    figure.tight_layout()
    with atomic_path(target) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
    return [text.get_text() for text in legend.get_texts()]


def write_generation_config(
    model_folder: Path, preset: str, tokenizer: PreTrainedTokenizerBase
) -> Path:
    """``generation_config.json`` from a decoding preset, so that transformers and vLLM decode
    the merged model the way the task wants by default."""
    from transformers import GenerationConfig

    from curate.evaluate.decoding import generation_config_fields

    fields = generation_config_fields(preset)
    generation = GenerationConfig(
        **fields,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    target = model_folder / "generation_config.json"
    with atomic_path(target) as tmp:
        tmp.write_text(generation.to_json_string(use_diff=True), encoding="utf-8")
    return target


def library_versions() -> dict[str, str]:
    """Installed versions of the training stack, and curate's own."""
    versions = {"curate": __version__}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    """``train_manifest.json``, written last so that its presence means a finished run."""
    write_json(target, manifest)
