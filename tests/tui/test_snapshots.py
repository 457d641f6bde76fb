"""SVG snapshots of Home, Browse and Audit at 100x30 on the small demo workspace, and of
every screen a reviewer uses at 80x24, the smallest terminal the TUI must stay usable in.

Run ids carry a fingerprint of curate's version and timestamps change every run, so the
Home screen's run list is given a fixed id and time; everything else on screen is content.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from tests.tui.helpers import fix_run_listing, rest, settle

SIZE = (100, 30)
SnapCompare = Callable[..., bool]


@pytest.fixture
def snapshot_workspace(finished_run: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo workspace, with its run shown as ``demo-run`` updated at a fixed time."""

    fix_run_listing(monkeypatch, "demo-run")
    return finished_run.run_dir.parent.parent


SMALL = (80, 24)
SIZES = pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])


@SIZES
def test_home_screen(
    snap_compare: SnapCompare, snapshot_workspace: Path, size: tuple[int, int]
) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(CurateApp(snapshot_workspace), terminal_size=size, run_before=ready)


@SIZES
def test_browse_screen(
    snap_compare: SnapCompare, snapshot_workspace: Path, size: tuple[int, int]
) -> None:
    async def browse_a_rejected_row(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*["down"] * 7)
        await rest(pilot)

    app = CurateApp(snapshot_workspace)
    assert snap_compare(app, terminal_size=size, run_before=browse_a_rejected_row)


@SIZES
def test_audit_screen(
    snap_compare: SnapCompare, snapshot_workspace: Path, size: tuple[int, int]
) -> None:
    async def audit_three(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("p", "p", "s")
        pilot.app.clear_notifications()  # the "drew a new audit" toast would time out mid-test
        await pilot.pause()

    app = CurateApp(snapshot_workspace)
    assert snap_compare(app, terminal_size=size, run_before=audit_three)


def test_run_screen_at_80x24(snap_compare: SnapCompare, snapshot_workspace: Path) -> None:
    async def open_run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    app = CurateApp(snapshot_workspace)
    assert snap_compare(app, terminal_size=SMALL, run_before=open_run)
