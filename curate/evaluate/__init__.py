"""Evaluate a fine-tune against prompting baselines on a curate run's test split.

``evaluate(load_eval_config(path))`` runs the prompted, few-shot and tuned variants with
local models on CPU, scores them for the task (classification, JSON, generation), checks a
golden set for regressions, optionally asks an LLM judge for a pairwise win rate, and says
whether the fine-tune was worth it.
"""

from curate.evaluate.config import DECODING_PRESETS, EvalConfig, TaskConfig, load_eval_config
from curate.evaluate.metrics import Decision, GoldenCheck, decide, golden_check, rule_text
from curate.evaluate.run import EvalResult, VariantResult, evaluate

__all__ = [
    "DECODING_PRESETS",
    "Decision",
    "EvalConfig",
    "EvalResult",
    "GoldenCheck",
    "TaskConfig",
    "VariantResult",
    "decide",
    "evaluate",
    "golden_check",
    "load_eval_config",
    "rule_text",
]
