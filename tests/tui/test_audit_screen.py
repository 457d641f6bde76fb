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
from curate_tui.widgets.stage_table import StageTable
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

        await pilot.press("left", "n", "ctrl+u", *"rude", "enter")
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
        await pilot.press("r", "r")
        await settle(pilot)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.message.startswith("The audit gate stopped the run (exit code 4)")
        assert "no spot-audit yet" in panel.message
        stages = app.screen.query_one(StageTable)
        states = {stages.get_row_at(i)[0]: stages.get_row_at(i)[1] for i in range(stages.row_count)}
        gate = next(name for name in states if name.endswith("audit_gate"))
        assert states[gate] == "stopped"  # not left "running" after the gate stopped the run

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#runs", DataTable).get_row_at(0)[2] == "stopped"
        screen = await open_audit(pilot)
        await pilot.press(*["p"] * 50)
        await pilot.pause()
        assert screen.query_one(AuditGate).display

        await pilot.press("escape", "r", "r")
        await settle(pilot)
        assert "complete: 203 rows in" in app.screen.outcome_text


async def test_a_re_audit_carries_verdicts_on_unchanged_examples_and_costs_only_new_ones(
    fresh_workspace: Path,
) -> None:
    import contextlib

    from curate.audit import create_audit, record_verdict
    from curate.stages.audit_gate import AuditGateError
    from tests.tui.workspaces import run_workspace

    write_pipeline(fresh_workspace, audit_gate=True)
    with pytest.raises(AuditGateError):
        run_workspace(fresh_workspace)  # no audit yet
    first_run = sorted((fresh_workspace / "runs").iterdir())[0]
    with WorkspaceDB(fresh_workspace) as db:
        first = create_audit(db, first_run, pipeline="demo", size=50, seed=0)
        failed = [item.example_id for item in first.items[:3]]
        for item in first.items:
            verdict = "fail" if item.example_id in failed else "pass"
            record_verdict(db, first.audit_id, item.example_id, verdict, note="checked")
    with contextlib.suppress(AuditGateError):
        run_workspace(fresh_workspace)  # the 3 fails are dropped: a new run, a new sample

    app = CurateApp(fresh_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        status = screen.status
        assert status is not None and status.audit_id != first.audit_id
        carried = [item for item in status.items if item.carried_from]
        assert len(carried) == 47 and {item.verdict for item in carried} == {"pass"}
        assert {item.carried_from for item in carried} == {first.audit_id}
        assert not set(failed) & {item.example_id for item in status.items}
        assert status.reviewed == 47  # only the 3 new examples are left
        assert screen.current is not None and screen.current.verdict is None
        rate = str(screen.query_one("#audit-rate", Static).render())
        assert "47 carried" in rate

        await pilot.press("p", "p", "p")
        await pilot.pause()
        assert screen.status is not None and screen.status.complete

        # a carried verdict is shown as carried, and a key overrides it
        screen.position = next(i for i, item in enumerate(screen.status.items) if item.carried_from)
        screen.action_move(0)
        await pilot.pause()
        assert "(carried from audit" in str(screen.query_one("#audit-item", Static).render())
        overridden = screen.current
        assert overridden is not None
        await pilot.press("f")
        await pilot.pause()
        after = {item.example_id: item for item in screen.status.items}[overridden.example_id]
        assert after.verdict == "fail" and after.carried_from is None
        assert screen.status.carried == 46


async def test_ctrl_z_takes_back_the_last_verdict_and_the_drop_a_fail_made(
    finished_run: RunOutcome,
) -> None:
    workspace = finished_run.run_dir.parent.parent
    app = CurateApp(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_audit(pilot)
        assert screen.status is not None
        second = screen.status.items[1].example_id
        await pilot.press("p", "f")
        await pilot.pause()
        assert overrides_of(workspace)[second].action == "drop"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [i.verdict for i in screen.status.items[:2]] == ["pass", None]
        assert overrides_of(workspace) == {}  # the fail's force-drop went with it
        assert screen.position == 1  # back on the example whose verdict was undone

        await pilot.press("left", "f", "p")  # a changed verdict: undo brings back the first
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.status.items[1].verdict is None
        await pilot.press("ctrl+z")  # the f on the first, over its earlier pass
        await pilot.pause()
        assert screen.status.items[0].verdict == "pass" and screen.position == 0
        assert overrides_of(workspace) == {}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.status.items[0].verdict is None
        await pilot.press("ctrl+z")  # nothing left: says so, changes nothing
        await pilot.pause()
        assert app.screen is screen
    assert db_rows(workspace, "SELECT example_id FROM audit_verdicts") == []
