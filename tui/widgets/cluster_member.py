"""One cluster member in compact form: where it came from, its decision, then its turns.

Browse's ExampleDetail leads with the long rejection text; beside the kept member only the
conversation matters, so this pane shows the turns right under one summary line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label, Static

from curate.runs.duplicate_clusters import DECISION_LABELS
from curate.workspace import Override
from curate_tui.formatting import short_source


def _summary(member: Mapping[str, Any]) -> str:
    parts = [short_source(member.get("source"))]
    if member.get("split"):
        parts.append(f"split {member['split']}")
    elif member.get("status") == "rejected" and member.get("stage") != "semantic_dedup":
        parts.append(f"rejected by {member.get('stage')}: {member.get('reason')}")
    if member.get("chars") is not None:
        parts.append(f"{member['chars']} chars")
    return " · ".join(p for p in parts if p)


class ClusterMember(VerticalScroll):
    """Shows ``shown`` as (member row, standing override); None clears the pane."""

    shown: reactive[tuple[Mapping[str, Any], Override | None] | None] = reactive(
        None, recompose=True
    )

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No cluster selected.", classes="detail-empty")
            return
        member, override = self.shown
        yield Static(_summary(member), markup=False, classes="detail-summary")
        if override is not None:
            text = f"{DECISION_LABELS.get(override.action, override.action)} by "
            text += override.annotator + (f": {override.reason}" if override.reason else "")
            yield Static(text, markup=False, classes="detail-override")
        for turn in member.get("messages") or []:
            yield Label(turn["role"], classes=f"turn-role role-{turn['role']}")
            yield Static(turn["content"] or "", markup=False, classes="turn-content")
