"""The audit gate's verdict once every sampled example has a pass or fail."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from curate.audit import AuditStatus
from curate_tui.formatting import percent


def gate_text(status: AuditStatus) -> str:
    """The verdict against the threshold, and which examples failed."""
    passed = status.outcome == "pass"
    sign = "≥" if passed else "<"
    lines = [
        f"Gate {status.outcome.upper()}: pass rate {percent(status.pass_rate)} {sign} "
        f"{status.threshold:.0%} ({status.passed} pass, {status.failed} fail)"
    ]
    if status.failing:
        # one wrapped line, not a line each: the gate must leave the example room to read
        failing = ", ".join(
            f"#{item.position + 1} {item.example_id}" + (f" ({item.note})" if item.note else "")
            for item in status.failing
        )
        lines.append(f"Failing, force-dropped on the next run: {failing}")
    return "\n".join(lines)


class AuditGate(Static):
    """Hidden until ``status`` is complete; then green for a pass, red for a fail."""

    status: reactive[AuditStatus | None] = reactive(None, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)

    def on_mount(self) -> None:
        self.display = False

    def watch_status(self, status: AuditStatus | None) -> None:
        complete = status is not None and status.complete and bool(status.items)
        self.display = complete
        if status is None or not complete:
            return
        self.set_class(status.outcome == "pass", "gate-pass")
        self.set_class(status.outcome != "pass", "gate-fail")
        self.update(gate_text(status))
