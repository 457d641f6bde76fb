"""The training config: typed models, and a loader whose errors name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from curate.config.reader import explain, read_mapping
from curate.errors import CurateError
from curate.local_models import DEFAULT_BASE_MODEL


class TrainConfigError(CurateError):
    """A training config that does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Strict):
    """Where the examples come from: a run folder, or explicit split files."""

    run: Path | None = Field(
        None, description="a run folder; uses <run>/export/train.jsonl and eval.jsonl"
    )
    train: Path | None = Field(None, description="a train split file (JSONL, any curate format)")
    eval: Path | None = Field(None, description="an eval split file (JSONL, any curate format)")

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        if self.run is not None and (self.train is not None or self.eval is not None):
            raise ValueError("give either `run` or `train`/`eval` files, not both")
        if self.run is None and (self.train is None or self.eval is None):
            raise ValueError("give `run` (a run folder) or both `train` and `eval` files")
        return self


class LoraSettings(_Strict):
    """The LoRA adapter: rank, scale, dropout and which modules it wraps."""

    r: int = Field(16, ge=1, le=1024)
    alpha: int | None = Field(None, ge=1, description="LoRA alpha; default: equal to r")
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target: str | list[str] = Field(
        "all-linear", description="'all-linear' or a list of module names"
    )

    @property
    def scale_alpha(self) -> int:
        """The alpha actually used."""
        return self.alpha if self.alpha is not None else self.r


class DpoSettings(_Strict):
    """Direct preference optimisation: the reference is the frozen base (the adapter off)."""

    beta: float = Field(
        0.1, gt=0.0, le=10.0, description="how far the tuned model may drift from the base"
    )


# LoRA DPO learns from a reward difference, not from the answer itself: a rate near the SFT
# one (2e-4) overshoots within a few steps, so DPO defaults to a rate ~10x a full DPO run's.
DPO_LEARNING_RATE = 5e-6


class TrainConfig(_Strict):
    """A LoRA (or QLoRA) fine-tune of a small causal LM on a curated export: SFT or DPO."""

    base_model: str = Field(
        DEFAULT_BASE_MODEL,
        description=f"{DEFAULT_BASE_MODEL!r} (embedded) or a local Hugging Face model folder",
    )
    method: Literal["sft", "dpo"] = Field(
        "sft",
        description="sft: learn the (chosen) answers; dpo: learn chosen over rejected from a "
        "preference export",
    )
    dpo: DpoSettings = Field(default_factory=DpoSettings, description="used with method: dpo")
    data: DataConfig
    out: Path | None = Field(None, description="output folder (the CLI's --out overrides it)")
    lora: LoraSettings = Field(default_factory=LoraSettings)
    learning_rate: float = Field(
        2e-4, gt=0.0, le=1.0, description=f"default 2e-4 for sft, {DPO_LEARNING_RATE} for dpo"
    )
    lr_scheduler: str = Field("cosine", description="a transformers scheduler name")
    warmup_ratio: float = Field(0.03, ge=0.0, lt=1.0)
    weight_decay: float = Field(0.01, ge=0.0)
    max_steps: int | None = Field(None, ge=1, description="stop after this many optimizer steps")
    epochs: int = Field(2, ge=1, description="1-3 unless max_steps is set")
    batch_size: int = Field(4, ge=1, description="per-device train and eval batch size")
    grad_accumulation: int = Field(1, ge=1)
    max_length: int = Field(1024, ge=16, description="tokens per example; longer ones are cut")
    seed: int = 42
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto", description="auto: bf16 on a CUDA GPU that supports it, else fp32"
    )
    quantization: Literal["none", "nf4"] = Field(
        "none", description="nf4: QLoRA, 4-bit NF4 base weights (bitsandbytes, CUDA only)"
    )
    merge: bool = Field(True, description="also write merged/ (base + adapter, no peft needed)")
    assistant_only_loss: bool = Field(True, description="loss on assistant tokens only")
    save_total_limit: int = Field(2, ge=1, description="checkpoints kept (the best is kept too)")
    eval_steps: int | None = Field(
        None,
        ge=1,
        description="evaluate and checkpoint every N steps (default: once per epoch); needed "
        "to see overfitting, which takes three evaluations",
    )
    memory_check: bool = Field(
        True, description="refuse to start when the estimated peak memory exceeds the device's"
    )
    decoding: str = Field(
        "greedy",
        description="decoding preset written as merged/generation_config.json "
        "(greedy, qa, chat, creative)",
    )

    @model_validator(mode="before")
    @classmethod
    def _qlora_shorthand(cls, data: Any) -> Any:
        # configs written before `quantization` existed say `qlora: true`
        if isinstance(data, dict) and "qlora" in data and "quantization" not in data:
            data = dict(data)
            data["quantization"] = "nf4" if data.pop("qlora") is True else "none"
        return data

    @model_validator(mode="after")
    def _method_defaults(self) -> TrainConfig:
        if self.method == "dpo" and "learning_rate" not in self.model_fields_set:
            self.learning_rate = DPO_LEARNING_RATE
        return self

    @field_validator("decoding")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        from curate.evaluate.decoding import DECODING_PRESETS

        if value not in DECODING_PRESETS:
            raise ValueError(
                f"unknown decoding preset {value!r}; one of {sorted(DECODING_PRESETS)}"
            )
        return value

    @property
    def qlora(self) -> bool:
        """Whether the base is loaded in 4-bit NF4 (QLoRA)."""
        return self.quantization == "nf4"

    @field_validator("epochs")
    @classmethod
    def _epochs_in_range(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("max_steps") is None and not 1 <= value <= 3:
            raise ValueError(
                f"must be 1-3 for LoRA on curated data (got {value}); more overfits "
                "(set max_steps to train longer on purpose)"
            )
        return value


def load_train_config(path: Path, *, max_steps: int | None = None) -> TrainConfig:
    """Read and validate a training config; relative paths are relative to its folder.

    ``max_steps`` overrides the file's value before validation (so it lifts the epochs range).
    """
    data, text = read_mapping(
        path, TrainConfigError, kind="training config", expected="at least `data:`"
    )
    if max_steps is not None:
        data["max_steps"] = max_steps
    try:
        config = TrainConfig.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, path, text, TrainConfigError) from None
    return _relative_to(config, path.parent)


def _relative_to(config: TrainConfig, folder: Path) -> TrainConfig:
    def anchored(value: Path | None) -> Path | None:
        if value is None or value.expanduser().is_absolute():
            return value.expanduser() if value is not None else None
        return folder / value

    data = config.data.model_copy(
        update={
            "run": anchored(config.data.run),
            "train": anchored(config.data.train),
            "eval": anchored(config.data.eval),
        }
    )
    update: dict[str, Any] = {"data": data, "out": anchored(config.out)}
    base = Path(config.base_model).expanduser()
    if config.base_model.lower() != DEFAULT_BASE_MODEL and not base.is_absolute():
        update["base_model"] = str(folder / base)
    return config.model_copy(update=update)
