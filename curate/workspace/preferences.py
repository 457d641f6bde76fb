"""The ``preferences`` table: a workspace's remembered choices (the TUI's pipeline, ...).

One row per key; writing a key replaces its value. Values are plain strings: a choice that no
longer makes sense (a deleted file) is the reader's to ignore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB

TUI_PIPELINE = "tui.pipeline"  # the pipeline file the TUI's Run screen runs


class PreferenceStore:
    """Reads and writes remembered choices, one value per key."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def get(self, key: str) -> str | None:
        """The value stored for ``key``, or None."""
        row = self.db.connection.execute(
            "SELECT value FROM preferences WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        """Remember ``value`` for ``key``, replacing what was there."""
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO preferences (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, now()),
            )
