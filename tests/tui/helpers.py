"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from curate.decisions import DecisionStore, Override


async def settle(pilot: Pilot[Any]) -> None:
    """Let pending messages, workers and repaints finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def rest(pilot: Pilot[Any]) -> None:
    """Wait past Browse's detail-pane debounce, as a user resting on a row would."""
    await pilot.pause(0.1)


def db_rows(workspace: Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of workspace.db as another process would see them right now."""
    with closing(sqlite3.connect(workspace / "workspace.db")) as db:
        return db.execute(query, args).fetchall()


def overrides_of(workspace: Path) -> dict[str, Override]:
    """The standing overrides, read through a fresh store."""
    with DecisionStore(workspace) as store:
        return store.overrides()
