"""Where the audit cursor goes next: the first example still waiting for a pass or fail."""

from __future__ import annotations

from curate.audit import AuditStatus


def next_pending(status: AuditStatus, after: int) -> int | None:
    """The next unreviewed position after ``after`` (wrapping), else the next skipped one."""
    count = len(status.items)
    order = [(after + step) % count for step in range(1, count + 1)]
    for wanted in (None, "skip"):
        for position in order:
            if status.items[position].verdict == wanted:
                return position
    return None


def resume_position(status: AuditStatus) -> int:
    """Where reopening an audit starts: its first unreviewed example, else the first one."""
    if not status.items:
        return 0
    found = next_pending(status, after=-1)
    return 0 if found is None else found
