"""A virtual table over a polars frame: it draws only the rows on screen, however many."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from curate_tui.formatting import one_line, short_source
from curate_tui.messages import ExampleChosen, ExampleHighlighted


@dataclass(frozen=True)
class Column:
    """A table column: its header, the frame column it shows, and how it fits its width."""

    header: str
    field: str
    width: int  # 0: takes the space the other columns leave
    align_right: bool = False
    keep_end: bool = False  # truncate on the left, so ``file:line`` keeps its line
    wide_extra: int = 0  # cells added on wide terminals


COLUMNS = [
    Column("", "id", 1),
    Column("row", "row", 6, align_right=True),
    Column("status", "status", 8),
    Column("split", "split", 5),
    Column("stage/reason", "reason", 18, wide_extra=6),
    Column("source", "source", 14, keep_end=True, wide_extra=6),
    Column("prompt", "prompt", 0),
    Column("chars", "chars", 6, align_right=True),
]
DISPLAY_COLUMNS = [column.field for column in COLUMNS] + ["stage"]
OVERRIDE_MARKS = {"keep": "K", "drop": "D"}
MIN_FLEX_WIDTH = 8
WIDE = 120


def column_widths(total: int) -> list[int]:
    """Each column's width, the flexible one taking what is left of ``total`` cells."""
    wide = total >= WIDE
    fixed = [c.width + (c.wide_extra if wide else 0) for c in COLUMNS]
    flex = max(MIN_FLEX_WIDTH, total - sum(fixed) - (len(COLUMNS) - 1))
    return [width or flex for width in fixed]


def fit(text: str, width: int, column: Column) -> str:
    """``text`` padded or cut to exactly ``width`` cells."""
    if column.keep_end and cell_len(text) > width:
        text = "…" + text[-(width - 1) :]
    if column.align_right and cell_len(text) < width:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


def cell_texts(values: Mapping[str, Any], override: str | None) -> list[str]:
    """The text of each column for one example."""
    return [
        OVERRIDE_MARKS.get(override or "", " "),
        str(values["row"]),
        str(values["status"]),
        values["split"] or "",
        values["reason"] or values["stage"] or "",
        short_source(values["source"]),
        one_line(values["prompt"]),
        str(values["chars"]),
    ]


class ExampleTable(ScrollView, can_focus=True):
    """Rows of examples with a cursor; posts ExampleHighlighted when the cursor moves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "choose", "Read", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "example-table--header",
        "example-table--cursor",
        "example-table--rejected",
    }

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows = pl.DataFrame()
        self._overrides: dict[str, str] = {}
        self.rendered_rows: set[int] = set()
        """Indices of every row drawn so far: proof that only visible rows are rendered."""
        self.render_calls = 0

    # downward API ------------------------------------------------------------------------

    def show_rows(self, frame: pl.DataFrame) -> None:
        """Display ``frame`` (any columns; the table picks its own) with the cursor on top."""
        present = [c for c in DISPLAY_COLUMNS if c in frame.columns]
        self._rows = frame.select(present) if frame.height else pl.DataFrame()
        self.virtual_size = Size(0, self.row_count + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()

    def set_overrides(self, overrides: Mapping[str, str]) -> None:
        """Mark rows whose example has a standing keep/drop override."""
        self._overrides = dict(overrides)
        self.refresh()

    @property
    def row_count(self) -> int:
        return self._rows.height

    @property
    def visible_rows(self) -> int:
        """How many data rows fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def reset_render_stats(self) -> None:
        """Forget which rows were drawn, to measure the next paints alone."""
        self.rendered_rows.clear()
        self.render_calls = 0

    # cursor ------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self.visible_rows:
            self.scroll_to(y=new - self.visible_rows + 1, animate=False)
        else:
            # Row i sits on virtual line i + 1, under the header.
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        self.post_message(ExampleHighlighted(new if self.row_count else None))

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self.visible_rows

    def action_page_down(self) -> None:
        self.cursor += self.visible_rows

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_choose(self) -> None:
        if self.row_count:
            self.post_message(ExampleChosen(self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        position = self.scroll_offset.y + offset.y - 1
        if position < self.row_count:
            self.cursor = position
            if event.chain > 1:
                self.action_choose()

    # rendering ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = column_widths(width)
        if y == 0:
            headers = [column.header for column in COLUMNS]
            style = self.get_component_rich_style("example-table--header")
            return self._strip(headers, widths, width, style)
        position = self.scroll_offset.y + y - 1
        if position >= self.row_count:
            return Strip.blank(width, self.rich_style)
        self.rendered_rows.add(position)
        self.render_calls += 1
        values = self._rows.row(position, named=True)
        texts = cell_texts(values, self._overrides.get(values["id"]))
        if position == self.cursor:
            style = self.get_component_rich_style("example-table--cursor")
        elif values["status"] != "kept":
            style = self.get_component_rich_style("example-table--rejected")
        else:
            style = self.rich_style
        return self._strip(texts, widths, width, style)

    def row_cells(self, position: int) -> list[str]:
        """The cell texts of a shown row, as drawn (the first is the override mark)."""
        values = self._rows.row(position, named=True)
        return cell_texts(values, self._overrides.get(values["id"]))

    @staticmethod
    def _strip(texts: list[str], widths: list[int], width: int, style: Style) -> Strip:
        cells = [fit(t, w, c) for t, w, c in zip(texts, widths, COLUMNS, strict=True)]
        return Strip([Segment(" ".join(cells), style)]).adjust_cell_length(width, style)
