"""Decoding presets: how a model's answers are sampled, named after the kind of task.

The four presets follow seed 001's table: greedy for anything scored by exact match
(code, JSON, extraction, classification), a cool sampler for serious QA, a warmer one for
chat or a persona, the warmest for creative writing. The seed is fixed in every preset, so
a sampled answer is the same on every rerun.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Keys that are transformers.GenerationConfig fields; ``seed`` is not one (it seeds torch).
_GENERATION_FIELDS = ("do_sample", "temperature", "top_p", "min_p", "repetition_penalty")


class DecodingPreset(BaseModel):
    """How answers are sampled; greedy (temperature 0) when ``do_sample`` is false."""

    model_config = ConfigDict(extra="forbid")

    do_sample: bool = False
    temperature: float | None = Field(None, gt=0, le=2, description="sampling only")
    top_p: float | None = Field(None, gt=0, le=1, description="nucleus sampling; sampling only")
    min_p: float | None = Field(
        None, ge=0, le=1, description="drop tokens below min_p x the top token's probability"
    )
    repetition_penalty: float | None = Field(None, gt=0, le=3)
    seed: int = Field(0, description="torch seed set before generating, so reruns agree")

    @model_validator(mode="after")
    def _sampling_options_need_sampling(self) -> Self:
        # A temperature on a greedy preset would be silently ignored by transformers.
        if not self.do_sample and (self.temperature or self.top_p or self.min_p):
            raise ValueError("temperature, top_p and min_p need do_sample: true")
        return self


DECODING_PRESETS: dict[str, DecodingPreset] = {
    # code, JSON, extraction, classification: the most likely answer, every time
    "greedy": DecodingPreset(),
    # serious QA: close to greedy, with a little room and a light brake on loops
    "qa": DecodingPreset(do_sample=True, temperature=0.2, min_p=0.1, repetition_penalty=1.05),
    # chat or a persona: varied but on topic
    "chat": DecodingPreset(do_sample=True, temperature=0.7, min_p=0.05, repetition_penalty=1.05),
    # creative writing: the widest spread, with a firmer brake on repetition
    "creative": DecodingPreset(do_sample=True, temperature=0.9, min_p=0.05, repetition_penalty=1.1),
}

# The preset an eval uses when the eval file names none.
TASK_PRESET: dict[str, str] = {"classification": "greedy", "json": "greedy", "generation": "chat"}


def resolve_preset(
    name: str,
    overrides: dict[str, Any] | None = None,
    presets: dict[str, DecodingPreset] | None = None,
) -> DecodingPreset:
    """The named preset with ``overrides`` (any of its fields) applied and re-validated."""
    table = DECODING_PRESETS if presets is None else presets
    if name not in table:
        raise ValueError(f"decoding preset {name!r} is not one of {sorted(table)}")
    if not overrides:
        return table[name]
    return DecodingPreset.model_validate(table[name].model_dump() | dict(overrides))


def generation_config_fields(preset: DecodingPreset | str) -> dict[str, Any]:
    """Keyword arguments for ``transformers.GenerationConfig`` (or ``model.generate``).

    Only the fields a preset sets are given, so transformers' own defaults stay in force for
    the rest; a greedy preset gives ``{"do_sample": False}``. The seed is not a generation
    field: set it with ``torch.manual_seed(preset.seed)`` before generating.
    """
    chosen = DECODING_PRESETS[preset] if isinstance(preset, str) else preset
    values = chosen.model_dump()
    fields: dict[str, Any] = {"do_sample": chosen.do_sample}
    if chosen.do_sample:
        fields |= {k: values[k] for k in _GENERATION_FIELDS[1:] if values[k] is not None}
    elif chosen.repetition_penalty is not None:
        fields["repetition_penalty"] = chosen.repetition_penalty
    return fields
