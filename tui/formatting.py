"""How runs and examples read on screen: short, one-line, deterministic."""

from __future__ import annotations

from curate.audit import AuditStatus
from curate.runs.views import RunSummary


def one_line(text: str | None) -> str:
    """Collapse whitespace so a text fits one table cell."""
    return " ".join((text or "").split())


def when(timestamp: str) -> str:
    """``2025-01-31T12:00:00+00:00`` as ``2025-01-31 12:00``."""
    return timestamp[:16].replace("T", " ")


def run_totals(run: RunSummary) -> str:
    """``input → train/eval/test/rejected`` when the manifest knows it, else what stages say."""
    if run.manifest is not None:
        t = run.manifest.totals
        return f"{t.input_rows:,} → {t.train:,}/{t.eval:,}/{t.test:,}/{t.rejected:,}"
    if run.stages:
        return f"{run.stages[0].input:,} → …"
    return "—"


def short_source(source: str | None) -> str:
    """``data/train.jsonl line 12`` as ``train.jsonl:12``."""
    if not source:
        return ""
    path, _, line = source.partition(" line ")
    name = path.rsplit("/", 1)[-1]
    return f"{name}:{line}" if line else name


def percent(value: float | None) -> str:
    """A rate as ``96.0%``, or ``n/a``."""
    return "n/a" if value is None else f"{value:.1%}"


def audit_summary(status: AuditStatus) -> str:
    """One line of audit progress."""
    skipped = sum(item.verdict == "skip" for item in status.items)
    return (
        f"{status.reviewed}/{len(status.items)} reviewed · {status.passed} pass · "
        f"{status.failed} fail · {skipped} skipped · pass rate {percent(status.pass_rate)} "
        f"(gate {status.threshold:.0%})"
        + (f" · {status.carried} carried" if status.carried else "")
    )
