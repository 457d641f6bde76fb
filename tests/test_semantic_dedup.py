"""semantic_dedup: paraphrases found and explained, cached embeddings, leak-free splits."""

from __future__ import annotations

import json
import re

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.dedup.neighbours import clusters_from_pairs, direct_duplicates, near_duplicate_pairs
from curate.errors import CurateError
from curate.runs.runner import run_pipeline
from curate.stages.semantic_dedup import SemanticDedupConfig
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl
from tests.near_duplicates import BASE, FACT_VARIANTS, OTHERS, REWORDED
from tests.stage_helpers import batch_of, run_stage

# (question, answer) pairs; each has a light rewording written for this test.


def rows() -> list[dict]:
    base = [chat(q, a, ticket=i) for i, (q, a) in enumerate(BASE)]
    twins = [
        chat(q, a + " Thanks for asking!", ticket=100 + i) for i, (q, a) in enumerate(REWORDED)
    ]
    return base + twins


def test_reworded_examples_are_found_and_explained(tmp_path):
    stage = SemanticDedupConfig(threshold=0.9, keep="first").build()
    result = run_stage(stage, batch_of(tmp_path, rows(), "d.jsonl"), tmp_path)
    assert sorted(result.rejected["source_line"].to_list()) == [7, 8, 9]
    by_line = {r["source_line"]: r for r in result.rejected.iter_rows(named=True)}
    kept_ids = dict(zip(result.kept["source_line"], result.kept["id"], strict=True))
    for twin_line, base_line in ((7, 1), (8, 2), (9, 3)):
        rejected = by_line[twin_line]
        assert rejected["reason"] == "dedup.semantic"
        assert rejected["related_id"] == kept_ids[base_line] == rejected["cluster_id"]
        assert rejected["similarity"] >= 0.9
        assert rejected["detail"].startswith(
            f"d.jsonl line {twin_line}: near-duplicate of "
            f"d.jsonl line {base_line} (id {kept_ids[base_line]})"
        )
    singles = result.kept.filter(pl.col("source_line") > 3)
    assert singles["cluster_id"].null_count() == singles.height
    assert result.metrics["clusters"] == 3 and result.metrics["pairs"] == 3
    # the set each merge made: the kept example and the rows dropped as its twins
    assert result.rejected["dedup_group"].to_list() == result.rejected["related_id"].to_list()
    bases = result.kept.filter(pl.col("source_line") <= 3)
    assert bases["dedup_group"].to_list() == bases["id"].to_list()
    assert singles["dedup_group"].null_count() == singles.height


def test_keep_rules_choose_the_member_kept(tmp_path):
    batch = batch_of(tmp_path, rows()).with_columns(score=pl.col("row").cast(pl.Float64))
    longest = run_stage(SemanticDedupConfig(threshold=0.9).build(), batch, tmp_path)
    assert sorted(longest.kept["source_line"].to_list()) == [4, 5, 6, 7, 8, 9]
    scored = run_stage(
        SemanticDedupConfig(threshold=0.9, keep="score:score").build(), batch, tmp_path
    )
    assert sorted(scored.kept["source_line"].to_list()) == [4, 5, 6, 7, 8, 9]
    first = run_stage(SemanticDedupConfig(threshold=0.9, keep="first").build(), batch, tmp_path)
    assert sorted(first.kept["source_line"].to_list()) == [1, 2, 3, 4, 5, 6]


def test_rerun_and_new_threshold_embed_nothing(tmp_path):
    batch = batch_of(tmp_path, rows())
    first = run_stage(SemanticDedupConfig().build(), batch, tmp_path)
    assert first.metrics["embedded"] == batch.height
    again = run_stage(SemanticDedupConfig(threshold=0.8).build(), batch, tmp_path)
    assert again.metrics["embedded"] == 0 and again.metrics["cached"] == batch.height
    more = batch_of(
        tmp_path, [*rows(), chat("Is the store open on Sunday?", "Yes, 10 to 4.")], "more.jsonl"
    )
    assert run_stage(SemanticDedupConfig().build(), more, tmp_path).metrics["embedded"] == 1


