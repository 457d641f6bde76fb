"""The memory plan: estimated peak memory of a run, checked against the device before loading.

The model is built from its config on PyTorch's meta device (shapes, no storage), so the
parameter count, the LoRA parameter count and the quantisable share are exact without reading
a weight. Batches are padded to their longest row, so the sequence length ``s`` is the train
split's longest row in tokens, at most ``max_length``. The estimate, in bytes (``d`` = bytes per
value in the compute precision, 4 for fp32 and 2 for bf16; ``T`` = tokens per micro-batch =
batch x s, doubled for DPO, which runs chosen and rejected together):

    weights      P x d                      (lora, full)
                 Q x 0.52 + (P - Q) x d     (qlora: NF4 is 4 bits plus ~0.13 bits of
                                             double-quantised scales; Q = the decoder's
                                             linear weights, the rest stays in d)
    trainable    L x 16                     (lora: fp32 weight, grad, AdamW m and v)
                 L x 12                     (qlora: trl keeps the adapter in bf16)
                 P x (d + 8)                (full: a grad in d, AdamW m and v in fp32)
    activations  layers x T x (9h + 4i) x d (kept for backward: attention in/outs, norms and
                                             the gated MLP's four i-wide tensors)
                 + heads x T x s x d per layer where attention scores are
                   materialised (CPU); with activation checkpointing (GPU) only each layer's
                   input is kept, plus one layer's full set
    logits       T x vocab x 4 x 2          (fp32 logits and their log-softmax)
    peak         (weights + trainable + activations + logits) x 1.1 + 0.5 GiB

The 10% covers allocator fragmentation, the 0.5 GiB the framework (CUDA context or the Python
process). A merge afterwards reloads the base unquantised next to the trained one, so the peak
is at least 2 x P x d when ``merge`` is on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from curate.errors import CurateError
from curate.train.config import TrainConfig

if TYPE_CHECKING:
    from datasets import Dataset

GiB = 1024**3
_NF4_BYTES = 0.52
_FRAMEWORK_BYTES = GiB // 2
_MARGIN = 1.1

Method = Literal["lora", "qlora", "full"]


class MemoryPlanError(CurateError):
    """The run's estimated peak memory does not fit the device."""


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs from a model's config."""

    parameters: int
    quantisable: int
    lora_parameters: int
    layers: int
    hidden: int
    intermediate: int
    heads: int
    vocab: int


@dataclass(frozen=True)
class MemoryPlan:
    """The estimate, its parts (bytes) and the device it was checked against."""

    method: Method
    parameters: int
    sequence_length: int
    trainable: int
    weights: int
    optimizer: int
    activations: int
    logits: int
    peak: int
    device: str
    available: int

    @property
    def fits(self) -> bool:
        return self.peak <= self.available

    def describe(self) -> str:
        """One line for the log."""
        return (
            f"memory plan ({self.method}, {self.parameters / 1e6:.1f}M parameters, "
            f"{self.trainable / 1e6:.2f}M trainable, {self.sequence_length} tokens): "
            f"weights {_gib(self.weights)} + trainable+optimizer {_gib(self.optimizer)} + "
            f"activations {_gib(self.activations)}"
            f" + logits {_gib(self.logits)} -> peak ~{_gib(self.peak)} of {_gib(self.available)}"
            f" available on {self.device}"
        )

    def as_dict(self) -> dict[str, Any]:
        """For the manifest, in bytes."""
        return asdict(self)


def model_shape(config: TrainConfig) -> ModelShape:
    """Counts from the base model's config (config.json or GGUF metadata), no weights read."""
    import torch
    from torch import nn
    from transformers import AutoConfig, AutoModelForCausalLM

    from curate.local_models import config_source

    folder, gguf_file = config_source(config.base_model)
    model_config = AutoConfig.from_pretrained(folder, gguf_file=gguf_file)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(model_config)
    parameters = sum(p.numel() for p in model.parameters())  # tied weights counted once
    output = model.get_output_embeddings()
    linears = [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and module is not output
    ]
    targets = config.lora.target
    wrapped = [
        module
        for name, module in linears
        if targets == "all-linear" or any(name.split(".")[-1] == t for t in targets)
    ]
    text = model_config.get_text_config()
    return ModelShape(
        parameters=parameters,
        quantisable=sum(m.weight.numel() for _, m in linears),
        lora_parameters=sum(config.lora.r * (m.in_features + m.out_features) for m in wrapped),
        layers=text.num_hidden_layers,
        hidden=text.hidden_size,
        intermediate=getattr(text, "intermediate_size", 4 * text.hidden_size),
        heads=text.num_attention_heads,
        vocab=text.vocab_size,
    )


