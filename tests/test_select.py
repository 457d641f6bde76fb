"""select: each strategy on small fixtures, every left-out row explained, IFD cached."""

from __future__ import annotations

import sys
from collections import Counter

import polars as pl
import pytest
from pydantic import ValidationError

from curate.errors import CurateError
from curate.runs.runner import run_pipeline
from curate.runs.views import load_examples
from curate.selection import group_quotas, target_count
from curate.selection.answer_loss import AnswerLossModel
from curate.stages.base import RunContext
from curate.stages.select import SelectConfig
from curate.stages.semantic_dedup import SemanticDedupConfig
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl
from tests.near_duplicates import BASE, OTHERS, REWORDED
from tests.stage_helpers import batch_of, run_stage

# judge scores for BASE (lines 1-6), then for the rewordings of BASE[0..2] (lines 7-9): each
# twin scores just below its original and above the other three, so a plain quality cut
# takes both copies and a diverse one must not
BASE_SCORES = [5.0, 4.9, 4.8, 2.0, 1.5, 1.0]
TWIN_SCORES = [4.95, 4.85, 4.75]


def judged_batch(tmp_path):
    rows = [chat(q, a) for q, a in BASE] + [chat(q, a) for q, a in REWORDED]
    batch = batch_of(tmp_path, rows, "d.jsonl")
    return batch.with_columns(judge_score=pl.Series(BASE_SCORES + TWIN_SCORES))


def kept_lines(result) -> list[int]:
    return sorted(result.kept["source_line"].to_list())


def select(tmp_path, batch, **options):
    return run_stage(SelectConfig(**options).build(), batch, tmp_path)


def test_quality_keeps_the_best_judge_scores(tmp_path):
    result = select(tmp_path, judged_batch(tmp_path), size=5, strategy="quality")
    assert kept_lines(result) == [1, 2, 3, 7, 8]
    assert result.metrics["quality_source"] == "judge"
    worst = result.rejected.filter(pl.col("source_line") == 6).row(0, named=True)
    assert worst["reason"] == "select.not_selected"
    assert worst["select_quality"] == 1.0 and worst["select_rank"] == 9
    assert worst["detail"] == (
        "d.jsonl line 6: not selected (quality kept 5 of 9): judge score 1.000, rank 9"
    )


def test_quality_diverse_skips_a_near_copy_of_a_chosen_row(tmp_path):
    batch = judged_batch(tmp_path)
    result = select(tmp_path, batch, size=5, strategy="quality_diverse")
    assert kept_lines(result) == [1, 2, 3, 4, 5]
    assert result.metrics["skipped_too_close"] == 3
    ids = dict(zip(batch["source_line"], batch["id"], strict=True))
    for twin, original in ((7, 1), (8, 2), (9, 3)):
        row = result.rejected.filter(pl.col("source_line") == twin).row(0, named=True)
        assert row["related_id"] == ids[original]
        assert row["select_cosine"] > 0.9
        assert f"to chosen {ids[original]} is above max_cosine 0.9" in row["detail"]


def test_min_distance_is_one_minus_max_cosine(tmp_path):
    loose = SelectConfig(share=0.5, strategy="diverse", min_distance=0.02)
    assert loose.cosine_limit() == pytest.approx(0.98)
    # with the limit above every twin's cosine, the quality order alone decides
    result = select(tmp_path, judged_batch(tmp_path), size=5, max_cosine=0.999)
    assert kept_lines(result) == [1, 2, 3, 7, 8]


def test_diverse_never_keeps_both_copies_and_reuses_dedup_embeddings(tmp_path):
    batch = batch_of(tmp_path, [chat(q, a) for q, a in BASE + REWORDED], "d.jsonl")
    run_stage(SemanticDedupConfig().build(), batch, tmp_path)
    result = select(tmp_path, batch, size=6, strategy="diverse", seed=3)
    assert result.metrics["embedded"] == 0 and result.metrics["embeddings_cached"] == 9
    assert result.kept.height == 6 and result.metrics["admitted_over_max_cosine"] == 0
    lines = set(result.kept["source_line"].to_list())
    for twin, original in ((7, 1), (8, 2), (9, 3)):
        assert (twin in lines) != (original in lines)
    assert {4, 5, 6} <= lines


