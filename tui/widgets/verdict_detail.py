"""The Judge screen's detail: the verdict with its per-criterion scores, and the conversation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label, Static

from curate.runs.judge_verdicts import JudgedRow
from curate.workspace import Override
from curate_tui.formatting import short_source
from curate_tui.widgets.verdict_table import outcome

OVERRIDE_LABELS = {"keep": "Force-kept", "drop": "Force-dropped"}


def score_bar(score: int, top: int = 5) -> str:
    """``■■■□□ 3`` for a 1-5 score."""
    score = max(0, min(score, top))
    return "■" * score + "□" * (top - score) + f" {score}"


class VerdictCard(VerticalScroll):
    """What the judge said about ``shown``: verdict, scores per criterion, rationale, override."""

    shown: reactive[tuple[JudgedRow, Override | None] | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No verdict selected.", classes="detail-empty")
            return
        verdict, override = self.shown
        row = verdict.row
        head = verdict.verdict
        if outcome(verdict) != verdict.verdict:
            head += f" · {outcome(verdict)}"
        if verdict.score is not None:
            head += f" · mean {verdict.score:.2f}"
        yield Static(head, markup=False, classes=f"verdict-head verdict-{verdict.verdict}")
        if override is not None:
            text = f"{OVERRIDE_LABELS.get(override.action, override.action)} by "
            text += override.annotator + (f": {override.reason}" if override.reason else "")
            yield Static(text, markup=False, classes="detail-override")
        width = max((len(name) for name in verdict.scores), default=0)
        for name, score in verdict.scores.items():
            line = f"{name.ljust(width)}  {score_bar(score)}"
            yield Static(line, markup=False, classes=f"verdict-score score-{score}")
        rationale = row.get("judge_rationale") or row.get("detail") or ""
        yield Label("rationale", classes="turn-role")
        yield Static(rationale, markup=False, classes="turn-content")
        footer = [str(row["id"]), short_source(row.get("source")), row.get("judge_model") or ""]
        yield Static(" · ".join(p for p in footer if p), markup=False, classes="detail-summary")


class Conversation(VerticalScroll):
    """Every turn of ``shown`` (a judge stage row) with its role."""

    shown: reactive[JudgedRow | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is None:
            yield Static("No example selected.", classes="detail-empty")
            return
        row = self.shown.row
        for turn in row.get("messages") or []:
            yield Label(turn["role"], classes=f"turn-role role-{turn['role']}")
            yield Static(turn["content"] or "", markup=False, classes="turn-content")
        for key in ("chosen", "rejected"):
            for turn in row.get(key) or []:
                yield Label(f"{turn['role']} · {key}", classes=f"turn-role role-{key}")
                yield Static(turn["content"] or "", markup=False, classes="turn-content")
