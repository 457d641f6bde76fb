"""Token lengths as horizontal bars, the model's limit marked and the rows over it counted."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from curate.runs.token_lengths import TokenLengths
from curate_tui.widgets.length_histogram import histogram_lines

LIMIT_MARK, OVER_MARK = "▶", "!"


def summary_parts(lengths: TokenLengths) -> list[str]:
    """The limit and the rows over it first (what a person checks), then the percentiles."""
    if lengths.limit is None:
        parts = ["no limit set (max_tokens)"]
    else:
        parts = [f"limit {lengths.limit:,}: {lengths.over_limit:,} rows over"]
    parts += [f"p50 {lengths.p50:,}", f"p95 {lengths.p95:,}", f"max {lengths.longest:,}"]
    if lengths.assistant_share is not None:
        parts.append(f"assistant {lengths.assistant_share:.0%} of tokens")
    return parts


def fitted(parts: list[str], width: int) -> list[str]:
    """``parts`` joined by `` · `` into lines of at most ``width``, never splitting a part."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return lines


def token_lines(lengths: TokenLengths, width: int) -> list[str]:
    """The summary, then one bar per bin behind a mark: ``▶`` on the bin holding the limit,
    ``!`` on bins wholly over it."""
    summary = fitted(summary_parts(lengths), width)
    if not lengths.bins:
        return [*summary, "no kept examples"]
    limit = lengths.limit
    marks = []
    for low, high, _ in lengths.bins:
        if limit is not None and low <= limit < high:
            marks.append(LIMIT_MARK)
        elif limit is not None and low > limit:
            marks.append(OVER_MARK)
        else:
            marks.append(" ")
    bars = histogram_lines(lengths.bins, max(8, width - 2))
    return [*summary, *(f"{m} {line}" for m, line in zip(marks, bars, strict=True))]


class TokenHistogram(Static):
    """Set ``lengths`` to draw them, or ``note`` for a one-line message (no token_budget
    stage, a malformed entry); ``lengths`` None with no note reads as loading."""

    lengths: reactive[TokenLengths | None] = reactive(None, layout=True)
    note: reactive[str] = reactive("", layout=True)

    def render(self) -> str:
        if self.note:
            return self.note
        if self.lengths is None:
            return "…"
        return "\n".join(token_lines(self.lengths, self.content_region.width))
