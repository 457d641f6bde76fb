"""Read-side views of a workspace's runs, for the TUI and for notebooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.record import EXAMPLE_SCHEMA, conversation_expr
from curate.runs.layout import RunLayout
from curate.runs.manifest import Manifest, StageEntry
from curate.workspace import WorkspaceDB

EMPTY_EXAMPLES_SCHEMA: dict[str, pl.DataType] = {
    **EXAMPLE_SCHEMA,
    **{c: pl.String() for c in ("status", "split", "stage", "reason", "detail", "related_id")},
    "prompt": pl.String(),
    "answer": pl.String(),
    "chars": pl.UInt32(),
}


@dataclass
class RunSummary:
    """A run as the Home screen lists it."""

    run_id: str
    run_dir: Path
    pipeline: str
    status: str
    message: str = ""
    updated_at: str = ""
    stages: list[StageEntry] = field(default_factory=list)
    manifest: Manifest | None = None

    def ran(self, stage: str) -> bool:
        """Whether the run went through a stage of this name."""
        return any(entry.name == stage for entry in self.stages)


def list_runs(workspace: Path) -> list[RunSummary]:
    """Runs from the workspace's index, plus run folders it does not know, newest first."""
    summaries: list[RunSummary] = []
    seen: set[Path] = set()
    if (workspace / "workspace.db").is_file():
        with WorkspaceDB(workspace) as store:
            indexed = store.runs()
        for run in indexed:
            run_dir = Path(run["run_dir"])
            seen.add(run_dir.resolve())
            summaries.append(
                RunSummary(
                    run["run_id"],
                    run_dir,
                    run["pipeline"],
                    run["status"],
                    run["message"],
                    run["updated_at"],
                    RunLayout(run_dir).stage_entries(),
                    RunLayout(run_dir).manifest(),
                )
            )
    runs_root = workspace / "runs"
    folders = sorted(p for p in runs_root.iterdir() if p.is_dir()) if runs_root.is_dir() else []
    for folder in folders:
        layout = RunLayout(folder)
        if folder.resolve() in seen or not layout.stages_dir.is_dir():
            continue
        manifest = layout.manifest()
        summaries.append(
            RunSummary(
                folder.name,
                folder,
                manifest.pipeline.name if manifest else "?",
                "complete" if manifest else "unfinished",
                "",
                manifest.created_at if manifest else "",
                layout.stage_entries(),
                manifest,
            )
        )
    return summaries


def load_examples(run_dir: Path) -> pl.DataFrame:
    """Every example of a run, kept and rejected, with the columns Browse shows.

    Columns: row, id, status (kept/rejected), split, stage, reason, detail, related_id,
    source, prompt (first user turn), answer (last assistant turn), chars, and the
    canonical messages/chosen/rejected/meta for the detail pane.
    """
    folders = RunLayout(run_dir).finished_stages()
    if not folders:
        return pl.DataFrame(schema=EMPTY_EXAMPLES_SCHEMA)
    kept = pl.read_parquet(folders[-1].kept).with_columns(
        status=pl.lit("kept"),
        stage=pl.lit(None, pl.String),
        reason=pl.lit(None, pl.String),
        detail=pl.lit(None, pl.String),
        related_id=pl.lit(None, pl.String),
    )
    if "split" not in kept.columns:
        kept = kept.with_columns(split=pl.lit(None, pl.String))
    parts = [kept] + [
        pl.read_parquet(f.rejected).with_columns(status=pl.lit("rejected")) for f in folders
    ]
    frame = pl.concat(parts, how="diagonal_relaxed").sort("row")
    conv = conversation_expr()
    role = pl.element().struct.field("role")
    first_of = lambda r: conv.list.eval(pl.element().filter(role == r))  # noqa: E731
    return frame.with_columns(
        prompt=first_of("user").list.first().struct.field("content").fill_null(""),
        answer=first_of("assistant").list.last().struct.field("content").fill_null(""),
        chars=conv.list.eval(pl.element().struct.field("content").str.len_chars())
        .list.sum()
        .fill_null(0),
    )


def filter_examples(
    frame: pl.DataFrame,
    *,
    status: str | None = None,
    stage: str | None = None,
    reason: str | None = None,
    split: str | None = None,
    text: str | None = None,
) -> pl.DataFrame:
    """Rows matching every given filter; ``text`` searches every turn (not only the first
    prompt and the last answer) and the id, any case."""
    conditions = []
    for column, value in (
        ("status", status),
        ("stage", stage),
        ("reason", reason),
        ("split", split),
    ):
        if value:
            conditions.append(pl.col(column) == value)
    if text:
        needle = text.lower()
        content = pl.element().struct.field("content").fill_null("").str.to_lowercase()
        in_turns = conversation_expr().list.eval(content.str.contains(needle, literal=True))
        conditions.append(in_turns.list.any() | pl.col("id").str.starts_with(needle))
    return frame.filter(*conditions) if conditions else frame


def length_histogram(frame: pl.DataFrame, *, bins: int = 10) -> list[tuple[int, int, int]]:
    """``(low, high, count)`` of example lengths in characters, over kept rows."""
    chars = frame.filter(pl.col("status") == "kept")["chars"]
    if chars.len() == 0:
        return []
    low, high = int(chars.min()), int(chars.max()) + 1  # type: ignore[arg-type]
    width = max(1, -(-(high - low) // bins))
    edges = [low + i * width for i in range(bins + 1)]
    counts = [0] * bins
    for value, n in chars.value_counts().iter_rows():
        counts[min((int(value) - low) // width, bins - 1)] += n
    return [(edges[i], edges[i + 1], counts[i]) for i in range(bins)]
