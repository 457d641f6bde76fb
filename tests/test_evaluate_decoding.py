"""Decoding presets: seed 001's table, overrides from the eval file, and what transformers gets."""

from __future__ import annotations

import pytest
from transformers import GenerationConfig

from curate.evaluate.config import DECODING_PRESETS, DecodingPreset, EvalConfig, TaskConfig
from curate.evaluate.decoding import generation_config_fields, resolve_preset


def test_presets_follow_the_seed_table():
    table = {
        name: (p.do_sample, p.temperature, p.min_p, p.repetition_penalty)
        for name, p in DECODING_PRESETS.items()
    }
    assert table == {
        "greedy": (False, None, None, None),
        "qa": (True, 0.2, 0.1, 1.05),
        "chat": (True, 0.7, 0.05, 1.05),
        "creative": (True, 0.9, 0.05, 1.1),
    }


def test_generation_config_fields_build_a_transformers_config():
    assert generation_config_fields("greedy") == {"do_sample": False}
    qa = GenerationConfig(**generation_config_fields("qa"))
    assert (qa.do_sample, qa.temperature, qa.min_p, qa.repetition_penalty) == (
        True,
        0.2,
        0.1,
        1.05,
    )
    assert "seed" not in generation_config_fields(DECODING_PRESETS["creative"])


def test_greedy_preset_refuses_a_temperature():
    with pytest.raises(ValueError, match="do_sample"):
        DecodingPreset(temperature=0.5)
    with pytest.raises(ValueError, match="not one of"):
        resolve_preset("warm")


def test_eval_file_overrides_any_preset_field_and_seeds_it():
    cfg = EvalConfig.model_validate(
        {
            "run": "r",
            "task": {"type": "generation"},
            "decoding": "qa",
            "decoding_overrides": {"temperature": 0.3},
            "seed": 7,
        }
    )
    name, preset = cfg.preset()
    assert (name, preset.temperature, preset.min_p, preset.seed) == ("qa", 0.3, 0.1, 7)
    assert DECODING_PRESETS["qa"].temperature == 0.2  # the shared table is untouched
    with pytest.raises(ValueError, match="do_sample"):
        EvalConfig(run="r", task=TaskConfig(type="json"), decoding_overrides={"min_p": 0.2})


def test_a_sampled_preset_repeats_its_answers_on_smollm2():
    import torch

    from curate.evaluate.generation import LocalModel, ModelSource
    from curate.local_models import resolve_model

    torch.set_num_threads(1)  # the box is shared; spinning threads cost more than they give
    model = LocalModel(ModelSource(resolve_model("smollm2-135m-instruct")))
    prompts = [[{"role": "user", "content": "Name a colour."}], [{"role": "user", "content": "Hi"}]]
    creative = DECODING_PRESETS["creative"]
    options = {"max_new_tokens": 8, "batch_size": 2}
    first = model.generate(prompts, creative, **options)
    assert model.generate(prompts, creative, **options) == first  # the fixed seed
    reseeded = model.generate(prompts, resolve_preset("creative", {"seed": 5}), **options)
    assert reseeded != first  # sampling is on: another seed, other answers
