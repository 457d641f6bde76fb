"""evaluate(): prompted, few-shot and tuned variants on a run's test split, one verdict."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from curate.errors import CurateError
from curate.evaluate.adversarial import (
    HARD,
    AdversarialCheck,
    check_variant,
    hard_rows,
    perturbed_rows,
)
from curate.evaluate.config import EvalConfig
from curate.evaluate.data import EvalRow, Message, few_shot_prompt, pick_shots, read_rows
from curate.evaluate.decision import Decision, GoldenCheck, decide, golden_check
from curate.evaluate.decoding import generation_config_fields
from curate.evaluate.generation import LocalModel, ModelSource, resolve_tuned
from curate.evaluate.judge import JudgeResult, judge_pairwise
from curate.evaluate.metrics import metric_intervals, normalize_label, row_scores, task_metrics
from curate.evaluate.stats import Comparison, Interval, compare_rates, compare_scores
from curate.local_models import resolve_model
from curate.runs.layout import RunLayout


class EvalReporter(Protocol):
    """Receives one-line notices as the evaluation goes (the CLI prints them)."""

    def note(self, message: str) -> None: ...


class _Quiet:
    def note(self, message: str) -> None:
        return None


@dataclass
class VariantResult:
    """One variant's answers, task metrics, reference loss and speed."""

    name: str
    model: str
    metrics: dict[str, Any]
    loss: float
    perplexity: float
    seconds_per_example: float
    predictions: list[str] = field(repr=False)
    scores: list[float] = field(repr=False)
    intervals: dict[str, Interval] = field(default_factory=dict)  # 95%, keyed like metrics
    loss_rows: tuple[list[float], list[int]] = field(default=([], []), repr=False)

    @property
    def primary(self) -> float:
        return float(self.metrics[self.metrics["primary"]])


@dataclass
class EvalResult:
    """Everything ``evaluate`` measured; ``out_dir`` holds the report files."""

    config: EvalConfig
    out_dir: Path
    rows: list[EvalRow]
    variants: dict[str, VariantResult]
    golden: GoldenCheck | None
    judge: JudgeResult | None
    decision: Decision
    notices: list[str]
    golden_predictions: dict[str, list[str]] = field(default_factory=dict, repr=False)
    golden_rows: list[EvalRow] = field(default_factory=list, repr=False)
    comparisons: list[Comparison] = field(default_factory=list)  # tuned against each baseline
    adversarial: list[AdversarialCheck] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """What eval_results.json holds (predictions are in predictions.jsonl)."""
        preset_name, preset = self.config.preset()
        return {
            "config": self.config.model_dump(mode="json"),
            "decoding": {
                "preset": preset_name,
                "fields": preset.model_dump(mode="json"),
                "generation_config": generation_config_fields(preset),
            },
            "rows": len(self.rows),
            "variants": {
                name: {
                    k: v
                    for k, v in asdict(r).items()
                    if k not in ("predictions", "scores", "loss_rows")
                }
                for name, r in self.variants.items()
            },
            "comparisons": [asdict(c) for c in self.comparisons],
            "adversarial": [
                {k: v for k, v in asdict(c).items() if k not in ("answers", "ids")}
                for c in self.adversarial
            ],
            "golden": asdict(self.golden) if self.golden else None,
            "judge": asdict(self.judge) if self.judge else None,
            "decision": asdict(self.decision),
            "notices": self.notices,
        }


