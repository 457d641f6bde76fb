"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from curate.runs.views import RunSummary, list_runs
from curate.workspace import Override, WorkspaceDB
from curate_tui.screens import home_screen
from curate_tui.screens.text_prompt_screen import TextPromptScreen

ScreenT = TypeVar("ScreenT", bound=Screen[Any])


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
    with WorkspaceDB(workspace) as store:
        return store.overrides()


async def open_screen(pilot: Pilot[Any], key: str, kind: type[ScreenT]) -> ScreenT:
    """Press ``key`` on a settled Home and return the screen it opened."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def answer_prompt(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the open text prompt and submit it."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, TextPromptScreen)
    await pilot.press(*text, "enter")
    await pilot.pause()


def fix_run_listing(monkeypatch: pytest.MonkeyPatch, run_id: str) -> None:
    """Show Home's runs with a fixed id and time, so snapshots do not change run to run."""

    def fixed_runs(workspace: Path) -> list[RunSummary]:
        return [
            dataclasses.replace(run, run_id=run_id, updated_at="2025-01-01T12:00:00+00:00")
            for run in list_runs(workspace)
        ]

    monkeypatch.setattr(home_screen, "list_runs", fixed_runs)