def estimate(
    shape: ModelShape,
    *,
    method: Method,
    batch_size: int,
    max_length: int,
    value_bytes: int,
    pairs: bool = False,
    checkpointing: bool = False,
    fused_attention: bool = False,
    merge: bool = False,
) -> dict[str, int]:
    """The parts of the module docstring's formula, in bytes."""
    p, d = shape.parameters, value_bytes
    if method == "qlora":
        weights = int(shape.quantisable * _NF4_BYTES + (p - shape.quantisable) * d)
    else:
        weights = p * d
    trainable = p if method == "full" else shape.lora_parameters
    optimizer = {"full": p * (d + 8), "qlora": trainable * 12, "lora": trainable * 16}[method]
    tokens = batch_size * max_length * (2 if pairs else 1)
    per_layer = tokens * (9 * shape.hidden + 4 * shape.intermediate) * d
    if not fused_attention:
        per_layer += shape.heads * tokens * max_length * d
    if checkpointing:
        activations = shape.layers * tokens * shape.hidden * d + per_layer
    else:
        activations = shape.layers * per_layer
    logits = tokens * shape.vocab * 4 * 2
    peak = int((weights + optimizer + activations + logits) * _MARGIN) + _FRAMEWORK_BYTES
    if merge:
        peak = max(peak, 2 * p * d + _FRAMEWORK_BYTES)
    return {
        "trainable": trainable,
        "weights": weights,
        "optimizer": optimizer,
        "activations": activations,
        "logits": logits,
        "peak": peak,
    }


def available_memory() -> tuple[str, int]:
    """The device training will use and its free memory: the CUDA GPU's, else the RAM's."""
    import torch

    if torch.cuda.is_available():
        free, _ = torch.cuda.mem_get_info()
        return f"cuda:{torch.cuda.current_device()} ({torch.cuda.get_device_name()})", int(free)
    import psutil

    return "cpu RAM", int(psutil.virtual_memory().available)


def longest_row(config: TrainConfig, rows: Dataset) -> int:
    """The longest train row in tokens (prompt + the longer answer for a pair), at most
    ``max_length``; the tokenizer comes from the same config source as the counts."""
    from transformers import AutoTokenizer

    from curate.local_models import config_source

    folder, gguf_file = config_source(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf_file)
    if config.method == "dpo":
        conversations = [
            row["prompt"] + answer for row in rows for answer in (row["chosen"], row["rejected"])
        ]
    else:
        conversations = list(rows["messages"])
    texts = tokenizer.apply_chat_template(conversations, tokenize=False)
    lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    return min(max(lengths, default=1), config.max_length)


def plan_memory(config: TrainConfig, sequence_length: int | None = None) -> MemoryPlan:
    """The estimate for ``config`` on the device found here; ``sequence_length`` defaults to
    ``max_length`` (see ``longest_row``)."""
    import torch

    from curate.train.trainer import compute_dtype

    on_gpu = torch.cuda.is_available()
    shape = model_shape(config)
    method: Method = "qlora" if config.qlora else "lora"
    length = sequence_length if sequence_length is not None else config.max_length
    parts = estimate(
        shape,
        method=method,
        batch_size=config.batch_size,
        max_length=length,
        value_bytes=torch.finfo(compute_dtype(config)).bits // 8,
        pairs=config.method == "dpo",
        checkpointing=on_gpu,  # the trainers turn activation checkpointing on with a GPU
        fused_attention=on_gpu,  # SDPA's fused kernels never hold the score matrix
        merge=config.merge,
    )
    device, available = available_memory()
    return MemoryPlan(
        method=method,
        parameters=shape.parameters,
        sequence_length=length,
        device=device,
        available=available,
        **parts,
    )


def check_memory(plan: MemoryPlan) -> None:
    """Refuse, in one line, a run that cannot fit."""
    if plan.fits:
        return
    raise MemoryPlanError(
        f"estimated peak memory {_gib(plan.peak)} does not fit the {_gib(plan.available)} "
        f"available on {plan.device}",
        field="batch_size",
        hint="lower batch_size or max_length (raise grad_accumulation to keep the batch), use "
        "quantization: nf4 on a GPU, or set memory_check: false to try anyway",
    )


def _gib(value: int) -> str:
    return f"{value / GiB:.2f} GiB"
