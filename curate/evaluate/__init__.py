"""Evaluate a fine-tune against prompting baselines on a curate run's test split.

``evaluate(load_eval_config(path))`` runs the prompted, few-shot and tuned variants with
local models on CPU, scores them for the task (classification, JSON, generation) with 95%
intervals, tests tuned against each baseline on the same rows, checks a golden set for
regressions, runs adversarial checks, optionally asks an LLM judge for a pairwise win rate,
and says whether the fine-tune was worth it.
"""

from curate.evaluate.config import DECODING_PRESETS, EvalConfig, TaskConfig, load_eval_config
from curate.evaluate.decision import Decision, GoldenCheck, decide, golden_check, rule_text
from curate.evaluate.decoding import DecodingPreset, generation_config_fields
from curate.evaluate.run import EvalResult, VariantResult, evaluate

__all__ = [
    "DECODING_PRESETS",
    "Decision",
    "DecodingPreset",
    "EvalConfig",
    "EvalResult",
    "GoldenCheck",
    "TaskConfig",
    "VariantResult",
    "decide",
    "evaluate",
    "generation_config_fields",
    "golden_check",
    "load_eval_config",
    "rule_text",
]
