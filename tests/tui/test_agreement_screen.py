"""Agreement shows the library's figures for the stored annotations and stores adjudications."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from curate.agreement import agreement_report, record_annotations, store_ratings
from curate.agreement.sources import RATINGS_SCHEMA
from curate.audit import create_audit, record_verdict
from curate.runs.runner import RunOutcome
from curate.workspace import WorkspaceDB
from curate_tui.app import CurateApp
from curate_tui.screens.agreement_screen import AgreementScreen
from curate_tui.widgets.example_detail import ExampleDetail
from tests.tui.helpers import db_rows, open_screen, settle

pytestmark = pytest.mark.anyio

# Three annotators over six items: cat disagrees on i1, i3 and i5; bob on i3.
THREE_ANNOTATORS = {
    "ann": ["GOOD", "GOOD", "BAD", "GOOD", "BAD", "GOOD"],
    "bob": ["GOOD", "GOOD", "BAD", "BAD", "BAD", "GOOD"],
    "cat": ["GOOD", "BAD", "BAD", "GOOD", "BAD", "BAD"],
}


def store_labels(workspace: Path, labels: dict[str, list[str]], ids: list[str]) -> None:
    """Record each annotator's labels for ``ids`` as imported annotations."""
    rows = [
        (item, who, label, None)
        for who, given in labels.items()
        for item, label in zip(ids, given, strict=True)
    ]
    with WorkspaceDB(workspace) as store:
        frame = pl.DataFrame(rows, schema=RATINGS_SCHEMA, orient="row")
        record_annotations(store, frame, source="test")


def cells(table: DataTable[object]) -> dict[str, list[str]]:
    """Each row's cells as text, keyed by its first cell."""
    rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
    return {row[0]: row[1:] for row in rows}


async def open_agreement(pilot: Pilot[None]) -> AgreementScreen:
    screen = await open_screen(pilot, "g", AgreementScreen)
    assert screen.data is not None
    return screen


async def test_figures_match_the_library_for_three_annotators(tmp_path: Path) -> None:
    ids = [f"i{n}" for n in range(6)]
    store_labels(tmp_path, THREE_ANNOTATORS, ids)
    with WorkspaceDB(tmp_path) as store:
        report = agreement_report(store_ratings(store))
    async with CurateApp(tmp_path).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        overall = cells(screen.query_one("#agree-overall", DataTable))
        assert overall["percent agreement"][:3] == [f"{report.percent.value:.3f}", "—", "6"]
        fleiss = report.fleiss.value
        assert fleiss is not None and overall["Fleiss' kappa"][0] == f"{fleiss:.3f}"
        alpha = report.alpha["nominal"].value
        assert alpha is not None
        assert overall["Krippendorff's alpha (nominal)"][0] == f"{alpha:.3f}"
        assert overall["Krippendorff's alpha (nominal)"][1] == "unreliable"
        for label in ("GOOD", "BAD"):
            figure = report.per_label[label].value
            assert figure is not None and overall[f"kappa {label} vs rest"][0] == f"{figure:.3f}"

        pairs = cells(screen.query_one("#agree-pairs", DataTable))
        for pair in report.pairs:
            kappa = pair.kappa.value
            assert kappa is not None
            column = report.annotators.index(pair.second)
            assert pairs[pair.first][column] == pairs[pair.second][
                report.annotators.index(pair.first)
            ] == f"{kappa:.3f}"  # fmt: skip
        assert pairs["ann"][0] == "—"

        people = cells(screen.query_one("#agree-annotators", DataTable))
        for name, figure in report.with_majority.items():
            assert figure.value is not None and people[name][0] == f"{figure.value:.3f}"

        queue = cells(screen.query_one("#agree-queue", DataTable))
        assert list(queue) == ["i1", "i3", "i5"]
        assert queue["i3"] == ["GOOD", "BAD", "GOOD", "GOOD", ""]  # ann, bob, cat, majority