def test_too_close_rows_fill_the_target_when_nothing_else_is_left(tmp_path):
    variants = ["", " please", " now", " today"]
    rows = [
        chat(f"How do I reset my password{v}?", "Use the Forgot password link.") for v in variants
    ]
    result = select(tmp_path, batch_of(tmp_path, rows), size=3, strategy="diverse")
    assert result.kept.height == 3
    assert result.metrics["admitted_over_max_cosine"] == 2


def test_random_is_a_seeded_control(tmp_path):
    rows = [chat(q, a) for q, a in BASE + OTHERS]
    batch = batch_of(tmp_path, rows)
    first = select(tmp_path, batch, share=0.25, strategy="random", seed=7)
    again = select(tmp_path, batch, share=0.25, strategy="random", seed=7)
    other = select(tmp_path, batch, share=0.25, strategy="random", seed=8)
    assert first.kept.height == target_count(16, share=0.25) == 4
    assert first.kept.equals(again.kept) and first.rejected.equals(again.rejected)
    assert kept_lines(first) != kept_lines(other)
    assert "select_quality" in first.kept.columns
    assert first.kept["select_quality"].null_count() == 4  # random scores nothing


def test_balance_gives_each_meta_value_an_equal_share(tmp_path):
    categories = ["a"] * 6 + ["b"] * 2 + ["c"]
    rows = [
        chat(f"Question {i}?", f"Answer number {i}.", category=c) for i, c in enumerate(categories)
    ]
    result = select(
        tmp_path, batch_of(tmp_path, rows), size=6, strategy="random", balance="category"
    )
    groups = Counter(result.kept["select_group"].to_list())
    assert groups == {"category=a": 3, "category=b": 2, "category=c": 1}
    assert result.metrics["groups"] == 3


def test_balance_over_topic_clusters(tmp_path):
    passwords = [
        chat(f"How do I reset my password{v}?", "Use the Forgot password link on sign-in.")
        for v in ("", " please", " quickly", " on the app", " on the website", " today")
    ]
    tents = [
        chat("What does the Ridge 2 tent weigh?", "The Ridge 2 weighs 1.9 kg with poles."),
        chat("Is the Ridge 2 tent waterproof?", "Its fly has a 3000 mm hydrostatic head."),
    ]
    batch = batch_of(tmp_path, passwords + tents)
    result = select(tmp_path, batch, size=4, strategy="random", balance="clusters", clusters=2)
    assert {7, 8} <= set(kept_lines(result))
    assert result.kept["select_group"].n_unique() == 2


def test_group_quotas_share_what_small_groups_cannot_take():
    assert group_quotas({"a": 6, "b": 2, "c": 1}, 6) == {"a": 3, "b": 2, "c": 1}
    assert group_quotas({"a": 5, "b": 5}, 3) == {"a": 2, "b": 1}
    assert group_quotas({"a": 1, "b": 1}, 10) == {"a": 1, "b": 1}
    assert target_count(10, size=50) == 10 and target_count(10, share=0.25) == 3


def test_a_target_covering_the_set_keeps_everything(tmp_path):
    result = select(tmp_path, judged_batch(tmp_path), size=20, strategy="quality")
    assert result.kept.height == 9 and result.rejected.height == 0


def test_progress_counts_each_row_once_over_both_passes(tmp_path):
    seen: list[int] = []
    ctx = RunContext(run_dir=tmp_path, workspace=tmp_path, progress=seen.append)
    stage = SelectConfig(size=4, strategy="quality_diverse").build()
    stage.run(judged_batch(tmp_path), ctx)
    assert sum(seen) == 9


def test_config_needs_one_target_and_limits_only_where_they_apply():
    with pytest.raises(ValidationError, match="exactly one of size"):
        SelectConfig(size=10, share=0.5)
    with pytest.raises(ValidationError, match="exactly one of size"):
        SelectConfig()
    with pytest.raises(ValidationError, match="not random"):
        SelectConfig(size=10, strategy="random", max_cosine=0.8)
    with pytest.raises(ValidationError, match="not both"):
        SelectConfig(size=10, max_cosine=0.8, min_distance=0.2)


def test_without_transformers_ifd_is_a_one_line_error_naming_the_extra(tmp_path, monkeypatch):
    batch = judged_batch(tmp_path)
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(CurateError) as caught:
        select(tmp_path, batch.drop("judge_score"), size=3, strategy="quality")
    assert "train extra" in str(caught.value) and "\n" not in str(caught.value)
    # judge scores, or a strategy that ranks nothing, need no model
    assert select(tmp_path, batch, size=3, strategy="quality").kept.height == 3
    assert select(tmp_path, batch, size=3, strategy="random").kept.height == 3


