"""split: seeded, deterministic, stratified, group-aware, and proven leak-free."""

from __future__ import annotations

import random

import polars as pl
import pytest

from curate.dedup.leakage import assert_no_leakage, find_leaks
from curate.errors import LeakageError
from curate.stages.split import SplitConfig, SplitRatios
from tests.conftest import chat
from tests.stage_helpers import batch_of, run_stage

CATEGORIES = ["billing", "shipping", "returns", "account"]


def many_rows(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    return [
        chat(
            f"Question {i} about order {rng.randint(1, 10**6)}?",
            f"Answer number {i}, long enough to pass.",
            category=CATEGORIES[i % 4],
        )
        for i in range(n)
    ]


def assignment(result) -> dict[int, str]:
    return dict(result.kept.select("row", "split").iter_rows())


def test_same_input_and_seed_give_the_same_split(tmp_path):
    batch = batch_of(tmp_path, many_rows(300))
    first = run_stage(SplitConfig(seed=5).build(), batch, tmp_path)
    again = run_stage(
        SplitConfig(seed=5).build(), batch.sample(fraction=1.0, shuffle=True, seed=3), tmp_path
    )
    other = run_stage(SplitConfig(seed=6).build(), batch, tmp_path)
    assert assignment(first) == assignment(again)
    assert assignment(first) != assignment(other)
    assert first.rejected.height == 0


def test_ratios_are_met_and_configurable(tmp_path):
    batch = batch_of(tmp_path, many_rows(1000))
    sizes = run_stage(SplitConfig().build(), batch, tmp_path).kept["split"].value_counts()
    assert dict(sizes.iter_rows()) == {"train": 800, "eval": 100, "test": 100}
    config = SplitConfig(ratios=SplitRatios(train=0.5, eval=0.0, test=0.5))
    sizes = run_stage(config.build(), batch, tmp_path).kept["split"].value_counts()
    assert dict(sizes.iter_rows()) == {"train": 500, "test": 500}


def test_ratios_must_add_up_to_one():
    with pytest.raises(ValueError, match=r"add up to 1\.1"):
        SplitRatios(train=0.8, eval=0.2, test=0.1)


def test_stratify_spreads_each_value_by_the_ratios(tmp_path):
    batch = batch_of(tmp_path, many_rows(400))
    kept = run_stage(SplitConfig(stratify="category", seed=2).build(), batch, tmp_path).kept
    counts = kept.with_columns(cat=pl.col("meta").str.json_path_match("$.category"))
    table = {(c, s): n for c, s, n in counts.group_by("cat", "split").len().iter_rows()}
    for category in CATEGORIES:
        assert table[(category, "train")] == 80
        assert table[(category, "eval")] == 10
        assert table[(category, "test")] == 10


def test_group_column_never_spans_two_splits(tmp_path):
    batch = batch_of(tmp_path, many_rows(500)).with_columns(
        cluster_id=(pl.col("row") // 7).cast(pl.String)
    )
    kept = run_stage(SplitConfig(group="cluster_id").build(), batch, tmp_path).kept
    per_group = kept.group_by("cluster_id").agg(pl.col("split").n_unique())
    assert per_group["split"].max() == 1
    assert kept["split"].n_unique() == 3


def test_normalised_duplicates_stay_together_without_dedup(tmp_path):
    rows = many_rows(200)
    twins = [
        chat(r["messages"][0]["content"].upper(), r["messages"][1]["content"] + "!")
        for r in rows[:60]
    ]
    kept = run_stage(SplitConfig().build(), batch_of(tmp_path, rows + twins), tmp_path).kept
    split_of = dict(kept.select("source_line", "split").iter_rows())
    for i in range(60):
        assert split_of[i + 1] == split_of[200 + i + 1]


def test_leakage_check_names_the_leaking_examples(tmp_path):
    batch = batch_of(tmp_path, many_rows(4), "d.jsonl")
    leaky = batch.with_columns(split=pl.Series(["train", "test", "eval", "train"])).vstack(
        batch.head(1).with_columns(split=pl.lit("test"))
    )
    problems = find_leaks(leaky)
    assert problems == [
        "id of d.jsonl line 1 is in test+train",
        "normalised text of d.jsonl line 1 is in test+train",
        "prompt of d.jsonl line 1 is in test+train",
    ]
    with pytest.raises(LeakageError, match=r"split leakage: id of d\.jsonl line 1"):
        assert_no_leakage(leaky)
    assert_no_leakage(leaky.head(4))
