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
from curate.evaluate.config import EvalConfig
from curate.evaluate.data import EvalRow, Message, few_shot_prompt, pick_shots, read_rows
from curate.evaluate.generation import LocalModel, ModelSource, resolve_tuned
from curate.evaluate.judge import JudgeResult, judge_pairwise
from curate.evaluate.metrics import (
    Decision,
    GoldenCheck,
    decide,
    golden_check,
    row_scores,
    task_metrics,
)
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

    def to_json(self) -> dict[str, Any]:
        """What eval_results.json holds (predictions are in predictions.jsonl)."""
        return {
            "config": self.config.model_dump(mode="json"),
            "rows": len(self.rows),
            "variants": {
                name: {k: v for k, v in asdict(r).items() if k not in ("predictions", "scores")}
                for name, r in self.variants.items()
            },
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
    model = LocalModel(base)
    for name in ("prompted", "few_shot"):
        if name in variants:
            prompts = [few_shot_prompt(r, shots) if name == "few_shot" else r.prompt for r in rows]
            results[name] = _run_variant(name, model, prompts, rows, config, note)
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
        )
        if not golden.base_right:
            note(f"golden: the base ({config.golden_baseline}) gets no golden row right")
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
    decision = decide({n: r.primary for n, r in results.items()}, golden, config.decision)
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
        seed=config.seed,
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
    loss, _ = model.reference_loss(prompts, references, batch_size=config.batch_size)
    metrics = task_metrics(config.task, references, predictions)
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
    )
