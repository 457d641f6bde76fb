"""Duplicates lists a run's near-duplicate clusters and records keep / split-out decisions."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from curate.runs.cluster_overview import cut
from curate.runs.duplicate_clusters import semantic_stage_folder
from curate.runs.runner import RunOutcome, run_pipeline
from curate.runs.views import list_runs, load_examples
from curate_tui.app import CurateApp
from curate_tui.screens.duplicates_screen import DuplicatesScreen
from curate_tui.screens.home_screen import NO_EMBEDDINGS, NO_VECTORS, HomeScreen
from curate_tui.screens.text_prompt_screen import TextPromptScreen
from curate_tui.widgets.cluster_tables import ClusterTable, MemberTable
from curate_tui.widgets.topic_clusters import TopicClusters
from tests.tui.dedup_workspace import write_dedup_workspace
from tests.tui.helpers import answer_prompt, fix_run_listing, open_screen, overrides_of, settle

SnapCompare = Callable[..., bool]
PASSWORD_TWIN = "64681536fb4d8a6d"  # "How would I reset my password?", second in its cluster
BOOTS_TWIN = "674233dd6631aa90"  # "Can I return boots that I've already worn outside?"


@pytest.fixture(scope="module")
def dedup_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dedup workspace run once per module (loading the embedding model is the slow part)."""
    root = write_dedup_workspace(tmp_path_factory.mktemp("dedup") / "ws")
    run_pipeline(root / "pipeline.yaml")
    return root


@pytest.fixture
def dedup_workspace(dedup_template: Path, tmp_path: Path) -> Path:
    """A private copy of the run workspace, so each test's decisions stay its own."""
    return Path(shutil.copytree(dedup_template, tmp_path / "ws"))


def semantic_rejections(run: RunOutcome) -> list[str]:
    rejected = pl.read_parquet(semantic_stage_folder(run.run_dir) / "rejected.parquet")
    return sorted(rejected["id"].to_list())


def status_of(run: RunOutcome, example_id: str) -> list[str]:
    frame = load_examples(run.run_dir).filter(pl.col("id") == example_id)
    return frame["status"].to_list()


async def open_duplicates(pilot: Pilot[None]) -> DuplicatesScreen:
    return await open_screen(pilot, "u", DuplicatesScreen)


@pytest.mark.anyio
async def test_clusters_are_listed_largest_first(dedup_workspace: Path) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_duplicates(pilot)
        clusters = screen.query_one(ClusterTable)
        assert clusters.row_count == 3
        assert [clusters.get_row_at(i)[1] for i in range(3)] == ["3", "2", "2"]
        assert clusters.get_row_at(0)[3] == "How do I reset my password?"
        members = screen.query_one(MemberTable)
        assert [members.get_row_at(i)[1] for i in range(3)] == ["kept", "dropped", "dropped"]
        assert screen.member is not None and screen.member["kept"] is False

        await pilot.press("down")
        await pilot.pause()
        assert members.row_count == 2
        assert screen.member is not None and screen.member["id"] == BOOTS_TWIN


@pytest.mark.anyio
async def test_split_out_member_survives_the_next_run(dedup_workspace: Path) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_duplicates(pilot)
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("x")
        await answer_prompt(pilot, "different boots policy")
        assert pilot.app.screen is screen
        assert screen.query_one(MemberTable).get_row_at(1)[0] == "S"

    override = overrides_of(dedup_workspace)[BOOTS_TWIN]
    assert (override.action, override.reason, override.annotator) == (
        "distinct",
        "different boots policy",
        "tester",
    )
    rerun = run_pipeline(dedup_workspace / "pipeline.yaml")
    assert BOOTS_TWIN not in semantic_rejections(rerun)
    assert status_of(rerun, BOOTS_TWIN) == ["kept"]


@pytest.mark.anyio
async def test_kept_member_survives_the_next_run(dedup_workspace: Path) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_duplicates(pilot)
        await pilot.press("enter", "down")
        await pilot.pause()
        assert screen.member is not None and screen.member["id"] == PASSWORD_TWIN
        await pilot.press("k")
        await answer_prompt(pilot, "useful variant")
        assert screen.query_one(MemberTable).get_row_at(2)[0] == "K"

    assert overrides_of(dedup_workspace)[PASSWORD_TWIN].action == "keep"
    rerun = run_pipeline(dedup_workspace / "pipeline.yaml")
    assert status_of(rerun, PASSWORD_TWIN) == ["kept"]


