"""The PII screen's two lists: examples by number of findings, and the chosen one's spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.widgets import DataTable

from curate.runs.pii_review import SHORT_NAMES, PiiExample, SpanRow
from curate.workspace import SpanDecision
from curate_tui.formatting import one_line

EXAMPLE_COLUMNS = ("", "n", "types", "question")
SPAN_COLUMNS = ("", "entity", "text", "score")


class PiiExampleTable(DataTable[str]):
    """One row per example; M marks an example with a standing span decision."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.add_columns(*EXAMPLE_COLUMNS)

    def show_examples(
        self, examples: Sequence[PiiExample], decisions: Mapping[str, list[SpanDecision]]
    ) -> None:
        """Replace the rows, keeping the cursor where it was."""
        row = self.cursor_row
        self.clear()
        for index, example in enumerate(examples):
            mark = "M" if decisions.get(example.example_id) else ""
            types = ",".join(SHORT_NAMES.get(e, e) for e in example.entities) or "—"
            cells = (mark, str(len(example.spans)), types, one_line(example.prompt))
            self.add_row(*cells, key=str(index))
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))


class PiiSpanTable(DataTable[str]):
    """The found texts of one example, then the texts only a person's decision names."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.add_columns(*SPAN_COLUMNS)

    def show_spans(self, rows: Sequence[SpanRow], *, keep_cursor: bool = True) -> None:
        """Replace the rows; the cursor stays on its row, or goes to the first."""
        row = self.cursor_row if keep_cursor else 0
        self.clear()
        for index, span in enumerate(rows):
            score = "" if span.score is None else f"{span.score:.2f}"
            text = one_line(span.text) + (f" ×{span.count}" if span.count > 1 else "")
            self.add_row(span.mark, span.entity, text, score, key=str(index))
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))
