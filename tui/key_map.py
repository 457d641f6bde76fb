"""One key, one meaning: every screen's bindings come from this table.

A key means the same on every screen that has it (``k`` keeps, ``escape`` goes back, ``←/→``
move between items); which decisions a screen offers varies, and its footer shows them. Each
binding's Textual ``id`` is its meaning, so a user keymap that moves ``keep`` moves it on every
screen, and a test checks that no key carries two meanings.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Meaning:
    """What a key does wherever it is bound; ``group`` orders the README table."""

    keys: str  # Textual's comma-separated key names
    does: str
    group: str
    display: str | None = None


NAVIGATION, OPEN, DECIDE = "navigation (every screen)", "Home: open a screen", "decisions"

KEY_MAP: dict[str, Meaning] = {
    "back": Meaning("escape", "back to the screen before (Home from a run's screen)", NAVIGATION),
    "previous": Meaning("left", "the previous item (Audit, Agreement)", NAVIGATION, "←"),
    "next": Meaning("right,space", "the next item (Audit, Agreement; space too)", NAVIGATION, "→"),
    "search": Meaning("slash", "search or filter the list", NAVIGATION, "/"),
    "table": Meaning("t", "back to the list from a picker or the search box", NAVIGATION),
    "clear_filters": Meaning("z", "clear every filter and the search (Browse)", NAVIGATION),
    "twin": Meaning("w", "jump to the example a rejected one names (its duplicate)", NAVIGATION),
    "maximise": Meaning("v", "the example fills the screen (v or escape: back)", NAVIGATION),
    "reload": Meaning("f5", "read the workspace again", NAVIGATION),
    "help": Meaning("question_mark", "what the screen is for, and its keys", NAVIGATION, "?"),
    "quit": Meaning("q", "quit", NAVIGATION),
    "run": Meaning("r", "run the pipeline (Home opens the Run screen; there it starts)", OPEN),
    "browse": Meaning("b", "browse the selected run (also enter)", OPEN),
    "audit": Meaning("a", "spot-audit the selected run", OPEN),
    "duplicates": Meaning("u", "its near-duplicate clusters", OPEN),
    "judge": Meaning("j", "its judge verdicts", OPEN),
    "pii": Meaning("i", "its PII findings", OPEN),
    "labels": Meaning("l", "its suspect labels", OPEN),
    "agreement": Meaning("g", "how well the annotators agree", OPEN),
    "pick_pipeline": Meaning("o", "choose which pipeline file r runs (Run)", DECIDE),
    "keep": Meaning("k", "keep it on every later run (Browse, Judge, Duplicates, Labels)", DECIDE),
    "drop": Meaning("d", "drop it on every later run (Browse, Judge, Labels)", DECIDE),
    "clear": Meaning("c", "withdraw the decision", DECIDE),
    "not_a_finding": Meaning("x", "the finding is wrong: not a duplicate, not PII", DECIDE),
    "not_a_finding_anywhere": Meaning(
        "X",
        "the finding is wrong wherever it is (PII: that text in the run; Duplicates: the cluster)",
        DECIDE,
    ),
    "add_finding": Meaning("m", "mark a span the PII scan missed", DECIDE),
    "relabel": Meaning("e", "relabel to the suggested label (Labels)", DECIDE),
    "keep_all": Meaning(
        "K", "keep every example shown (Browse: the filtered set; Duplicates: the cluster)", DECIDE
    ),
    "drop_all": Meaning("D", "drop every example the filters show (Browse; asks once)", DECIDE),
    "undo": Meaning(
        "ctrl+z", "undo the last decision (every screen that takes them)", DECIDE, "^z"
    ),
    "pass": Meaning("p", "the example passes the audit", DECIDE),
    "fail": Meaning("f", "the example fails the audit (and is dropped)", DECIDE),
    "skip": Meaning("s", "skip it in the audit", DECIDE),
    "note": Meaning("n", "write a note on the audited example", DECIDE),
    "adjudicate": Meaning("1", "settle the label numbered 1-9 (Agreement)", DECIDE, "1-9"),
}


def key(
    meaning: str,
    action: str,
    description: str,
    *,
    keys: str | None = None,
    show: bool = True,
    priority: bool = False,
) -> Binding:
    """The binding of ``meaning`` on one screen; ``keys`` only for a numbered variant."""
    entry = KEY_MAP[meaning]
    return Binding(
        keys or entry.keys,
        action,
        description,
        show=show,
        key_display=entry.display if keys is None else None,
        priority=priority,
        id=meaning,
    )


def key_table_markdown() -> str:
    """The key map as a markdown table, grouped, for README and the help screen."""
    rows = ["| key | means |", "| --- | --- |"]
    for group in (NAVIGATION, OPEN, DECIDE):
        rows.append(f"| **{group}** | |")
        for entry in KEY_MAP.values():
            if entry.group == group:
                shown = entry.display or entry.keys.replace(",", "/")
                rows.append(f"| `{shown}` | {entry.does} |")
    return "\n".join(rows)