@pytest.mark.anyio
async def test_clear_withdraws_the_decision(dedup_workspace: Path) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_duplicates(pilot)
        await pilot.press("x")
        await answer_prompt(pilot, "not the same")
        assert screen.query_one(MemberTable).get_row_at(1)[0] == "S"
        await pilot.press("c")
        await pilot.pause()
        assert screen.query_one(MemberTable).get_row_at(1)[0] == ""
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("escape")  # escape in the prompt cancels; nothing is saved
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
    assert overrides_of(dedup_workspace) == {}


@pytest.mark.anyio
async def test_duplicates_key_needs_a_semantic_dedup_run(finished_run: RunOutcome) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.check_action("duplicates", ()) is False
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


def test_duplicates_screen_snapshot(
    snap_compare: SnapCompare, dedup_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_run_listing(monkeypatch, "dedup-run")

    async def open_second_cluster(pilot: Pilot[None]) -> None:
        await open_duplicates(pilot)
        await pilot.press("down")
        await settle(pilot)

    app = CurateApp(dedup_workspace)
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_second_cluster)


@pytest.mark.anyio
async def test_K_keeps_every_member_of_the_cluster_after_one_question_and_X_splits_them(
    dedup_workspace: Path,
) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_duplicates(pilot)
        cluster = screen.cluster
        assert cluster is not None and cluster.size == 3
        members = {str(m["id"]) for m in cluster.members}
        await pilot.press("K")
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, TextPromptScreen) and "all 3 members" in prompt.question
        await answer_prompt(pilot, "all three are useful")
        standing = overrides_of(dedup_workspace)
        assert set(standing) == members and {o.action for o in standing.values()} == {"keep"}
        assert [screen.query_one(MemberTable).get_row_at(i)[0] for i in (1, 2)] == ["K", "K"]

        await pilot.press("ctrl+z")  # one undo for the whole cluster
        await pilot.pause()
        assert overrides_of(dedup_workspace) == {}

        await pilot.press("X")
        await answer_prompt(pilot, "three different questions")
        standing = overrides_of(dedup_workspace)
        assert set(standing) == members
        assert {o.action for o in standing.values()} == {"distinct"}

    rerun = run_pipeline(dedup_workspace / "pipeline.yaml")
    assert not members & set(semantic_rejections(rerun))
    assert all(status_of(rerun, member) == ["kept"] for member in members)


async def open_topics(pilot: Pilot[None]) -> TopicClusters:
    await settle(pilot)
    pilot.app.screen.query_one("#pictures", TabbedContent).active = "tab-topics"
    await settle(pilot)
    return pilot.app.screen.query_one(TopicClusters)


@pytest.mark.anyio
async def test_home_shows_the_largest_topics_of_the_kept_set_from_the_cached_vectors(
    dedup_workspace: Path,
) -> None:
    app = CurateApp(dedup_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        topics = pilot.app.screen.query_one(TopicClusters)
        assert topics.overview is None  # nothing is clustered until the tab is opened
        topics = await open_topics(pilot)
        overview = topics.overview
        assert overview is not None and topics.note == ""
        run = list_runs(dedup_workspace)[0]
        kept = load_examples(run.run_dir).filter(pl.col("status") == "kept")
        assert overview.kept == overview.clustered == kept.height
        sizes = [c.size for c in overview.clusters]
        assert sizes == sorted(sizes, reverse=True) and sum(sizes) <= kept.height
        assert all(abs(c.share - c.size / kept.height) < 1e-9 for c in overview.clusters)
        prompts = {cut(p) for p in kept["prompt"].to_list()}
        assert {c.title for c in overview.clusters} <= prompts

    shutil.rmtree(dedup_workspace / "cache" / "embeddings")
    async with CurateApp(dedup_workspace).run_test(size=(120, 36)) as pilot:
        topics = await open_topics(pilot)
        assert topics.overview is None and topics.note == NO_VECTORS


@pytest.mark.anyio
async def test_a_run_without_semantic_dedup_says_in_one_line_how_to_get_topics(
    finished_run: RunOutcome,
) -> None:
    async with CurateApp(finished_run.run_dir.parent.parent).run_test(size=(80, 24)) as pilot:
        topics = await open_topics(pilot)
        assert topics.overview is None and topics.note == NO_EMBEDDINGS


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_home_topics_snapshot(
    snap_compare: SnapCompare,
    dedup_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    fix_run_listing(monkeypatch, "dedup-run")

    async def show_topics(pilot: Pilot[None]) -> None:
        await open_topics(pilot)

    app = CurateApp(dedup_workspace)
    assert snap_compare(app, terminal_size=size, run_before=show_topics)