def test_approximate_index_recall_against_exact_search():
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(2000, 64)).astype(np.float32)
    noise = 0.15 * rng.normal(size=(2000, 64)).astype(np.float32)
    vectors = np.concatenate([centres, centres[:600] + noise[:600]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = set(zip(*near_duplicate_pairs(vectors, 0.9, index="exact")[:2], strict=True))
    approx = set(zip(*near_duplicate_pairs(vectors, 0.9, index="hnsw")[:2], strict=True))
    assert len(exact) >= 550
    recall = len(exact & approx) / len(exact)
    assert recall >= 0.98, recall
    assert approx <= exact
    labels = clusters_from_pairs(len(vectors), *map(np.array, zip(*sorted(exact), strict=True)))
    assert len(set(labels)) == len(vectors) - len(exact)


def test_a_huge_template_cluster_stays_one_cluster_with_bounded_pairs():
    rng = np.random.default_rng(3)
    template = rng.normal(size=(1, 32)).astype(np.float32)
    copies = template + 0.01 * rng.normal(size=(3000, 32)).astype(np.float32)
    others = rng.normal(size=(500, 32)).astype(np.float32)
    vectors = np.concatenate([copies, others])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    i, j, sims = near_duplicate_pairs(vectors, 0.95, index="exact", max_neighbours=40)
    assert len(i) <= 3000 * 40, "each vector keeps at most 40 neighbours, not 4.5M pairs"
    assert sims.min() >= 0.95
    labels = clusters_from_pairs(len(vectors), i, j)
    assert len(set(labels[:3000])) == 1
    assert len(set(labels[3000:])) == 500 and not set(labels[:3000]) & set(labels[3000:])


def test_approximate_index_keeps_big_clusters_of_copies_whole():
    rng = np.random.default_rng(11)
    centres = rng.normal(size=(100, 48)).astype(np.float32)
    copies = np.repeat(centres, 200, axis=0)  # the same text 200 times over
    variants = np.repeat(centres, 60, axis=0) + 0.08 * rng.normal(size=(6000, 48))
    singles = rng.normal(size=(3000, 48))
    vectors = np.concatenate([copies, variants, singles]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = clusters_from_pairs(len(vectors), *near_duplicate_pairs(vectors, 0.95)[:2])
    approx = clusters_from_pairs(
        len(vectors), *near_duplicate_pairs(vectors, 0.95, index="hnsw")[:2]
    )
    assert len(set(exact)) == 100 + 3000
    same_partition = pl.DataFrame({"e": exact, "a": approx}).unique().height
    assert same_partition == len(set(exact)) == len(set(approx))


def test_a_chain_of_near_duplicates_drops_only_direct_copies_of_a_kept_example():
    angle = np.radians([0.0, 20.0, 40.0, 60.0])  # neighbours 20 degrees apart: cosine 0.94
    vectors = np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)
    i, j, sims = near_duplicate_pairs(vectors, 0.9)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (1, 2), (2, 3)]
    assert len(set(clusters_from_pairs(4, i, j))) == 1, "one chain, one group for split"
    duplicate_of, cosine = direct_duplicates(np.array([0, 1, 2, 3]), i, j, sims)
    # 1 repeats 0; 2 is 40 degrees from 0 (cosine 0.77), so it stays, and 3 repeats 2
    assert duplicate_of.tolist() == [-1, 0, -1, 2]
    assert cosine[1] == pytest.approx(np.cos(np.radians(20)), abs=1e-6)


def test_a_pair_exactly_at_the_threshold_counts_on_both_indexes():
    vectors = np.array([[1, 0], [1, 0], [0.6, 0.8]], dtype=np.float32)
    for index in ("exact", "hnsw"):
        i, j, _ = near_duplicate_pairs(vectors, 1.0, index=index)
        assert (i.tolist(), j.tolist()) == ([0], [1]), index
        i, j, _ = near_duplicate_pairs(vectors, 0.6, index=index)
        # HNSW links a copy to its twin only, so its pairs are fewer but connect the same
        assert (0, 2) in set(zip(i.tolist(), j.tolist(), strict=True)), index
        assert len(set(clusters_from_pairs(3, i, j))) == 1, index
    assert len(near_duplicate_pairs(vectors, 0.6, index="exact")[0]) == 3


def test_clusters_never_cross_splits_even_when_a_member_is_kept(tmp_path):
    data = rows() + [chat(q, a) for q, a in OTHERS]
    write_jsonl(tmp_path / "d.jsonl", data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(
        "inputs: [d.jsonl]\nstages:\n  - validate\n"
        "  - semantic_dedup: {threshold: 0.9, keep: first}\n  - split\n"
    )
    first = run_pipeline(pipeline)
    rejected = first.run_dir / "export" / "rejected.jsonl"
    assert rejected.read_text().count("dedup.semantic") == 3
    twin_id = next(s for s in first.manifest.stages if s.name == "semantic_dedup")
    assert twin_id.rejected == 3
    from curate.runs.views import load_examples

    frame = load_examples(first.run_dir)
    dropped = frame.filter(pl.col("reason") == "dedup.semantic")
    with WorkspaceDB(tmp_path) as store:
        for member in dropped["id"]:
            store.set_override(member, "keep", "a useful variant")
    second = run_pipeline(pipeline)
    kept = load_examples(second.run_dir).filter(pl.col("status") == "kept")
    clustered = kept.filter(pl.col("cluster_id").is_not_null())
    assert clustered.height == 6
    assert clustered.group_by("cluster_id").agg(pl.col("split").n_unique())["split"].max() == 1


def test_semantic_leak_check_names_the_pair(tmp_path):
    from curate.dedup.leakage import semantic_leaks

    batch = batch_of(tmp_path, rows(), "d.jsonl")
    split = ["train"] * 6 + ["test", "train", "train"]
    leaks = semantic_leaks(
        batch.with_columns(split=pl.Series(split)),
        SemanticDedupConfig(threshold=0.9).spec(),
        tmp_path,
    )
    assert len(leaks) == 1
    named = r"test example d\.jsonl line 7 has train neighbour d\.jsonl line 1 at cosine 0\.9"
    assert re.match(named, leaks[0])


def test_split_pulls_a_missed_near_duplicate_into_train(tmp_path):
    from curate.dedup.leakage import pull_leaks_into_train, semantic_leaks

    config = SemanticDedupConfig(threshold=0.9).spec()
    batch = batch_of(tmp_path, rows(), "d.jsonl")
    # lines 7 and 8 are twins of lines 1 and 2 that dedup did not link (say an approximate
    # index missed them); 8 shares a group with line 6, which must move with it; line 9 is
    # the twin of line 3 and both are in test, which is no leak
    split = ["train", "train", "test", "train", "train", "eval", "test", "eval", "test"]
    groups = [1, 2, 3, 4, 5, 8, 7, 8, 9]
    leaky = batch.with_columns(split=pl.Series(split), g=pl.Series(groups))
    assert len(semantic_leaks(leaky, config, tmp_path)) == 2
    fixed, moved = pull_leaks_into_train(leaky, config, tmp_path, "g")
    assert moved == 3
    by_line = dict(zip(fixed["source_line"], fixed["split"], strict=True))
    assert [by_line[line] for line in (3, 6, 7, 8, 9)] == [
        "test",
        "train",
        "train",
        "train",
        "test",
    ]
    assert semantic_leaks(fixed, config, tmp_path) == []
    assert fixed.drop("split").equals(leaky.drop("split"))


def test_bad_model_path_is_a_clear_error(tmp_path):
    batch = batch_of(tmp_path, rows())
    with pytest.raises(CurateError, match="embedding model not found at /no/such/model"):
        run_stage(SemanticDedupConfig(model="/no/such/model").build(), batch, tmp_path)
    (tmp_path / "broken").mkdir()
    with pytest.raises(CurateError, match="cannot load embedding model"):
        run_stage(SemanticDedupConfig(model=str(tmp_path / "broken")).build(), batch, tmp_path)


def test_dedup_explain_lists_and_shows_clusters(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", rows())
    (tmp_path / "p.yaml").write_text(
        "inputs: [d.jsonl]\nstages: [{semantic_dedup: {threshold: 0.9, keep: first}}]\n"
    )
    outcome = run_pipeline(tmp_path / "p.yaml")
    cli = CliRunner()
    listing = cli.invoke(app, ["dedup", "explain", str(outcome.run_dir)], terminal_width=200)
    assert listing.exit_code == 0, listing.output
    assert "3 clusters, 6 members" in listing.output
    cluster = outcome.manifest.stages[-2]
    assert cluster.name == "semantic_dedup"
    from curate.runs.duplicate_clusters import cluster_members

    first_cluster = cluster_members(outcome.run_dir)["cluster_id"][0]
    shown = cli.invoke(
        app,
        ["dedup", "explain", str(outcome.run_dir), "--cluster", first_cluster],
        terminal_width=200,
    )
    assert shown.exit_code == 0 and "kept" in shown.output and "dropped" in shown.output
    missing = cli.invoke(app, ["dedup", "explain", str(outcome.run_dir), "--cluster", "nope"])
    assert missing.exit_code == 2 and "no cluster nope" in missing.output


def test_a_member_marked_distinct_leaves_its_cluster(tmp_path):
    from curate.record import content_id
    from curate.stages.base import RunContext

    batch = batch_of(tmp_path, rows())
    twin = content_id(rows()[6]["messages"])
    with WorkspaceDB(tmp_path) as store:
        store.set_override(twin, "distinct", "asks about a different account")
        ctx = RunContext(run_dir=tmp_path, workspace=tmp_path, decisions=store)
        result = SemanticDedupConfig(threshold=0.9, keep="first").build().run(batch, ctx)
    assert sorted(result.rejected["source_line"].to_list()) == [8, 9]
    assert twin in result.kept["id"].to_list()


def test_an_empty_batch_passes_through(tmp_path):
    empty = batch_of(tmp_path, rows()).clear()
    result = run_stage(SemanticDedupConfig().build(), empty, tmp_path)
    assert result.kept.height == 0 and result.rejected.height == 0
    assert result.metrics["embedded"] == 0


def fact_rows() -> list[dict]:
    """The reworded twins (lines 1-9), then each fact variant pair (lines 10-17)."""
    variants = [chat(q, a) for pair in FACT_VARIANTS for q, a in pair]
    return rows() + variants


def test_pairs_whose_numbers_or_names_differ_are_never_merged(tmp_path):
    batch = batch_of(tmp_path, fact_rows(), "d.jsonl")
    unprotected = SemanticDedupConfig(threshold=0.9, keep="first", protect=[]).build()
    merged = run_stage(unprotected, batch, tmp_path)
    # the embedding alone takes each variant for its pair's twin
    assert sorted(merged.rejected["source_line"].to_list()) == [7, 8, 9, 11, 13, 15, 17]
    result = run_stage(SemanticDedupConfig(threshold=0.9, keep="first").build(), batch, tmp_path)
    assert sorted(result.rejected["source_line"].to_list()) == [7, 8, 9]
    variants = result.kept.filter(pl.col("source_line") >= 10)
    assert variants.height == 8 and variants["cluster_id"].null_count() == 8
    m = result.metrics
    assert (m["protected_pairs"], m["protected.numbers"], m["protected.entities"]) == (4, 2, 2)
    assert m["pairs"] == 3
    shown = json.loads(m["protected_examples"])
    assert "d.jsonl line 10 ~ d.jsonl line 11 (cosine" in shown[0]
    assert shown[0].endswith("numbers differ, 29, 2013 vs 17, 2010")
    assert any(s.endswith("entities differ, norway vs sweden") for s in shown)


def test_protect_can_be_narrowed_to_numbers(tmp_path):
    batch = batch_of(tmp_path, fact_rows(), "d.jsonl")
    config = SemanticDedupConfig(threshold=0.9, keep="first", protect=["numbers"])
    result = run_stage(config.build(), batch, tmp_path)
    assert sorted(result.rejected["source_line"].to_list()) == [7, 8, 9, 15, 17]
    assert result.metrics["protected_pairs"] == 2
    assert "protected.entities" not in result.metrics


def test_dedup_explain_says_which_pairs_protect_kept_apart(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", fact_rows())
    (tmp_path / "p.yaml").write_text(
        "inputs: [d.jsonl]\nstages: [{semantic_dedup: {threshold: 0.9, keep: first}}]\n"
    )
    outcome = run_pipeline(tmp_path / "p.yaml")
    listing = CliRunner().invoke(
        app, ["dedup", "explain", str(outcome.run_dir)], terminal_width=200
    )
    assert listing.exit_code == 0, listing.output
    assert "3 clusters, 6 members" in listing.output
    assert "4 pairs at or above the threshold were not linked" in listing.output
    assert "d.jsonl line 10 ~ d.jsonl line 11" in listing.output
    assert "numbers differ, 29, 2013 vs 17, 2010" in listing.output
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "close pairs not merged, their numbers or names differ: 4" in report