async def test_a_single_category_shows_kappa_undefined_with_the_reason(tmp_path: Path) -> None:
    store_labels(tmp_path, {"ann": ["GOOD"] * 4, "bob": ["GOOD"] * 4}, ["a", "b", "c", "d"])
    async with CurateApp(tmp_path).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        overall = cells(screen.query_one("#agree-overall", DataTable))
        assert overall["percent agreement"][0] == "1.000"
        assert overall["Fleiss' kappa"][:2] == ["undefined", "undefined"]
        assert "one category" in overall["Fleiss' kappa"][3]
        assert overall["Krippendorff's alpha (nominal)"][0] == "undefined"
        assert cells(screen.query_one("#agree-pairs", DataTable))["ann"] == ["—", "undefined"]
        notes = str(screen.query_one("#agree-pair-notes", Static).content)
        assert notes == "ann/bob: undefined: every rating is 'GOOD' (one category)"
        count = str(screen.query_one("#agree-queue-count", Static).content)
        assert count.startswith("No disagreements")


async def test_adjudicating_by_key_is_stored_at_once_and_shown_after_reopening(
    finished_run: RunOutcome,
) -> None:
    workspace = finished_run.run_dir.parent.parent
    with WorkspaceDB(workspace) as store:
        audit = create_audit(store, finished_run.run_dir, pipeline="demo", size=3, seed=0)
        ids = [item.example_id for item in audit.items]
        for example_id in ids:  # the TUI's own audit counts as annotator "tester"
            record_verdict(store, audit.audit_id, example_id, "pass")
    store_labels(workspace, {"ann": ["BAD", "GOOD", "BAD"], "bob": ["BAD", "GOOD", "GOOD"]}, ids)
    first, _, third = ids  # first: ann and bob BAD, tester GOOD; third: ann alone BAD

    async with CurateApp(workspace).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        assert screen.data is not None and screen.data.report is not None
        assert screen.data.report.annotators == ["ann", "bob", "tester"]
        queue = screen.query_one("#agree-queue", DataTable)
        assert queue.row_count == 2 and screen.item is not None
        shown = screen.query_one(ExampleDetail).shown
        assert shown is not None and shown.example["id"] == screen.item.item_id
        on_cursor = screen.item.item_id
        await pilot.press("1")  # the first label of BAD, GOOD
        await pilot.pause()
        assert db_rows(workspace, "SELECT item_id, label FROM adjudications") == [
            (on_cursor, "BAD")
        ]
        assert cells(queue)[on_cursor][-1] == "BAD"
        assert screen.item is not None and screen.item.item_id != on_cursor  # moved on
        await pilot.press("2")  # the second label of BAD, GOOD
        await pilot.pause()
        count = str(screen.query_one("#agree-queue-count", Static).content)
        assert count.startswith("2 disagreements · 2 adjudicated")

    expected = (
        {first: "BAD", third: "GOOD"} if on_cursor == first else {third: "BAD", first: "GOOD"}
    )
    assert dict(db_rows(workspace, "SELECT item_id, label FROM adjudications")) == expected
    async with CurateApp(workspace).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        reopened = cells(screen.query_one("#agree-queue", DataTable))
        assert {item: row[-1] for item, row in reopened.items()} == expected


