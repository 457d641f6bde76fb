"""Home's Tokens tab: the token_budget stage's histogram against the model's limit, or one line
saying how to get it. The stage entry is written here, as the runner would record it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from curate.errors import CurateError
from curate.runs.manifest import Metric, StageEntry
from curate.runs.runner import RunOutcome
from curate.runs.token_lengths import HOW_TO_GET_IT, token_lengths
from curate.runs.views import RunSummary, list_runs
from curate_tui.app import CurateApp
from curate_tui.screens import home_screen
from curate_tui.widgets.token_histogram import LIMIT_MARK, OVER_MARK, TokenHistogram, token_lines
from tests.tui.helpers import settle

SnapCompare = Callable[..., bool]
EDGES = [0, 512, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 4608, 5120]
COUNTS = [40, 61, 38, 22, 14, 9, 5, 3, 2, 1]


def token_metrics(**changes: Metric) -> dict[str, Metric]:
    """What a token_budget stage records: 195 kept rows, a 3,000-token limit, 11 over it."""
    metrics: dict[str, Metric] = {
        "tokens_p50": 700,
        "tokens_p95": 3100,
        "tokens_max": 5000,
        "max_tokens": 3000,
        "rows_over_max": 11,
        "assistant_token_share": 0.62,
        "token_histogram": orjson.dumps({"edges": EDGES, "counts": COUNTS}).decode(),
    }
    return metrics | changes


def with_token_stage(monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric]) -> None:
    """Home lists each run with a token_budget stage entry of ``metrics`` at the end, under
    a fixed id and time (so snapshots do not change run to run)."""

    def runs(workspace: Path) -> list[RunSummary]:
        listed = []
        for run in list_runs(workspace):
            last = run.stages[-1]
            entry = StageEntry(
                index=last.index + 1,
                name="token_budget",
                fingerprint="f" * 16,
                input=last.kept,
                kept=last.kept,
                rejected=0,
                seconds=0.1,
                cached=False,
                metrics=metrics,
            )
            listed.append(
                dataclasses.replace(
                    run,
                    run_id="demo-run",
                    updated_at="2025-01-01T12:00:00+00:00",
                    stages=[*run.stages, entry],
                )
            )
        return listed

    monkeypatch.setattr(home_screen, "list_runs", runs)


async def open_tokens(pilot: Pilot[None]) -> TokenHistogram:
    await settle(pilot)
    pilot.app.screen.query_one("#pictures", TabbedContent).active = "tab-tokens"
    await settle(pilot)
    return pilot.app.screen.query_one(TokenHistogram)


@pytest.mark.anyio
async def test_the_tokens_tab_marks_the_limit_and_counts_the_rows_over_it(
    finished_run: RunOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_token_stage(monkeypatch, token_metrics())
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(120, 36)) as pilot:
        tokens = await open_tokens(pilot)
        lengths = tokens.lengths
        assert lengths is not None and tokens.note == ""
        assert [count for _, _, count in lengths.bins] == COUNTS
        assert (lengths.limit, lengths.over_limit) == (3000, 11)
        lines = token_lines(lengths, 40)
        bars = [line for line in lines if "│" in line]
        summary = " · ".join(lines[: len(lines) - len(bars)])
        assert lines[0].startswith("limit 3,000: 11 rows over") and "assistant 62%" in summary
        assert all(len(line) <= 40 for line in lines)
        marks = [line[0] for line in bars]
        # 3,000 falls in 2,560-3,071; the bins from 3,072 up are wholly over it
        assert marks.index(LIMIT_MARK) == EDGES.index(2560)
        assert marks[EDGES.index(3072) :] == [OVER_MARK] * 4
        assert set(marks[: EDGES.index(2560)]) == {" "}


@pytest.mark.anyio
async def test_without_a_token_budget_stage_the_tab_says_how_to_get_one(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        tokens = await open_tokens(pilot)
        assert tokens.lengths is None and tokens.note == HOW_TO_GET_IT
        assert "- stage: token_budget" in str(tokens.render())


def token_entry(metrics: dict[str, Metric]) -> StageEntry:
    return StageEntry.model_validate(
        {
            "index": 5,
            "name": "token_budget",
            "fingerprint": "f",
            "input": 1,
            "kept": 1,
            "rejected": 0,
            "seconds": 0.0,
            "cached": False,
            "metrics": metrics,
        }
    )


def test_fractional_edges_read_as_whole_tokens_and_no_rows_as_no_bins(tmp_path: Path) -> None:
    fractional = '{"edges": [3.0, 10.5, 18.0], "counts": [4, 1]}'
    lengths = token_lengths(tmp_path, [token_entry(token_metrics(token_histogram=fractional))])
    assert lengths is not None and lengths.bins == [(3, 10, 4), (10, 19, 1)]  # the last holds 18
    empty = token_metrics(token_histogram='{"edges": [], "counts": []}')
    lengths = token_lengths(tmp_path, [token_entry(empty)])
    assert lengths is not None and lengths.bins == []
    assert token_lines(lengths, 40)[-1] == "no kept examples"


def test_without_a_limit_no_bin_is_marked_and_the_summary_says_so(tmp_path: Path) -> None:
    entry = StageEntry.model_validate(
        {
            "index": 5,
            "name": "token_budget",
            "fingerprint": "f",
            "input": 1,
            "kept": 1,
            "rejected": 0,
            "seconds": 0.0,
            "cached": False,
            "metrics": {k: v for k, v in token_metrics().items() if k != "max_tokens"},
        }
    )
    lengths = token_lengths(tmp_path, [entry])
    assert lengths is not None and lengths.limit is None
    lines = token_lines(lengths, 40)
    assert "no limit set" in lines[0]
    assert {line[0] for line in lines if "│" in line} == {" "}


@pytest.mark.parametrize(
    ("metrics", "named"),
    [
        (token_metrics(token_histogram="not json"), "token_histogram"),
        (token_metrics(token_histogram='{"edges": [0, 1], "counts": [1, 2]}'), "token_histogram"),
        (token_metrics(tokens_p95="lots"), "tokens_p95"),
    ],
)
@pytest.mark.anyio
async def test_a_malformed_entry_is_one_line_naming_the_metric(
    finished_run: RunOutcome,
    monkeypatch: pytest.MonkeyPatch,
    metrics: dict[str, Metric],
    named: str,
) -> None:
    with_token_stage(monkeypatch, metrics)
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(120, 36)) as pilot:
        tokens = await open_tokens(pilot)
        assert tokens.lengths is None and named in tokens.note
        assert "\n" not in tokens.note.strip()
    run = home_screen.list_runs(finished_run.run_dir.parent.parent)[0]
    with pytest.raises(CurateError, match=named):
        token_lengths(run.run_dir, run.stages)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_home_tokens_snapshot(
    snap_compare: SnapCompare,
    finished_run: RunOutcome,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    with_token_stage(monkeypatch, token_metrics())

    async def show_tokens(pilot: Pilot[None]) -> None:
        await open_tokens(pilot)

    app = CurateApp(finished_run.run_dir.parent.parent)
    assert snap_compare(app, terminal_size=size, run_before=show_tokens)
