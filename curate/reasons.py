"""Rejection reason codes: declared by the stage (or run step) that emits them.

Codes are stable strings: tools and people filter on them, so never rename one. The table
is derived from the stage registry and the run's fixed steps; ``curate reasons`` prints it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """One code a step may put on a rejected row."""

    code: str
    meaning: str
    rescuable: bool = False  # a person's force-keep may bring the row back


def codes(reasons: Iterable[Reason], *, rescuable_only: bool = False) -> frozenset[str]:
    """The codes of ``reasons`` (only those a force-keep may rescue, with ``rescuable_only``)."""
    return frozenset(r.code for r in reasons if r.rescuable or not rescuable_only)


@functools.cache
def all_reasons() -> dict[str, Reason]:
    """Every code curate emits, in run order: ingest, overrides, each stage, export."""
    from curate.io.ingest import INGEST_REASONS
    from curate.runs.export_files import EXPORT_REASONS
    from curate.runs.rewrite_check import REWRITE_REASONS
    from curate.stages.overrides import OVERRIDE_REASONS
    from curate.stages.registry import registered_stages

    declared = list(INGEST_REASONS) + list(OVERRIDE_REASONS)
    for info in registered_stages().values():
        declared.extend(info.reasons)
    declared.extend(REWRITE_REASONS)
    declared.extend(EXPORT_REASONS)
    table: dict[str, Reason] = {}
    for reason in declared:
        table.setdefault(reason.code, reason)
    return table


def describe(code: str) -> str:
    """The one-line meaning of a reason code ("" for a code no step declares)."""
    reason = all_reasons().get(code)
    return reason.meaning if reason else ""
