"""Label review lists a run's suspect labels most confidently wrong first, with evidence, and
records keep / drop / relabel in one key each; the next run applies them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline
from curate.workspace import WorkspaceDB
from curate.workspace.label_decisions import LabelDecisionStore
from curate_tui.app import CurateApp
from curate_tui.screens.label_review_screen import LabelReviewScreen
from tests.conftest import write_jsonl
from tests.label_rows import answer, planted_rows
from tests.tui.helpers import fix_run_listing, open_screen, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PIPELINE = """\
name: labels
inputs: [tickets.jsonl]
stages:
  - validate
  - label_issues: {fields: [answer.team]}
"""


@pytest.fixture(scope="module")
def labelled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with one finished run whose label_issues stage doubts a few teams."""
    root = tmp_path_factory.mktemp("labelled")
    rows, _ = planted_rows(150, 25)
    write_jsonl(root / "tickets.jsonl", rows)
    (root / "pipeline.yaml").write_text(PIPELINE)
    run_pipeline(root / "pipeline.yaml")
    return root


@pytest.fixture
def labelled_workspace(labelled_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template (run and embedding cache included) for one test."""
    return Path(shutil.copytree(labelled_template, tmp_path / "ws"))


def cells(screen: LabelReviewScreen, column: int) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


@pytest.mark.anyio
async def test_suspects_are_listed_most_confidently_wrong_first_with_evidence(
    labelled_workspace: Path,
) -> None:
    app = CurateApp(labelled_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "l", LabelReviewScreen)
        assert len(screen.suspects) >= 3 and screen.query_one(DataTable).row_count == len(
            screen.suspects
        )
        given_p = [s.given_probability for s in screen.suspects]
        assert given_p == sorted(given_p)  # the least trusted label first
        assert set(cells(screen, 0)) == {"answer.team"}
        first = screen.suspects[0]
        assert cells(screen, 1)[0] == first.given == answer(first.row)["team"]
        assert cells(screen, 2)[0] == first.suggested != first.given
        evidence = str(screen.query_one("#labels-evidence-text", Static).content)
        assert f"suggested '{first.suggested}'" in evidence
        assert f"Nearest examples labelled '{first.suggested}'" in evidence
        assert first.neighbours[0].prompt in evidence  # the neighbour's ticket, to compare
        ticket = str(screen.query_one("#labels-ticket-text", Static).content)
        assert first.prompt in ticket


@pytest.mark.anyio
async def test_one_key_decisions_are_stored_and_applied_on_the_next_run(
    labelled_workspace: Path,
) -> None:
    app = CurateApp(labelled_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "l", LabelReviewScreen)
        dropped, relabelled, kept = screen.suspects[:3]
        await pilot.press("d")
        await pilot.press("down", "e")
        await pilot.press("down", "k")
        await settle(pilot)
        assert cells(screen, 4)[:3] == ["drop", "relabel", "keep"]
        assert screen.check_action("decide", ("keep",)) is None  # already kept
        await pilot.press("c")  # a decision can be withdrawn, and made again
        await pilot.press("k")
        await settle(pilot)
    with WorkspaceDB(labelled_workspace) as db:
        standing = LabelDecisionStore(db).standing()
    assert {k[0]: (d.action, d.label) for k, d in standing.items()} == {
        dropped.example_id: ("drop", None),
        relabelled.example_id: ("relabel", relabelled.suggested),
        kept.example_id: ("keep", None),
    }
    outcome = run_pipeline(labelled_workspace / "pipeline.yaml")
    stage = RunLayout(outcome.run_dir).require_stage("label_issues")
    rejected = pl.read_parquet(stage.rejected)
    assert rejected.select("id", "reason").rows() == [(dropped.example_id, "label.dropped")]
    after = pl.read_parquet(stage.kept).filter(pl.col("id") == relabelled.example_id)
    assert answer(after.row(0, named=True))["team"] == relabelled.suggested


@pytest.mark.anyio
async def test_ctrl_z_puts_back_the_decision_the_last_one_replaced(
    labelled_workspace: Path,
) -> None:
    def standing() -> dict[str, str]:
        with WorkspaceDB(labelled_workspace) as db:
            return {k[0]: d.action for k, d in LabelDecisionStore(db).standing().items()}

    app = CurateApp(labelled_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "l", LabelReviewScreen)
        suspect = screen.suspects[0]
        await pilot.press("k", "d")
        await settle(pilot)
        assert standing() == {suspect.example_id: "drop"}
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert standing() == {suspect.example_id: "keep"}
        assert cells(screen, 4)[0] == "keep"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert standing() == {} and cells(screen, 4)[0] != "keep"
        await pilot.press("ctrl+z")  # nothing left to undo
        await settle(pilot)
        assert standing() == {}


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_label_review_snapshot(
    snap_compare: Callable[..., bool],
    labelled_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    fix_run_listing(monkeypatch, "labels-run")

    async def decide_the_first(pilot: Pilot[None]) -> None:
        await open_screen(pilot, "l", LabelReviewScreen)
        await pilot.press("k")
        await settle(pilot)
        pilot.app.clear_notifications()  # the toast would time out mid-test
        await pilot.pause()

    assert snap_compare(
        CurateApp(labelled_workspace), terminal_size=size, run_before=decide_the_first
    )