async def test_no_annotations_explains_how_to_get_them(tmp_path: Path) -> None:
    async with CurateApp(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(pilot)
        await settle(pilot)
        summary = str(screen.query_one("#agree-summary", Static).content)
        assert "curate labelstudio pull --project NAME" in summary
        assert "curate agree FILE" in summary
        assert not screen.query_one("#agree-figures").display
        assert screen.check_action("adjudicate", ("GOOD",)) is None


async def test_one_annotator_alone_is_told_agreement_needs_two(tmp_path: Path) -> None:
    store_labels(tmp_path, {"ann": ["GOOD", "BAD"]}, ["a", "b"])
    async with CurateApp(tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(pilot)
        summary = str(screen.query_one("#agree-summary", Static).content)
        assert summary.startswith("Agreement needs two annotators; only ann has labelled")


async def test_at_80x24_the_overall_figures_keep_their_value_column_in_view(
    tmp_path: Path,
) -> None:
    ids = [f"i{n}" for n in range(6)]
    store_labels(tmp_path, THREE_ANNOTATORS, ids)
    async with CurateApp(tmp_path).run_test(size=(80, 24)) as pilot:
        screen = await open_agreement(pilot)
        overall = screen.query_one("#agree-overall", DataTable)
        statistic, value = list(overall.columns.values())[:2]
        shown = statistic.get_render_width(overall) + value.get_render_width(overall)
        assert overall.scrollable_content_region.width >= shown
        assert not screen.query_one("#agree-pairs-pane").display  # said, not squeezed
        assert screen.query_one("#agree-narrow-note").display
        assert screen.query_one("#agree-queue", DataTable).row_count == 3
    async with CurateApp(tmp_path).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        assert screen.query_one("#agree-pairs-pane").display
        assert not screen.query_one("#agree-narrow-note").display


def test_agreement_screen_at_80x24(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    store_labels(tmp_path / "ws", THREE_ANNOTATORS, [f"i{n}" for n in range(6)])

    async def ready(pilot: Pilot[None]) -> None:
        await open_agreement(pilot)

    app = CurateApp(tmp_path / "ws")
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


async def test_an_adjudicated_example_still_force_dropped_by_a_failed_audit_says_so(
    finished_run: RunOutcome,
) -> None:
    workspace = finished_run.run_dir.parent.parent
    with WorkspaceDB(workspace) as store:
        audit = create_audit(store, finished_run.run_dir, pipeline="demo", size=3, seed=0)
        ids = [item.example_id for item in audit.items]
        record_verdict(store, audit.audit_id, ids[0], "fail", "tone")  # force-drops it
        for example_id in ids[1:]:
            record_verdict(store, audit.audit_id, example_id, "pass")
    store_labels(workspace, {"ann": ["GOOD", "GOOD", "GOOD"], "bob": ["GOOD", "GOOD", "BAD"]}, ids)

    async with CurateApp(workspace).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        assert screen.data is not None
        queue = screen.query_one("#agree-queue", DataTable)
        dropped = [item.item_id for item in screen.data.queue].index(ids[0])
        queue.move_cursor(row=dropped)
        await pilot.pause()
        await pilot.press("2")  # GOOD
        await pilot.pause()
        queue.move_cursor(row=dropped)
        await pilot.pause()
        line = str(screen.query_one("#agree-item", Static).render())
        assert "adjudicated GOOD" in line and "Still force-dropped (audit" in line
        other = [r for r in range(queue.row_count) if screen.data.queue[r].item_id != ids[0]]
        queue.move_cursor(row=other[0])
        await pilot.pause()
        assert "force-dropped" not in str(screen.query_one("#agree-item", Static).render())


async def test_ctrl_z_takes_back_the_last_adjudication(finished_run: RunOutcome) -> None:
    workspace = finished_run.run_dir.parent.parent
    with WorkspaceDB(workspace) as store:
        audit = create_audit(store, finished_run.run_dir, pipeline="demo", size=3, seed=0)
        ids = [item.example_id for item in audit.items]
        for example_id in ids:
            record_verdict(store, audit.audit_id, example_id, "pass")
    store_labels(workspace, {"ann": ["BAD", "GOOD", "BAD"], "bob": ["BAD", "GOOD", "GOOD"]}, ids)

    async with CurateApp(workspace).run_test(size=(160, 50)) as pilot:
        screen = await open_agreement(pilot)
        queue = screen.query_one("#agree-queue", DataTable)
        await pilot.press("up")  # the first item, to be adjudicated twice
        await pilot.pause()
        assert screen.item is not None
        on_cursor = screen.item.item_id
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("up", "2")
        await pilot.pause()
        assert dict(db_rows(workspace, "SELECT item_id, label FROM adjudications")) == {
            on_cursor: "GOOD"
        }
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert cells(queue)[on_cursor][-1] == "BAD"  # the label before stands again
        assert screen.item is not None and screen.item.item_id == on_cursor
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert cells(queue)[on_cursor][-1] == ""
        count = str(screen.query_one("#agree-queue-count", Static).content)
        assert "0 adjudicated" in count
    assert db_rows(workspace, "SELECT item_id FROM adjudications") == []
