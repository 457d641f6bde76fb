"""Audits by key press: each verdict is committed at once, fails force-drop, reopening resumes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from curate.audit import latest_audit
from curate.runs.runner import RunOutcome
from curate.workspace import WorkspaceDB
from curate_tui.app import CurateApp
from curate_tui.screens.audit_screen import AuditScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.widgets.audit_gate import AuditGate
from curate_tui.widgets.error_panel import ErrorPanel
from tests.tui.helpers import db_rows, overrides_of, settle
from tests.tui.workspaces import write_pipeline

pytestmark = pytest.mark.anyio


async def open_audit(pilot: Pilot[None]) -> AuditScreen:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AuditScreen) and screen.status is not None
    return screen


def verdict_counts(workspace: Path) -> dict[str, int]:
    rows = db_rows(workspace, "SELECT verdict, COUNT(*) FROM audit_verdicts GROUP BY verdict")
    return dict(rows)


async def test_48_passes_and_2_fails_pass_the_gate(finished_run: RunOutcome) -> None:
    workspace = finished_run.run_dir.parent.parent
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        assert screen.status is not None and len(screen.status.items) == 50
        failed = [screen.status.items[i].example_id for i in (10, 30)]
        await pilot.press(*["p"] * 10, "f", *["p"] * 19, "f", *["p"] * 19)
        await pilot.pause()

        assert verdict_counts(workspace) == {"pass": 48, "fail": 2}
        drops = db_rows(
            workspace, "SELECT example_id, action, annotator FROM overrides ORDER BY seq"
        )
        assert drops == [(failed[0], "drop", "tester"), (failed[1], "drop", "tester")]

        gate = screen.query_one(AuditGate)
        assert gate.display
        text = str(gate.render())
        assert text.startswith("Gate PASS: pass rate 96.0% ≥ 95% (48 pass, 2 fail)")
        assert failed[0] in text and failed[1] in text
        with WorkspaceDB(workspace) as store:
            status = latest_audit(store, run_id=finished_run.run_dir.name)
        assert status is not None and status.outcome == "pass"


async def test_verdicts_survive_quitting_and_the_audit_resumes(finished_run: RunOutcome) -> None:
    workspace = finished_run.run_dir.parent.parent
    first = CurateApp(workspace)
    async with first.run_test(size=(100, 30)) as pilot:
        await open_audit(pilot)
        await pilot.press(*["p"] * 20)
        await pilot.pause()
        # committed while the app still runs, as a killed app would have left them
        assert verdict_counts(workspace) == {"pass": 20}

    second = CurateApp(workspace)
    async with second.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        assert screen.status is not None and screen.status.reviewed == 20
        assert screen.position == 20
        line = str(screen.query_one("#audit-item", Static).render())
        assert line.startswith("Example 21 of 50")
    assert len(db_rows(workspace, "SELECT audit_id FROM audits")) == 1


async def test_a_note_goes_with_the_next_verdict_and_can_be_edited(
    finished_run: RunOutcome,
) -> None:
    workspace = finished_run.run_dir.parent.parent
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        await pilot.press(*"rude tone", "enter", "f")
        await pilot.pause()
        assert db_rows(workspace, "SELECT verdict, note FROM audit_verdicts") == [
            ("fail", "rude tone")
        ]
        (reason,) = db_rows(workspace, "SELECT reason FROM overrides")[0]
        assert reason.endswith("failed: rude tone")

        await pilot.press("b", "n", "ctrl+u", *"rude", "enter")
        await pilot.pause()
        assert screen.position == 0
        latest = db_rows(workspace, "SELECT verdict, note FROM audit_verdicts ORDER BY seq")
        assert latest[-1] == ("fail", "rude")


async def test_changing_a_fail_to_a_pass_withdraws_the_drop(finished_run: RunOutcome) -> None:
    workspace = finished_run.run_dir.parent.parent
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        await pilot.press("f", "left", "p", "s")
        await pilot.pause()
        assert screen.status is not None
        assert [i.verdict for i in screen.status.items[:3]] == ["pass", "skip", None]
        assert overrides_of(workspace) == {}
        assert screen.position == 2


async def test_an_audit_done_in_the_tui_opens_the_gate_of_the_next_run(
    fresh_workspace: Path,
) -> None:
    write_pipeline(fresh_workspace, audit_gate=True)
    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", "s")
        await settle(pilot)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.message.startswith("The audit gate stopped the run (exit code 4)")
        assert "no spot-audit yet" in panel.message

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#runs", DataTable).get_row_at(0)[2] == "stopped"
        screen = await open_audit(pilot)
        await pilot.press(*["p"] * 50)
        await pilot.pause()
        assert screen.query_one(AuditGate).display

        await pilot.press("escape", "r", "s")
        await settle(pilot)
        assert "complete: 203 rows in" in app.screen.outcome_text
