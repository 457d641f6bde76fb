"""The Duplicates screen's two lists: clusters by size, and the chosen cluster's members."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.widgets import DataTable

from curate.runs.duplicate_clusters import DECISION_MARKS, Cluster
from curate.workspace import Override
from curate_tui.formatting import one_line

CLUSTER_COLUMNS = ("cluster", "size", "lowest", "kept question")
MEMBER_COLUMNS = ("", "member", "cosine", "id", "question")


class ClusterTable(DataTable[str]):
    """One row per cluster, keyed by its position."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.add_columns(*CLUSTER_COLUMNS)

    def show_clusters(self, clusters: Iterable[Cluster]) -> None:
        """Replace the rows with these clusters."""
        self.clear()
        for index, cluster in enumerate(clusters):
            cells = (cluster.cluster_id, str(cluster.size), f"{cluster.lowest:.3f}")
            self.add_row(*cells, one_line(cluster.question), key=str(index))


class MemberTable(DataTable[str]):
    """The members of one cluster, kept member first, each with its standing decision."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.add_columns(*MEMBER_COLUMNS)

    def show_members(self, cluster: Cluster | None, overrides: Mapping[str, Override]) -> None:
        """Replace the rows, keeping the cursor where it was if that row is still there."""
        row = self.cursor_row
        self.clear()
        if cluster is None:
            return
        for index, member in enumerate(cluster.members):
            override = overrides.get(str(member["id"]))
            mark = DECISION_MARKS.get(override.action, "") if override else ""
            role = "kept" if member["kept"] else "dropped"
            cells = (mark, role, f"{float(member['similarity']):.3f}", str(member["id"]))
            self.add_row(*cells, one_line(member.get("prompt")), key=str(index))
        self.move_cursor(row=min(row, self.row_count - 1))
