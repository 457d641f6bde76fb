"""PII lists a run's findings per example, highlights them, and records span decisions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Select, Static

from curate.runs.runner import RunOutcome
from curate.runs.views import load_examples
from curate_tui.app import CurateApp
from curate_tui.screens.choice_screen import ChoiceScreen
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.screens.pii_screen import PiiScreen
from curate_tui.widgets.pii_tables import PiiExampleTable, PiiSpanTable
from curate_tui.widgets.pii_text import PiiText
from tests.tui.helpers import answer_prompt, db_rows, fix_run_listing, open_screen, settle
from tests.tui.judged_workspace import run_judged

SnapCompare = Callable[..., bool]
DECISIONS = "SELECT example_id, text, verdict, entity, annotator FROM pii_decisions ORDER BY seq"


async def open_pii(pilot: Pilot[None]) -> PiiScreen:
    return await open_screen(pilot, "i", PiiScreen)


def rows_of(table: PiiExampleTable | PiiSpanTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def highlights(screen: PiiScreen) -> list[tuple[str, str]]:
    """(text, style tag) of every styled span in the text pane, in reading order."""
    found = []
    for static in screen.query_one(PiiText).query(".turn-content").results(Static):
        content = static.content
        assert isinstance(content, Text)
        for span in content.spans:
            tag = span.style.meta.get("pii") if not isinstance(span.style, str) else None
            found.append((content.plain[span.start : span.end], str(tag)))
    return found


def kept_text(run: RunOutcome, example_id: str) -> str:
    """The example's turns as the run kept them."""
    frame = load_examples(run.run_dir).filter(pl.col("id") == example_id)
    row = frame.row(0, named=True)
    assert row["status"] == "kept"
    return " ".join(turn["content"] for turn in row["messages"])


