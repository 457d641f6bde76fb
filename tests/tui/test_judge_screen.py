"""Judge lists a run's verdicts by doubt and records a person overruling them."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot

from curate.runs.judge_verdicts import JudgedRow
from curate.runs.runner import RunOutcome, run_pipeline
from curate.runs.views import load_examples
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.screens.home_screen import HomeScreen
from curate_tui.screens.judge_screen import JudgeScreen, judge_count
from curate_tui.widgets.stage_table import StageTable
from curate_tui.widgets.verdict_detail import VerdictCard
from curate_tui.widgets.verdict_table import VerdictTable
from tests.conftest import chat, write_jsonl
from tests.tui.helpers import answer_prompt, fix_run_listing, open_screen, overrides_of, settle
from tests.tui.judged_workspace import run_judged

SnapCompare = Callable[..., bool]


async def open_judge(pilot: Pilot[None]) -> JudgeScreen:
    return await open_screen(pilot, "j", JudgeScreen)


def answer_of(screen: JudgeScreen, row: int) -> str:
    return str(screen.verdicts[row].row["messages"][-1]["content"])


def column(table: VerdictTable, index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def example_status(run: RunOutcome, example_id: str) -> tuple[str, str | None]:
    row = load_examples(run.run_dir).filter(pl.col("id") == example_id).row(0, named=True)
    return row["status"], row["reason"]


@pytest.mark.anyio
async def test_verdicts_are_listed_most_doubtful_first(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        table = screen.query_one(VerdictTable)
        assert table.row_count == 9
        assert column(table, 1)[:6] == ["error", "BAD", "GOOD", "GOOD", "BAD", "GOOD"]
        assert column(table, 3)[:6] == ["!", "+0.67", "+0.33", "-1.00", "-2.00", "-2.00"]
        assert [answer_of(screen, row).split(":")[0] for row in range(5)] == [
            "MALFORMED",
            "WRONG",
            "BORDERLINE",
            "SHAKY",
            "HARSH",
        ]
        assert column(table, 4)[:3] == ["error", "bad", "kept"]
        # rows with one verdict are told apart by their id and prompt
        ids = column(table, 5)
        assert len(set(ids)) == 9 and all(
            screen.verdicts[i].example_id.startswith(ids[i]) for i in range(9)
        )
        assert all(column(table, 6))

        await pilot.press("down", "down", "down")
        await pilot.pause()
        card = screen.query_one(VerdictCard)
        assert card.shown is not None and card.shown[0].scores["helpfulness"] == 2
        lines = [str(s.content) for s in card.query(".verdict-score")]
        assert "helpfulness          ■■□□□ 2" in lines
        assert screen.check_action("decide", ("keep",)) is None  # the judge kept it already
        assert screen.check_action("decide", ("clear",)) is None  # nothing to clear


@pytest.mark.anyio
async def test_force_keeping_a_bad_verdict_survives_the_next_run(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        await pilot.press("down")
        await pilot.pause()
        assert answer_of(screen, 1).startswith("WRONG")
        wrong_id = screen.verdicts[1].example_id
        await pilot.press("k")
        await answer_prompt(pilot, "right for our locale")
        assert pilot.app.screen is screen
        assert screen.query_one(VerdictTable).get_row_at(1)[0] == "K"
        card = screen.query_one(VerdictCard)
        assert "Force-kept by tester: right for our locale" in [
            str(s.content) for s in card.query(".detail-override")
        ]

    override = overrides_of(judged_workspace)[wrong_id]
    assert (override.action, override.reason) == ("keep", "right for our locale")
    rerun = run_judged(judged_workspace)
    assert example_status(rerun, wrong_id) == ("kept", None)
    judge = next(s for s in rerun.manifest.stages if s.name == "judge")
    assert judge.metrics["rescued_by_override"] == 1


@pytest.mark.anyio
async def test_force_dropping_a_good_verdict_drops_it_next_run(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        borderline_id = screen.verdicts[2].example_id
        await pilot.press("d")
        await answer_prompt(pilot, "too vague to teach")
        assert screen.query_one(VerdictTable).get_row_at(2)[0] == "D"

    assert overrides_of(judged_workspace)[borderline_id].action == "drop"
    rerun = run_judged(judged_workspace)
    assert example_status(rerun, borderline_id) == ("rejected", "override.drop")


@pytest.mark.anyio
async def test_clear_withdraws_the_override(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        await pilot.press("k")
        await answer_prompt(pilot, "the call failed, not the example")
        table = screen.query_one(VerdictTable)
        assert table.get_row_at(0)[0] == "K"
        assert screen.check_action("decide", ("keep",)) is None  # already force-kept
        await pilot.press("c")
        await pilot.pause()
        assert table.get_row_at(0)[0] == ""
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")  # escape in the prompt cancels; nothing is saved
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
    assert overrides_of(judged_workspace) == {}


@pytest.mark.anyio
async def test_judge_and_pii_keys_need_such_a_stage(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.check_action("judge", ()) is False
        assert pilot.app.screen.check_action("pii", ()) is False
        await pilot.press("j", "i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


def test_judge_screen_snapshot(
    snap_compare: SnapCompare, judged_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_run_listing(monkeypatch, "judged-run")

    async def open_the_bad_verdict(pilot: Pilot[None]) -> None:
        await open_judge(pilot)
        await pilot.press("down")
        await settle(pilot)

    app = CurateApp(judged_workspace)
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_the_bad_verdict)


def test_the_count_says_when_the_judge_gave_no_verdicts() -> None:
    skipped = [
        JudgedRow({"id": f"e{i}", "judge_status": "skipped"}, {}, -math.inf) for i in range(4)
    ]
    assert judge_count(skipped, {}) == "The judge gave no verdicts: all 4 examples are skipped."
    judged = JudgedRow({"id": "g", "judge_verdict": "GOOD", "judge_score": 4.5}, {}, -1.5)
    failed = JudgedRow({"id": "x", "judge_status": "error", "reason": "judge.error"}, {}, math.inf)
    assert judge_count([failed, judged, *skipped[:2]], {"g": object()}) == (
        "1 judged · 1 failed call · 2 not judged (skipped) · 1 rejected · 1 overruled"
    )


@pytest.mark.anyio
async def test_ctrl_z_undoes_the_last_overrule(judged_workspace: Path) -> None:
    app = CurateApp(judged_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_judge(pilot)
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("k")
        await answer_prompt(pilot, "the judge is wrong here")
        assert screen.query_one(VerdictTable).get_row_at(1)[0] == "K"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.query_one(VerdictTable).get_row_at(1)[0] == ""
    assert overrides_of(judged_workspace) == {}


SKIPPED_JUDGE = """\
name: keyless
workspace: .
inputs:
  - data/chats.jsonl
