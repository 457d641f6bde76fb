"""Help: what each screen is for, and the keys active where help was opened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from curate_tui.screens.home_screen import HOME_HELP

OVERVIEW = f"""\
## Screens

{HOME_HELP}

**Browse** shows every kept and rejected example. Filter with the pickers and the search box
(**/**); **k** force-keeps and **d** force-drops the highlighted example on every later run,
**c** withdraws that. Rows marked K or D carry an override.

**Audit** reviews a seeded sample of the run's train split one example at a time:
**p** pass, **f** fail (also force-drops it), **s** skip, **n** note, **←/→** move.
Every key is saved at once; reopening resumes at the first unreviewed example.

**Duplicates** lists the run's near-duplicate clusters, largest first. The chosen cluster's
members show beside the kept one with their cosine to it: **k** keeps a dropped member as well,
**x** splits a member out of its cluster, **c** withdraws that. Marks: K kept, S split out.
Both take effect on the next run.

**Judge** lists the LLM judge's verdicts, most doubtful first: failed calls, then verdicts
whose mean score sits furthest on the wrong side of 3 (a GOOD with low scores, a BAD with
high ones). The highlighted example shows its scores per criterion, rationale and turns.
**k** force-keeps it (overrules a BAD), **d** force-drops it (overrules a GOOD), **c**
withdraws that; each asks for a reason. Marks: K force-kept, D force-dropped.

**PII** lists the examples the pii stage found personal data in, most findings first
(pick an entity type with **t**). The original text shows every span in its type's colour.
**n** says the highlighted span is not PII, **a** adds a span the scan missed (its exact
text, then its type), **c** withdraws the decision. Marks: N not PII, P marked PII, M an
example with decisions. Decisions are saved at once and applied by the next run.

**ctrl+p** opens the command palette, where every key below is also a command.
"""


def key_table(bindings: Iterable[ActiveBinding], display: Callable[[Binding], str]) -> str:
    """A markdown table of the bindings the footer would show, keys as ``display`` shows them."""
    rows = ["| key | does |", "| --- | --- |"]
    seen: set[str] = set()
    for active in bindings:
        binding = active.binding
        if not (binding.show and binding.description) or binding.description in seen:
            continue
        seen.add(binding.description)
        rows.append(f"| `{display(binding)}` | {binding.description} |")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    """Shows the overview and the keys of the screen underneath."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close help"),
    ]

    def __init__(self, bindings: Iterable[ActiveBinding]) -> None:
        super().__init__()
        self.listed_bindings = list(bindings)
        self.keys = ""

    def compose(self) -> ComposeResult:
        self.keys = key_table(self.listed_bindings, self.app.get_key_display)
        with VerticalScroll(id="help-box"):
            yield Markdown("## Keys here\n\n" + self.keys + "\n\n" + OVERVIEW)
