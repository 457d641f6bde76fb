"""Help: what each screen is for, and the keys active where help was opened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from curate_tui.key_map import KEY_MAP, key_table_markdown
from curate_tui.screens.home_screen import HOME_HELP

OVERVIEW = f"""\
## Screens

{HOME_HELP}

**Browse** shows every kept and rejected example. Filter with the pickers and the search box
(**/**, which searches every turn; **escape** returns to the list, **z** resets every filter);
**w** jumps from a rejected example to the one it names (the duplicate it matched), **v**
gives the example the whole screen. **k** force-keeps and **d** force-drops the highlighted
example on every later run (a reason is required), **c** withdraws that; with a filter set,
**K**/**D** do it to every example shown after one question. **ctrl+z** undoes the last
decision (a bulk one whole), here and on every screen that takes decisions. Rows marked K or
D carry an override.

**Audit** reviews a seeded sample of the run's train split one example at a time, with the
example's meta fields: **p** pass, **f** fail (also force-drops it), **s** skip, **n** note,
**←/→** move, **v** the whole screen. Every key is saved at once; reopening resumes at the
first unreviewed example. A new audit takes over the verdicts earlier audits of the pipeline
gave the same examples, shown as carried; a verdict key overrides one. **ctrl+z** takes back
the last verdict (and the force-drop a fail made).

**Duplicates** lists the run's near-duplicate clusters, largest first. The chosen cluster's
members show beside the kept one with their cosine to it: **k** keeps a dropped member as well,
**x** says a member is not a duplicate (splits it out), **c** withdraws that; **K** keeps
every member of the cluster and **X** splits every member out, after one question.
Marks: K kept, S split out. All take effect on the next run; **ctrl+z** undoes the last.

**Judge** lists the LLM judge's verdicts, most doubtful first: failed calls, then verdicts
whose mean score sits furthest on the wrong side of 3 (a GOOD with low scores, a BAD with
high ones). The highlighted example shows its scores per criterion, rationale and turns.
**k** force-keeps it (overrules a BAD), **d** force-drops it (overrules a GOOD), **c**
withdraws that; each asks for a reason. Marks: K force-kept, D force-dropped.

**PII** lists the examples the pii stage found personal data in, most findings first
(pick an entity type with **/**). The original text shows every span in its type's colour.
**x** says the highlighted span is not PII, **X** says its text is not PII in every example
it was found in, **m** marks a span the scan missed (its exact text, then its type from a
list), **c** withdraws the decision, **ctrl+z** undoes the last one (an **X** whole). Marks:
N not PII, P marked PII, M an example with decisions. Decisions are saved at once and
applied by the next run.

**Agreement** shows how well the annotators agree, then their disagreements: **1-9**
settles the highlighted item with the label of that number, **ctrl+z** takes the last one
back, **←/→** move.

**Labels** lists the label_issues stage's suspect labels, most confidently wrong first, with
the example and the nearest examples carrying the suggested label: **k** keeps the label,
**d** drops the example, **e** relabels it to the suggestion, **c** withdraws the decision,
**ctrl+z** undoes the last one.

**Run** runs the pipeline in the background with live per-stage progress: **r** starts it,
**o** picks which of the workspace's pipeline files it runs (remembered per workspace).

**ctrl+p** opens the command palette, where every key below is also a command.

## One key, one meaning

{key_table_markdown()}
"""


# The overview paragraph of each screen, by the bold name it opens with.
SCREEN_NAMES = {
    "HomeScreen": "Home",
    "BrowseScreen": "Browse",
    "AuditScreen": "Audit",
    "DuplicatesScreen": "Duplicates",
    "JudgeScreen": "Judge",
    "PiiScreen": "PII",
    "AgreementScreen": "Agreement",
    "LabelReviewScreen": "Labels",
    "RunScreen": "Run",
}


def about(screen_class: str) -> str:
    """The overview's paragraph on the screen ``screen_class`` names, or ""."""
    name = SCREEN_NAMES.get(screen_class)
    if name is None:
        return ""
    paragraphs = OVERVIEW.split("\n\n")
    return next((p for p in paragraphs if p.startswith(f"**{name}**")), "")


def key_table(bindings: Iterable[ActiveBinding], display: Callable[[Binding], str]) -> str:
    """A markdown table of the screen's bindings from the key map (the footer's and those
    kept out of it), keys as ``display`` shows them."""
    rows = ["| key | does |", "| --- | --- |"]
    seen: set[str] = set()
    for active in bindings:
        binding = active.binding
        listed = binding.show or binding.id in KEY_MAP  # the map's keys, in the footer or not
        if not (listed and binding.description) or binding.description in seen:
            continue
        seen.add(binding.description)
        rows.append(f"| `{display(binding)}` | {binding.description} |")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    """Shows what the screen underneath is for and its keys, then the overview."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close help"),
    ]

    def __init__(self, bindings: Iterable[ActiveBinding], *, screen_class: str = "") -> None:
        super().__init__()
        self.listed_bindings = list(bindings)
        self.about = about(screen_class)
        self.keys = ""

    def compose(self) -> ComposeResult:
        self.keys = key_table(self.listed_bindings, self.app.get_key_display)
        here = f"## This screen\n\n{self.about}\n\n" if self.about else ""
        with VerticalScroll(id="help-box"):
            yield Markdown(here + "## Keys here\n\n" + self.keys + "\n\n" + OVERVIEW)