stages:
  - validate
  - judge: {llm: {model: claude-haiku-4-5}, send_unredacted: true}
  - split: {ratios: {train: 1.0, eval: 0.0, test: 0.0}}
"""


@pytest.mark.anyio
async def test_a_skipped_judge_never_reads_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no API key the judge stage is skipped: Home, the Run screen's table, Browse and
    the Judge screen say skipped, and "judged" is nowhere on screen."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    root = tmp_path / "ws"
    (root / "data").mkdir(parents=True)
    write_jsonl(
        root / "data" / "chats.jsonl", [chat(f"Question {i}?", f"Answer {i}.") for i in range(6)]
    )
    (root / "pipeline.yaml").write_text(SKIPPED_JUDGE)
    run_pipeline(root / "pipeline.yaml")

    app = CurateApp(root)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        stages = app.screen.query_one(StageTable)
        judge_row = next(
            stages.get_row_at(i)
            for i in range(stages.row_count)
            if "judge" in stages.get_row_at(i)[0]
        )
        assert judge_row[1] == "skipped" and str(judge_row[5]).startswith("skipped: ")
        assert "judged" not in app.export_screenshot()
        for key, kind in (("j", JudgeScreen), ("b", BrowseScreen)):
            screen = await open_screen(pilot, key, kind)
            if isinstance(screen, JudgeScreen):
                assert "skipped" in screen.sub_title
            assert "judged" not in app.export_screenshot()
            await pilot.press("escape")
            await settle(pilot)
