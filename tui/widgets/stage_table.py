"""Per-stage counts: filled from a finished run, or live as the runner reports."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable

from curate.runs.manifest import StageEntry

COLUMNS = ("stage", "state", "in", "kept", "rejected", "reasons")


def _reasons(entry: StageEntry) -> str:
    return ", ".join(f"{reason} {count:,}" for reason, count in entry.reasons.items())


class StageTable(DataTable[str]):
    """One row per stage, keyed by its index."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="none", zebra_stripes=True)
        for name in COLUMNS:
            self.add_column(name, key=name)

    def show_entries(self, entries: Iterable[StageEntry]) -> None:
        """Replace the rows with these finished stages."""
        self.clear()
        for entry in entries:
            self.stage_finished(entry)

    def stage_started(self, index: int, name: str) -> None:
        """Add (or reset) a stage's row as running."""
        self._put(index, [f"{index:02d} {name}", "running", "…", "…", "…", ""])

    def stage_finished(self, entry: StageEntry) -> None:
        """Fill a stage's row with its counts; a stage that skipped its work (a judge with
        no API key) reads "skipped" and why, never "done"."""
        skipped = entry.metrics.get("skipped")
        state = "skipped" if skipped else "reused" if entry.cached else "done"
        cells = [f"{entry.index:02d} {entry.name}", state, f"{entry.input:,}", f"{entry.kept:,}"]
        why = _reasons(entry) or (f"skipped: {skipped}" if skipped else "")
        self._put(entry.index, [*cells, f"{entry.rejected:,}", why])

    def stop_running(self, state: str = "stopped") -> None:
        """Mark every row still running as ``state``: the run ended before they finished."""
        for key in self.rows:
            if self.get_cell(key, "state") == "running":
                self.update_cell(key, "state", state, update_width=True)

    def _put(self, index: int, cells: list[str]) -> None:
        key = str(index)
        if key in self.rows:
            for column, value in zip(COLUMNS, cells, strict=True):
                self.update_cell(key, column, value, update_width=True)
        else:
            self.add_row(*cells, key=key)