def evaluate(config: EvalConfig, reporter: EvalReporter | None = None) -> EvalResult:
    """Run every configured variant, score it, check the golden set, ask the judge (when
    configured), decide, and write eval_report.md, eval_results.json and predictions.jsonl."""
    from curate.evaluate.report import write_outputs

    notices: list[str] = []
    out = reporter or _Quiet()

    def note(message: str) -> None:
        notices.append(message)
        out.note(message)

    run_dir = Path(config.run)
    if not run_dir.is_dir():
        raise CurateError("run folder not found", file=run_dir, field="run")
    judged = config.judge is not None and not config.judge.send_unredacted
    if judged and (problem := RunLayout(run_dir).unredacted_reason()):
        raise CurateError(problem, field="judge.send_unredacted")
    rows = read_rows(run_dir / "export" / "test.jsonl", what="test split", limit=config.limit)
    variants = list(dict.fromkeys(config.variants))
    base = ModelSource(resolve_model(config.base_model))
    tuned: ModelSource | None = None
    if "tuned" in variants:
        if config.tuned_model is None:
            note("tuned: skipped, no tuned model given (tuned_model: or --tuned)")
            variants.remove("tuned")
        else:
            tuned = resolve_tuned(config.tuned_model, config.base_model)
    golden_rows: list[EvalRow] = []
    if config.golden and tuned is not None:
        golden_rows = read_rows(Path(config.golden), what="golden set", limit=config.limit)
    elif config.golden:
        note("golden: skipped, the golden check compares the tuned model with the base")
    shots: list[EvalRow] = []
    if "few_shot" in variants or (golden_rows and config.golden_baseline == "few_shot"):
        train = read_rows(run_dir / "export" / "train.jsonl", what="train split")
        shots = pick_shots(train, config.few_shot_k, config.seed)

    if config.threads is not None:
        import torch

        torch.set_num_threads(config.threads)
    results: dict[str, VariantResult] = {}
    golden_predictions: dict[str, list[str]] = {}
    adversarial: list[AdversarialCheck] = []
    hard_sets = _adversarial_sets(config, rows)
    model = LocalModel(base)
    for name in ("prompted", "few_shot"):
        if name in variants:
            prompts = [few_shot_prompt(r, shots) if name == "few_shot" else r.prompt for r in rows]
            results[name] = _run_variant(name, model, prompts, rows, config, note)
    if hard_sets and "prompted" in results:
        adversarial += _check(config, "prompted", model, hard_sets, results["prompted"], rows)
    if golden_rows:
        baseline = config.golden_baseline
        prompts = [
            few_shot_prompt(r, shots) if baseline == "few_shot" else r.prompt for r in golden_rows
        ]
        golden_predictions[baseline] = _answers(model, prompts, config)
    if tuned is not None:
        del model
        gc.collect()
        model = LocalModel(tuned)
        prompts = [r.prompt for r in rows]
        results["tuned"] = _run_variant("tuned", model, prompts, rows, config, note)
        if golden_rows:
            golden_predictions["tuned"] = _answers(model, [r.prompt for r in golden_rows], config)
        if hard_sets:
            adversarial += _check(config, "tuned", model, hard_sets, results["tuned"], rows)
    del model
    gc.collect()

    golden = None
    if golden_predictions:
        references = [r.reference for r in golden_rows]
        golden = golden_check(
            config.task,
            row_scores(config.task, references, golden_predictions[config.golden_baseline]),
            row_scores(config.task, references, golden_predictions["tuned"]),
            config.decision.max_golden_regression,
            baseline=config.golden_baseline,
            min_correct=config.decision.min_golden_correct,
            seed=config.seed,
            resamples=config.bootstrap_resamples,
        )
        if not golden.base_right:
            note(f"golden: the base ({config.golden_baseline}) gets no golden row right")
        elif golden.too_small:
            note(
                f"golden: too small to judge, the base gets {golden.base_right} rows right "
                f"(decision.min_golden_correct is {golden.min_correct})"
            )
    judge = None
    if config.judge is None:
        note("judge: not configured, so no pairwise win rate (add a judge: block to get one)")
    elif "tuned" in results and "prompted" in results:
        workspace = Path(config.judge.workspace) if config.judge.workspace else config.out_dir()
        judge = judge_pairwise(
            config.judge,
            rows,
            results["tuned"].predictions,
            results["prompted"].predictions,
            seed=config.seed,
            workspace=workspace,
            note=note,
        )
    else:
        note("judge: skipped, the pairwise win rate needs the tuned and prompted variants")
    comparisons = _comparisons(config, results)
    primary_tests = {c.baseline: c for c in comparisons if c.metric != "loss"}
    primary = {n: r.primary for n, r in results.items()}
    decision = decide(primary, golden, config.decision, primary_tests)
    result = EvalResult(
        config,
        config.out_dir(),
        rows,
        results,
        golden,
        judge,
        decision,
        notices,
        golden_predictions,
        golden_rows,
        comparisons,
        adversarial,
    )
    write_outputs(result)
    return result


