"""Help: what each screen is for, and the keys active where help was opened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

OVERVIEW = """\
## Screens

**Home** lists the workspace's runs. Highlight one to see its stages and kept lengths;
**r** runs the pipeline, **b** (or enter) browses the run, **a** audits it, **u** shows its
near-duplicate clusters (runs with a semantic_dedup stage).

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
