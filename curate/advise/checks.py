"""The seeds' should-I-fine-tune checklist, each item answered from files in the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from curate.advise.results import BASELINES, EvalEvidence, same_run
from curate.advise.sizes import SIZE_TABLE, class_counts, count_rows, schema_classes, task_kind
from curate.audit import DEFAULT_THRESHOLD, latest_audit
from curate.evaluate.config import EvalConfig
from curate.runs.layout import RunLayout
from curate.runs.manifest import Manifest
from curate.workspace import WorkspaceDB

Status = Literal["pass", "fail", "unknown"]
MIN_EVAL_CASES = 50
# The seeds' bar: a fine-tune costs data, training and upkeep, so it should promise at least
# 15 points over the best prompt. (curate eval's own worth-it rule is looser, 5 by default.)
MIN_EXPECTED_GAIN = 15.0
# The five reasons the seeds accept for fine-tuning; anything else is better served by
# prompting, few-shot examples or retrieval.
MOTIVATIONS: dict[str, str] = {
    "style_persona": "a voice or persona that prompting does not hold",
    "strict_format": "an output format the model must always follow",
    "distillation": "a small model that answers like a large one",
    "private_domain": "the language and tasks of a domain the base model never saw",
    "latency_cost": "a smaller, faster or cheaper model than the prompted one",
}


@dataclass
class Check:
    """One checklist item: its verdict, the evidence it rests on, what to do when not pass."""

    name: str
    status: Status
    evidence: str
    fix: str = ""


def eval_set_check(run_dir: Path) -> Check:
    test = RunLayout(run_dir).export_dir / "test.jsonl"
    if not test.is_file():
        return Check("eval_set", "fail", f"no test split at {test}", "run the pipeline with split")
    rows = count_rows(test)
    evidence = f"{rows} test rows in {test}"
    if rows >= MIN_EVAL_CASES:
        return Check("eval_set", "pass", evidence)
    need = MIN_EVAL_CASES - rows
    fix = f"collect {need} more cases (or raise the split's test ratio) for {MIN_EVAL_CASES}"
    return Check("eval_set", "fail", evidence + f", under {MIN_EVAL_CASES}", fix)


def baselines_check(evidence: EvalEvidence | None, run_dir: Path) -> Check:
    if evidence is None:
        return Check("baselines", "unknown", "no eval results yet", "run curate eval")
    if not same_run(evidence, run_dir):
        what = f"{evidence.path} scores run {evidence.run}, not {run_dir}"
        return Check("baselines", "unknown", what, "run curate eval on this run")
    found = [f"{n} {evidence.variants[n].shown()}" for n in BASELINES if n in evidence.variants]
    rows = f" on {evidence.rows} rows" if evidence.rows is not None else ""
    text = f"{evidence.metric or 'primary'}{rows}: " + (", ".join(found) or "none measured")
    if evidence.rows is not None and evidence.rows < MIN_EVAL_CASES:
        text += f" (under {MIN_EVAL_CASES} rows: limit {evidence.limit})"
        return Check("baselines", "fail", text, "rerun curate eval without --limit")
    missing = [n for n in BASELINES if n not in evidence.variants]
    if missing:
        fix = f"add {', '.join(missing)} to the eval's variants and rerun curate eval"
        return Check("baselines", "fail", text + f"; {', '.join(missing)} not measured", fix)
    return Check("baselines", "pass", text)


def audit_check(run_dir: Path) -> Check:
    manifest = RunLayout(run_dir).manifest()
    if manifest is None:
        return Check("audited", "unknown", f"{run_dir} has no manifest.json", "finish the run")
    stages = {s.name: s for s in manifest.stages}
    notes: list[str] = []
    if (gate := stages.get("agreement_gate")) is not None:
        limit = _threshold(manifest, "agreement_gate", 0.9)
        notes.append(
            f"agreement ({gate.metrics.get('metric', 'percent')}) {gate.metrics.get('agreement')}"
            f" >= {limit} over {gate.metrics.get('items', '?')} items"
        )
    else:
        notes.append("no agreement_gate (agreement not checked)")
    if (gate := stages.get("audit_gate")) is not None:
        limit = _threshold(manifest, "audit_gate", DEFAULT_THRESHOLD)
        rate = gate.metrics.get("pass_rate")
        head = f"audit_gate passed: {rate} of {gate.metrics.get('reviewed', '?')} >= {limit}"
        return Check("audited", "pass", "; ".join([head, *notes]))
    return _audit_from_workspace(run_dir, manifest, notes)


def _audit_from_workspace(run_dir: Path, manifest: Manifest, notes: list[str]) -> Check:
    """No gate in the pipeline: a spot-audit of this pipeline in workspace.db still counts."""
    fix = f"draw a spot-audit (`curate audit sample {run_dir}`) and add `- audit_gate`"
    database = RunLayout(run_dir).workspace() / "workspace.db"
    status = None
    if database.is_file():
        with WorkspaceDB(database.parent) as store:
            status = latest_audit(store, pipeline=manifest.pipeline.name)
    if status is None:
        return Check("audited", "fail", "; ".join(["no audit_gate, no spot-audit", *notes]), fix)
    rate = "-" if status.pass_rate is None else f"{status.pass_rate:.1%}"
    head = (
        f"no audit_gate; spot-audit {status.audit_id} of run {status.run_id}: {status.outcome}, "
        f"{rate} of {status.reviewed} reviewed (threshold {status.threshold:.0%})"
    )
    if status.outcome == "pass":
        return Check("audited", "pass", "; ".join([head, *notes]))
    fix = "finish the spot-audit in `curate tui`" if status.outcome == "in progress" else fix
    return Check("audited", "fail", "; ".join([head, *notes]), fix)


def _threshold(manifest: Manifest, stage: str, default: float) -> Any:
    for entry in manifest.pipeline.config.get("stages") or []:
        if isinstance(entry, dict) and entry.get("stage") == stage:
            return entry.get("threshold", default)
    return default


def motivation_check(config: EvalConfig) -> Check:
    accepted = ", ".join(MOTIVATIONS)
    if config.motivation is None:
        fix = f"declare `motivation:` in the eval file, one of {accepted}"
        return Check("motivation", "unknown", "the eval file declares no motivation", fix)
    if config.motivation in MOTIVATIONS:
        why = MOTIVATIONS[config.motivation]
        return Check("motivation", "pass", f"{config.motivation}: {why}")
    evidence = f"{config.motivation!r} is not one of the five: {accepted}"
    fix = "new facts belong in retrieval (RAG/tools), not in weights; prompt for the rest"
    return Check("motivation", "fail", evidence, fix)


def gain_check(evidence: EvalEvidence | None, run_dir: Path) -> Check:
    if evidence is None or not same_run(evidence, run_dir):
        return Check("expected_gain", "unknown", "no tuned model evaluated", "run curate eval")
    gain, best = evidence.gain_points(), evidence.best_baseline()
    if gain is None or best is None:
        fix = "train, then run curate eval --tuned <train output>"
        return Check("expected_gain", "unknown", "no tuned model evaluated", fix)
    tuned = evidence.variants["tuned"]
    text = f"tuned {tuned.shown()} vs {best[0]} {best[1].shown()}: {gain:+.1f} points"
    if gain >= MIN_EXPECTED_GAIN - 1e-9:
        return Check("expected_gain", "pass", text + f" (>= {MIN_EXPECTED_GAIN:g})")
    fix = f"keep {best[0]} prompting, or improve the data and retrain"
    return Check("expected_gain", "fail", text + f", under +{MIN_EXPECTED_GAIN:g}", fix)


def size_check(config: EvalConfig, run_dir: Path) -> Check:
    kind, why = task_kind(config)
    if kind is None:
        fix = f"set `task_kind:` in the eval file ({', '.join(SIZE_TABLE)})"
        return Check("set_size", "unknown", why, fix)
    train = RunLayout(run_dir).export_dir / "train.jsonl"
    if not train.is_file():
        return Check("set_size", "fail", f"no train split at {train}", "run the pipeline")
    wanted = SIZE_TABLE[kind]
    head = f"{kind} ({why}) wants {wanted.shown()}"
    if not wanted.per_class:
        return _in_range("set_size", head, {"train": count_rows(train)}, wanted.low, wanted.high)
    counted = class_counts(config, train)
    if counted is None:
        fix = "set task.label_field (json) so classes can be counted"
        return Check("set_size", "unknown", head + "; no label field to count", fix)
    label, counts = counted
    for name in schema_classes(config, label):
        counts.setdefault(name, 0)
    return _in_range("set_size", f"{head} ({label})", dict(counts), wanted.low, wanted.high)


def _in_range(name: str, head: str, counts: dict[str, int], low: int, high: int | None) -> Check:
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    short = {k: v for k, v in counts.items() if v < low}
    if short:
        need = ", ".join(f"{k} +{low - v}" for k, v in sorted(short.items()))
        return Check(name, "fail", f"{head}; has {shown}", f"add examples: {need}")
    over = high is not None and any(v > high for v in counts.values())
    note = " (above the range: more costs training time; `select` can cut it)" if over else ""
    return Check(name, "pass", f"{head}; has {shown}{note}")