def test_quality_judge_without_scores_says_what_to_do(tmp_path):
    batch = batch_of(tmp_path, [chat(q, a) for q, a in BASE])
    with pytest.raises(CurateError, match="no row has a judge_score"):
        select(tmp_path, batch, size=3, strategy="quality", quality="judge")


IFD_ROWS = [
    chat("Repeat exactly: the blue heron fishes at dawn.", "the blue heron fishes at dawn."),
    chat("What is the capital of France?", "The capital of France is Paris."),
    chat("What is 2 + 2?", "Purple elephants dance quietly beneath the silver moon."),
    chat("Spell the word cat backwards.", "tac"),
]


def test_ifd_ranks_by_how_little_the_prompt_helps_and_is_cached(tmp_path, monkeypatch):
    batch = batch_of(tmp_path, IFD_ROWS)
    first = select(tmp_path, batch, size=2, strategy="quality")
    assert first.metrics["quality_source"] == "ifd"
    assert first.metrics["ifd_computed"] == 4 and first.metrics["ifd_cached"] == 0
    scores = dict(
        pl.concat([first.kept, first.rejected], how="diagonal")
        .select("source_line", "select_quality")
        .iter_rows()
    )
    # the prompt gives the echoed answer away; it says nothing about the unrelated one
    assert scores[1] < 0.5 < scores[3]
    assert 3 in kept_lines(first) and 1 not in kept_lines(first)
    (cache_file,) = (tmp_path / "cache" / "ifd").glob("*.parquet")
    assert pl.read_parquet(cache_file).height == 4

    def no_weights(self):
        raise AssertionError("a rerun must not load the model")

    monkeypatch.setattr(AnswerLossModel, "_load", no_weights)
    again = select(tmp_path, batch, size=2, strategy="quality")
    assert again.metrics["ifd_computed"] == 0 and again.metrics["ifd_cached"] == 4
    assert again.kept.equals(first.kept) and again.rejected.equals(first.rejected)


def test_ifd_model_may_be_any_local_model_folder(tmp_path):
    from curate.local_models import resolve_model

    batch = batch_of(tmp_path, IFD_ROWS[:2])
    result = select(tmp_path, batch, size=1, strategy="quality", model=str(resolve_model(None)))
    assert result.metrics["ifd_computed"] == 2
    (tmp_path / "empty").mkdir()
    with pytest.raises(CurateError, match=r"no config\.json"):
        select(tmp_path, batch, size=1, strategy="quality", model=str(tmp_path / "empty"))


def test_pipeline_rejections_are_accounted_for_and_a_person_can_keep_one(tmp_path):
    rows = [chat(q, a) for q, a in BASE + OTHERS]
    write_jsonl(tmp_path / "d.jsonl", rows)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(
        "inputs: [d.jsonl]\nstages:\n  - validate\n"
        "  - select: {share: 0.25, strategy: random, seed: 1}\n"
        "  - split: {ratios: {train: 1.0, eval: 0.0, test: 0.0}}\n"
    )
    first = run_pipeline(pipeline)
    stage = next(s for s in first.manifest.stages if s.name == "select")
    assert (stage.input, stage.kept, stage.rejected) == (16, 4, 12)
    assert stage.reasons == {"select.not_selected": 12}
    frame = load_examples(first.run_dir)
    left_out = frame.filter(pl.col("reason") == "select.not_selected")
    assert left_out.height == 12 and left_out["detail"].str.contains("not selected").all()
    with WorkspaceDB(tmp_path) as store:
        store.set_override(left_out["id"][0], "keep", "a rare question we need")
    second = run_pipeline(pipeline)
    stage = next(s for s in second.manifest.stages if s.name == "select")
    assert stage.kept == 5 and stage.metrics["rescued_by_override"] == 1
    assert second.manifest.totals.train == 5


def test_reruns_in_fresh_workspaces_choose_the_same_rows(tmp_path):
    chosen = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        batch = judged_batch(folder)
        result = select(folder, batch, share=0.5, strategy="quality_diverse", seed=5)
        chosen.append((result.kept["id"].to_list(), result.rejected["detail"].to_list()))
    assert chosen[0] == chosen[1]