def _answers(model: LocalModel, prompts: list[list[Message]], config: EvalConfig) -> list[str]:
    _, preset = config.preset()
    return model.generate(
        prompts,
        preset,
        max_new_tokens=config.max_new_tokens,
        batch_size=config.batch_size,
    )


def _run_variant(
    name: str,
    model: LocalModel,
    prompts: list[list[dict[str, str]]],
    rows: list[EvalRow],
    config: EvalConfig,
    note: Callable[[str], None],
) -> VariantResult:
    started = time.perf_counter()
    predictions = _answers(model, prompts, config)
    seconds = time.perf_counter() - started
    references = [r.reference for r in rows]
    nll, tokens = model.reference_loss(prompts, references, batch_size=config.batch_size)
    loss = sum(nll) / sum(tokens) if sum(tokens) else math.nan
    metrics = task_metrics(config.task, references, predictions)
    intervals = metric_intervals(
        config.task,
        references,
        predictions,
        seed=config.seed,
        resamples=config.bootstrap_resamples,
        loss_rows=(nll, [float(t) for t in tokens]),
    )
    per_example = seconds / len(rows)
    note(
        f"{name}: {len(rows)} rows, {metrics['primary']} {metrics[metrics['primary']]:.3f}, "
        f"{per_example:.2f} s/example"
    )
    return VariantResult(
        name,
        model.source.describe(),
        metrics,
        loss,
        math.exp(loss) if loss == loss and loss < 50 else math.inf,
        per_example,
        predictions,
        row_scores(config.task, references, predictions),
        intervals,
        (nll, tokens),
    )


def _comparisons(config: EvalConfig, results: dict[str, VariantResult]) -> list[Comparison]:
    """Tuned against each baseline on the same rows: the primary metric (McNemar's exact test
    for right/wrong rows, a paired bootstrap for ROUGE-L) and the reference loss."""
    tuned = results.get("tuned")
    if tuned is None:
        return []
    out = []
    options: dict[str, Any] = {"seed": config.seed, "resamples": config.bootstrap_resamples}
    metric = tuned.metrics["primary"]
    compare = compare_scores if config.task.type == "generation" else compare_rates
    for name, base in results.items():
        if name == "tuned":
            continue
        out.append(compare(tuned.scores, base.scores, name=name, metric=metric, **options))
        # the loss pairs rows only when both models put the same tokens on each answer
        if tuned.loss_rows[1] == base.loss_rows[1] and sum(tuned.loss_rows[1]):
            out.append(
                compare_scores(
                    tuned.loss_rows[0],
                    base.loss_rows[0],
                    name=name,
                    metric="loss",
                    higher_is_better=False,
                    weights=[float(t) for t in tuned.loss_rows[1]],
                    **options,
                )
            )
    return out


def _adversarial_sets(config: EvalConfig, rows: list[EvalRow]) -> dict[str, list[EvalRow]]:
    """The perturbed test rows and the hard inputs, keyed by set name ({} without a block)."""
    if config.adversarial is None:
        return {}
    sets = perturbed_rows(rows, config.adversarial, config.seed)
    hard = hard_rows(config.adversarial)
    return sets | ({HARD: hard} if hard else {})


def _check(
    config: EvalConfig,
    name: str,
    model: LocalModel,
    sets: dict[str, list[EvalRow]],
    clean: VariantResult,
    rows: list[EvalRow],
) -> list[AdversarialCheck]:
    labels = {normalize_label(r.reference) for r in rows}
    return check_variant(
        config.task,
        name,
        lambda prompts: _answers(model, prompts, config),
        sets,
        clean.predictions,
        labels,
    )
