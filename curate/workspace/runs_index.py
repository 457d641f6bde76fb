"""The ``runs`` table: every run the workspace knows, with its latest status."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB


class RunIndex:
    """Reads and writes the runs index, one row per run id."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def record(
        self, run_id: str, run_dir: Path, pipeline: str, status: str, message: str = ""
    ) -> None:
        """Insert or update a run's row in the index."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO runs (run_id, run_dir, pipeline, status, message, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET "
                "run_dir = excluded.run_dir, status = excluded.status, "
                "message = excluded.message, updated_at = excluded.updated_at",
                (run_id, str(run_dir), pipeline, status, message, now()),
            )

    def all(self) -> list[dict[str, str]]:
        """Every run the workspace knows, newest first."""
        cursor = self.db.connection.execute(
            "SELECT run_id, run_dir, pipeline, status, message, updated_at FROM runs "
            "ORDER BY updated_at DESC, run_id"
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
