"""The largest topic clusters of a run's kept set: share bar, size and a sample prompt."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from curate.runs.cluster_overview import ClusterOverview, cut
from curate_tui.widgets.length_histogram import bar

BAR_CELLS = 6


def overview_lines(overview: ClusterOverview, width: int) -> list[str]:
    """A header, then one line per cluster, largest first: ``share bar, share%, size,
    title``, the title cut to fit ``width``."""
    shown = len(overview.clusters)
    which = (
        f"{shown} topics" if shown == overview.topics else f"{shown} of {overview.topics} topics"
    )
    header = f"{which} · {overview.clustered:,} kept rows"
    if overview.clustered < overview.kept:
        header += f" of {overview.kept:,} (the rest have no stored vector)"
    lines = [header]
    largest = max((c.share for c in overview.clusters), default=0.0)
    for cluster in overview.clusters:
        # bars in thousandths, so a 0.4% topic still shows
        drawn = bar(round(cluster.share * 1000), round(largest * 1000), BAR_CELLS)
        head = f"{drawn:<{BAR_CELLS}}{cluster.share:>4.0%} {cluster.size:>5,} "
        lines.append(head + cut(cluster.title, max(4, width - len(head))))
    return lines


class TopicClusters(Static):
    """Set ``overview`` to draw it, or ``note`` for one line (no vectors, still computing)."""

    overview: reactive[ClusterOverview | None] = reactive(None, layout=True)
    note: reactive[str] = reactive("", layout=True)

    def render(self) -> Content:
        # plain Content: titles are the user's text, and "[b]" in a prompt is not markup
        if self.note or self.overview is None:
            return Content(self.note or "…")
        return Content("\n".join(overview_lines(self.overview, self.content_region.width)))