@pytest.mark.anyio
async def test_examples_are_listed_most_findings_first(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        examples = screen.query_one(PiiExampleTable)
        assert [row[1:3] for row in rows_of(examples)] == [
            ["3", "EMAIL,PERSON,PHONE"],
            ["2", "PERSON,PHONE"],
            ["2", "LOCATION"],
        ]
        spans = screen.query_one(PiiSpanTable)
        assert [row[1:3] for row in rows_of(spans)] == [
            ["PERSON", "Dana Whitfield"],
            ["EMAIL_ADDRESS", "dana.w@example.com"],
            ["PHONE_NUMBER", "(503) 555-0178"],
        ]

        screen.query_one(Select).value = "LOCATION"
        await pilot.pause()
        assert [row[2] for row in rows_of(examples)] == ["LOCATION"]
        screen.query_one(Select).value = "all"
        await pilot.pause()
        assert examples.row_count == 9


@pytest.mark.anyio
async def test_spans_are_highlighted_by_entity_type(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        assert highlights(screen) == [
            ("Dana Whitfield", "person"),
            ("dana.w@example.com", "contact"),
            ("(503) 555-0178", "contact"),
            ("Dana Whitfield", "current"),  # the span under the cursor
        ]
        await pilot.press("enter", "down")
        await pilot.pause()
        assert ("dana.w@example.com", "current") in highlights(screen)
        assert ("Dana Whitfield", "current") not in highlights(screen)


@pytest.mark.anyio
async def test_not_pii_keeps_the_text_on_the_next_run(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        await pilot.press("down", "enter", "down")
        await pilot.pause()
        example = screen.example
        assert example is not None and screen.span is not None
        assert screen.span.text == "John Muir"
        await pilot.press("x")
        await pilot.pause()
        assert rows_of(screen.query_one(PiiSpanTable))[1][0] == "N"
        assert rows_of(screen.query_one(PiiExampleTable))[1][0] == "M"
        assert ("John Muir", "dismissed") in highlights(screen)
        assert screen.check_action("mark_not_pii", ()) is None  # said already

    assert db_rows(judged_workspace, DECISIONS) == [
        (example.example_id, "John Muir", "not_pii", None, "tester")
    ]
    rerun = run_judged(judged_workspace)
    text = kept_text(rerun, example.example_id)
    assert "of John Muir tents" in text
    assert "(503) 555-0199" not in text  # the phone number is still redacted


@pytest.mark.anyio
async def test_added_span_is_redacted_on_the_next_run(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        screen.query_one(Select).value = "all"
        await pilot.pause()
        order = next(i for i, e in enumerate(screen.shown) if "ZX-4471" in e.prompt)
        screen.query_one(PiiExampleTable).move_cursor(row=order)
        await pilot.pause()
        example = screen.example
        assert example is not None and not example.spans
        await pilot.press("m")
        await answer_prompt(pilot, "ZX-4471")
        chooser = pilot.app.screen
        assert isinstance(chooser, ChoiceScreen)  # the types the scan knows, then any other
        assert chooser.choices[-1] == "another type…" and "PERSON" in chooser.choices
        await pilot.press("end", "enter")
        await answer_prompt(pilot, "order id")
        assert rows_of(screen.query_one(PiiSpanTable)) == [["P", "ORDER_ID", "ZX-4471", ""]]
        assert ("ZX-4471", "added") in highlights(screen)

    assert db_rows(judged_workspace, DECISIONS) == [
        (example.example_id, "ZX-4471", "pii", "ORDER_ID", "tester")
    ]
    rerun = run_judged(judged_workspace)
    text = kept_text(rerun, example.example_id)
    assert "ZX-4471" not in text and "<ORDER_ID>" in text


@pytest.mark.anyio
async def test_clear_withdraws_and_unknown_text_is_refused(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        await pilot.press("x")
        await pilot.pause()
        spans = screen.query_one(PiiSpanTable)
        assert rows_of(spans)[0][0] == "N"
        await pilot.press("c")
        await pilot.pause()
        assert rows_of(spans)[0][0] == ""
        assert screen.check_action("clear", ()) is None
        await pilot.press("m")
        await answer_prompt(pilot, "not in this example")
        assert pilot.app.screen is screen  # refused before asking for a type
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
    standing = db_rows(
        judged_workspace,
        "SELECT text, verdict FROM pii_decisions d WHERE seq = "
        "(SELECT MAX(seq) FROM pii_decisions WHERE text = d.text)",
    )
    assert standing == [("Dana Whitfield", "clear")]


def test_pii_screen_snapshot(
    snap_compare: SnapCompare, judged_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_run_listing(monkeypatch, "judged-run")

    async def open_second_example(pilot: Pilot[None]) -> None:
        await open_pii(pilot)
        await pilot.press("down", "enter", "down")
        await settle(pilot)

    app = CurateApp(judged_workspace)
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_second_example)


@pytest.mark.anyio
async def test_X_says_a_text_is_not_pii_in_every_example_that_has_it(
    judged_workspace: Path,
) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        span = screen.span
        assert span is not None
        having = {
            e.example_id for e in screen.examples if any(s.text == span.text for s in e.spans)
        }
        await pilot.press("X")
        await pilot.pause()
        assert rows_of(screen.query_one(PiiSpanTable))[0][0] == "N"
    decided = db_rows(judged_workspace, "SELECT example_id, text, verdict FROM pii_decisions")
    assert {row[0] for row in decided} == having
    assert {row[1:] for row in decided} == {(span.text, "not_pii")}


@pytest.mark.anyio
async def test_a_missed_span_takes_its_type_from_the_list(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        example = screen.example
        assert example is not None
        word = example.prompt.split()[0]
        await pilot.press("m")
        await answer_prompt(pilot, word)
        chooser = pilot.app.screen
        assert isinstance(chooser, ChoiceScreen)
        await pilot.press("enter")  # the run's most found type comes first
        await pilot.pause()
        first = chooser.choices[0]
    assert db_rows(judged_workspace, DECISIONS) == [
        (example.example_id, word, "pii", first, "tester")
    ]


@pytest.mark.anyio
async def test_search_narrows_the_examples_to_a_finding_and_escape_keeps_the_screen(
    judged_workspace: Path,
) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        span = screen.span
        assert span is not None
        having = [e.example_id for e in screen.shown if any(s.text == span.text for s in e.spans)]
        assert len(having) < len(screen.shown)  # the search has something to leave out
        await pilot.press("slash", *span.text.lower())
        await pilot.pause()
        assert [e.example_id for e in screen.shown] == having
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and isinstance(app.focused, PiiExampleTable)


@pytest.mark.anyio
async def test_ctrl_z_takes_back_a_mark_and_an_X_whole(judged_workspace: Path) -> None:
    def standing() -> set[tuple[str, str, str]]:
        rows = db_rows(
            judged_workspace,
            "SELECT example_id, text, verdict FROM pii_decisions d WHERE seq = (SELECT MAX(seq) "
            "FROM pii_decisions WHERE example_id = d.example_id AND text = d.text)",
        )
        return {row for row in rows if row[2] != "clear"}

    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pii(pilot)
        span, example = screen.span, screen.example
        assert span is not None and example is not None
        await pilot.press("x")
        await pilot.pause()
        assert standing() == {(example.example_id, span.text, "not_pii")}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert standing() == set()
        assert rows_of(screen.query_one(PiiSpanTable))[0][0] != "N"

        await pilot.press("x", "X")  # X over an x: one undo takes back all of X
        await pilot.pause()
        assert len(standing()) >= 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert standing() == {(example.example_id, span.text, "not_pii")}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert standing() == set()
