"""advise(): the checklist, the step of the ROI ladder, what to fix first, one recommendation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from curate.advise.checks import (
    MIN_EXPECTED_GAIN,
    Check,
    audit_check,
    baselines_check,
    eval_set_check,
    gain_check,
    motivation_check,
    size_check,
)
from curate.advise.results import EvalEvidence, read_eval_results, same_run
from curate.errors import CurateError
from curate.evaluate.config import EvalConfig

# Cheapest first: climb a rung only when the one below is measured and falls short.
LADDER = ("prompting", "few-shot", "RAG/tools", "fine-tune")
Verdict = Literal["fine_tune", "try_it", "fix_first", "do_not"]


@dataclass
class Advice:
    """The checklist in order of what to fix first, and what it adds up to."""

    checks: list[Check]
    ladder_step: str
    next_step: str | None
    fix_first: str | None
    verdict: Verdict
    recommendation: str
    results: str | None  # the eval results file read, if any

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def advise(config: EvalConfig, *, results: Path | None = None) -> Advice:
    """Answer the checklist for ``config``'s run from its export, manifest, workspace.db and
    the eval results (``results``, default ``<eval out>/eval_results.json``)."""
    run_dir = Path(config.run)
    if not run_dir.is_dir():
        raise CurateError("run folder not found", file=run_dir, field="run")
    path = results or config.out_dir() / "eval_results.json"
    evidence = read_eval_results(path)
    # the order is the order to fix them in: measure first, then the why, then the data
    checks = [
        eval_set_check(run_dir),
        baselines_check(evidence, run_dir),
        motivation_check(config),
        audit_check(run_dir),
        size_check(config, run_dir),
        gain_check(evidence, run_dir),
    ]
    step, following = ladder(evidence if evidence and same_run(evidence, run_dir) else None)
    first = next((c for c in checks if c.status != "pass"), None)
    verdict, line = recommend(checks)
    return Advice(
        checks,
        step,
        following,
        f"{first.name}: {first.fix}" if first else None,
        verdict,
        line,
        str(path) if evidence is not None else None,
    )


def ladder(evidence: EvalEvidence | None) -> tuple[str, str | None]:
    """The highest rung measured, and the next one. curate measures no RAG/tools variant, so
    a project past few-shot stands there until a tuned model is evaluated."""
    measured = evidence.variants if evidence is not None else {}
    if "tuned" in measured:
        return "fine-tune", None
    if "few_shot" in measured:
        return "few-shot", "RAG/tools (when the gap is knowledge), else fine-tune"
    if "prompted" in measured:
        return "prompting", "few-shot"
    return "prompting (not measured yet)", "measure prompting with curate eval"


def recommend(checks: list[Check]) -> tuple[Verdict, str]:
    """One line from the checks (in checklist order): a wrong motivation or a measured
    shortfall says no, a failed precondition says not yet, unknowns say try and measure."""
    by = {c.name: c for c in checks}
    if by["motivation"].status == "fail":
        return "do_not", f"Do not fine-tune: {by['motivation'].evidence}; {by['motivation'].fix}."
    if by["expected_gain"].status == "fail":
        return "do_not", f"Do not fine-tune: {by['expected_gain'].evidence}."
    first = next((c for c in checks if c.status != "pass"), None)
    if first is None:
        gain = by["expected_gain"].evidence
        return "fine_tune", f"Fine-tune: every check passes ({gain}, bar +{MIN_EXPECTED_GAIN:g})."
    start = f"start with {first.name} ({first.fix})"
    failed = [c.name for c in checks if c.status == "fail"]
    if failed:
        return "fix_first", f"Not yet: {', '.join(failed)} failed; {start}."
    unknown = ", ".join(c.name for c in checks if c.status == "unknown")
    return "try_it", f"Nothing fails, but {unknown} unknown; {start}."
