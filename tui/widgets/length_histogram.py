"""Example lengths as horizontal unicode bars."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

BAR_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(count: int, largest: int, width: int) -> str:
    """A bar ``width`` cells long at ``largest``, in eighths of a cell."""
    if largest <= 0 or width <= 0:
        return ""
    eighths = round(count / largest * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (BAR_EIGHTHS[part] if part else "")


def histogram_lines(bins: list[tuple[int, int, int]], width: int) -> list[str]:
    """One line per bin: ``low–high │bar count``."""
    if not bins:
        return ["no kept examples"]
    labels = [f"{low:,}–{high - 1:,}" for low, high, _ in bins]
    counts = [f"{count:,}" for _, _, count in bins]
    label_width = max(map(len, labels))
    count_width = max(map(len, counts))
    bar_width = max(4, width - label_width - count_width - 3)
    largest = max(count for _, _, count in bins)
    return [
        f"{label:>{label_width}} │{bar(n, largest, bar_width):<{bar_width}} {text:>{count_width}}"
        for label, text, (_, _, n) in zip(labels, counts, bins, strict=True)
    ]


class LengthHistogram(Static):
    """Set ``bins`` (``(low, high, count)`` as length_histogram gives them) to redraw."""

    bins: reactive[list[tuple[int, int, int]] | None] = reactive(None, layout=True)

    def render(self) -> str:
        if self.bins is None:
            return "…"
        return "\n".join(histogram_lines(self.bins, self.content_region.width))
