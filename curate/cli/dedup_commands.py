"""``curate dedup explain``: clusters of near-duplicates, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.columns import Columns
from rich.panel import Panel
from rich.table import Table

from curate.cli.common import out, user_errors
from curate.errors import CurateError
from curate.runs.duplicate_clusters import cluster_members, protected_pairs

dedup_app = typer.Typer(help="Near-duplicate clusters of a run.", no_args_is_help=True)


@dedup_app.command("explain")
@user_errors
def explain(
    run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")],
    cluster: Annotated[str | None, typer.Option(help="Show one cluster's members in full.")] = None,
    top: Annotated[int, typer.Option(help="How many clusters to list.")] = 20,
) -> None:
    """List clusters by size, or show one cluster's members side by side."""
    members = cluster_members(run_dir)
    if cluster is None:
        _list_clusters(members, top)
        _say_protected(run_dir)
        return
    chosen = members.filter(pl.col("cluster_id") == cluster)
    if chosen.height == 0:
        raise CurateError(
            f"no cluster {cluster} in this run",
            file=run_dir,
            hint="list them with `curate dedup explain RUN_DIR`",
        )
    panels = []
    for row in chosen.iter_rows(named=True):
        turns = "\n\n".join(f"[bold]{t['role']}[/bold]: {t['content']}" for t in row["messages"])
        title = ("kept " if row["kept"] else "dropped ") + f"{row['id']} · {row['similarity']:.3f}"
        panels.append(Panel(turns, title=title, subtitle=row["source"], width=60))
    out.print(Columns(panels))


def _list_clusters(members: pl.DataFrame, top: int) -> None:
    sizes = members.group_by("cluster_id", maintain_order=True).agg(
        pl.len().alias("size"),
        pl.col("prompt").first().alias("kept prompt"),
        pl.col("similarity").filter(~pl.col("kept")).min().alias("lowest"),
    )
    out.print(f"{sizes.height} clusters, {members.height} members")
    table = Table("cluster", "size", "lowest cosine", "kept example's question")
    for cluster_id, size, prompt, lowest in sizes.head(top).iter_rows():
        table.add_row(cluster_id, str(size), f"{lowest:.3f}", (prompt or "")[:70])
    out.print(table)


def _say_protected(run_dir: Path) -> None:
    count, shown = protected_pairs(run_dir)
    if count:
        out.print(
            f"{count} pairs at or above the threshold were not linked: their numbers or names "
            "differ (semantic_dedup protect). For example:",
            markup=False,
            soft_wrap=True,
        )
        for line in shown:
            out.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
