"""Duplicates: a run's near-duplicate clusters, each member beside the one that was kept."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Literal

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from curate.errors import CurateError
from curate.runs.duplicate_clusters import (
    Cluster,
    cluster_members,
    group_clusters,
    with_example_rows,
)
from curate.runs.views import RunSummary
from curate_tui.key_map import key
from curate_tui.overrides_flow import OverrideScreen
from curate_tui.session import Session
from curate_tui.widgets.cluster_member import ClusterMember
from curate_tui.widgets.cluster_tables import ClusterTable, MemberTable
from curate_tui.widgets.error_panel import ErrorPanel

DEDUP_STAGE = "semantic_dedup"
Decision = Literal["keep", "distinct", "clear"]


def has_semantic_dedup(run: RunSummary) -> bool:
    """Whether the run went through a semantic_dedup stage."""
    return run.ran(DEDUP_STAGE)


class DuplicatesScreen(OverrideScreen):
    """Clusters by size beside the chosen cluster's members; k/x/c decide on a member."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("keep", "decide('keep')", "Keep member"),
        key("not_a_finding", "decide('distinct')", "Not a duplicate"),
        key("clear", "decide('clear')", "Clear decision"),
        key("keep_all", "decide_cluster('keep')", "Keep cluster", show=False),
        key("not_a_finding_anywhere", "decide_cluster('distinct')", "Split cluster", show=False),
        key("undo", "undo", "Undo"),
        key("back", "app.pop_screen", "Back"),
    ]
    PROMPTS: ClassVar[dict[str, str]] = {
        "keep": "Keep {id} as well: why?",
        "distinct": "Split {id} out of its cluster: why?",
    }
    DONE: ClassVar[dict[str, str]] = {
        "keep": "Keeping {id} as well",
        "distinct": "Split {id} out of its cluster",
        "clear": "Cleared the decision on {id}",
    }

    def __init__(self, session: Session, run: RunSummary) -> None:
        super().__init__(session)
        self.run = run
        self.clusters: list[Cluster] = []
        self.cluster: Cluster | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorPanel(id="dup-error")
        yield Static("loading clusters…", id="dup-count", markup=False)
        with Horizontal(id="dup-lists"):
            yield ClusterTable(id="dup-clusters")
            yield MemberTable(id="dup-members")
        with Horizontal(id="dup-compare"):
            yield ClusterMember(id="dup-kept")
            yield ClusterMember(id="dup-other")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"duplicates {self.run.run_id}"
        self.query_one("#dup-clusters").border_title = "Clusters, largest first"
        self.query_one("#dup-members").border_title = "Members"
        self._load()

    @work(exclusive=True, group="duplicates-load")
    async def _load(self) -> None:
        try:
            members = await asyncio.to_thread(self._read_members)
        except CurateError as exc:
            self.query_one(ErrorPanel).message = str(exc)
            members = pl.DataFrame()
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.query_one(ErrorPanel).message = f"Could not read {self.run.run_dir}: {exc}"
            members = pl.DataFrame()
        self._show_clusters(group_clusters(members) if members.height else [])

    def _read_members(self) -> pl.DataFrame:
        members = cluster_members(self.run.run_dir)
        names = [stage.name for stage in self.run.stages]
        earlier = names[: names.index(DEDUP_STAGE)] if DEDUP_STAGE in names else []
        examples = self.session.examples.examples(self.run.run_dir)
        return with_example_rows(members, examples, earlier)

    def _show_clusters(self, clusters: list[Cluster]) -> None:
        self.clusters = clusters
        self.reload_overrides()
        dropped = sum(c.size - 1 for c in clusters)
        self.query_one("#dup-count", Static).update(
            f"{len(clusters)} clusters · {dropped} near-duplicates dropped"
            if clusters
            else "No near-duplicate clusters in this run."
        )
        table = self.query_one(ClusterTable)
        table.show_clusters(clusters)
        table.focus()
        self._choose(clusters[0] if clusters else None)

    @on(DataTable.RowHighlighted, "#dup-clusters")
    def _cluster_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.clusters):
            chosen = self.clusters[event.cursor_row]
            if chosen is not self.cluster:
                self._choose(chosen)

    @on(DataTable.RowSelected, "#dup-clusters")
    def _cluster_chosen(self, event: DataTable.RowSelected) -> None:
        self.query_one(MemberTable).focus()

    @on(DataTable.RowHighlighted, "#dup-members")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_member()

    def _choose(self, cluster: Cluster | None) -> None:
        """Show ``cluster``'s members, the cursor on its first dropped member."""
        self.cluster = cluster
        members = self.query_one(MemberTable)
        members.show_members(cluster, self.overrides)
        members.move_cursor(row=1)
        kept = self.query_one("#dup-kept", ClusterMember)
        if cluster is None:
            kept.shown = None
            kept.border_title = ""
        else:
            first = cluster.members[0]
            kept.shown = (first, self.overrides.get(str(first["id"])))
            kept.border_title = f"kept · {first['id']}"
        self._show_member()
        self.refresh_bindings()

    @property
    def member(self) -> dict[str, Any] | None:
        """The member under the member list's cursor, or None."""
        if self.cluster is None:
            return None
        row = self.query_one(MemberTable).cursor_row
        return self.cluster.members[row] if 0 <= row < self.cluster.size else None

    def _show_member(self) -> None:
        other = self.query_one("#dup-other", ClusterMember)
        member = self.member
        if member is None:
            other.shown = None
            other.border_title = ""
            return
        other.shown = (member, self.overrides.get(str(member["id"])))
        role = "kept" if member["kept"] else "dropped"
        other.border_title = f"{role} · cosine {float(member['similarity']):.3f} · {member['id']}"
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide_cluster":
            return True if self.cluster is not None else None
        if action != "decide":
            return True
        member = self.member
        if member is None:
            return None
        # Keeping the member that is kept anyway would change nothing.
        if parameters and parameters[0] == "keep" and member["kept"]:
            return None
        return True

    def action_decide(self, decision: Decision) -> None:
        member = self.member
        if member is not None:
            self.decide_override(str(member["id"]), decision)

    def action_decide_cluster(self, decision: Literal["keep", "distinct"]) -> None:
        """A standing decision on every member of the cluster, the kept one too (so a rerun
        that picks another representative keeps them all): one question, one undo."""
        cluster = self.cluster
        if cluster is not None:
            ids = [str(member["id"]) for member in cluster.members]
            self.decide_many(ids, decision, f"members of cluster {cluster.cluster_id}")

    def show_overrides(self) -> None:
        self.query_one(MemberTable).show_members(self.cluster, self.overrides)
        cluster = self.cluster
        if cluster is not None:
            first = cluster.members[0]
            kept = self.query_one("#dup-kept", ClusterMember)
            kept.shown = (first, self.overrides.get(str(first["id"])))
        self._show_member()
