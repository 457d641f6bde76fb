"""semantic_dedup with a static prefilter: MiniLM decides, but embeds only candidate texts."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from curate.dedup.leakage import semantic_leaks
from curate.stages.semantic_dedup import SemanticDedupConfig
from tests.conftest import chat
from tests.near_duplicates import OTHERS
from tests.stage_helpers import batch_of, run_stage
from tests.test_semantic_dedup import fact_rows, rows

pytest.importorskip("model2vec")


def cascade(**settings: object) -> SemanticDedupConfig:
    """MiniLM at 0.9 behind the static prefilter (0.85 unless ``settings`` say otherwise)."""
    return SemanticDedupConfig(
        **{"threshold": 0.9, "keep": "first", "prefilter": "static", **settings}
    )


def many_rows() -> list[dict]:
    """The reworded twins and fact variants, plus unrelated questions the prefilter passes by."""
    return fact_rows() + [chat(q, a) for q, a in OTHERS]


def test_cascade_finds_the_pairs_minilm_finds_and_embeds_fewer(tmp_path):
    batch = batch_of(tmp_path, many_rows(), "d.jsonl")
    alone = run_stage(SemanticDedupConfig(threshold=0.9, keep="first").build(), batch, tmp_path)
    found = run_stage(cascade().build(), batch, tmp_path / "cascade")
    assert sorted(alone.rejected["source_line"].to_list()) == [7, 8, 9]
    assert found.rejected["source_line"].to_list() == alone.rejected["source_line"].to_list()
    assert found.rejected["related_id"].to_list() == alone.rejected["related_id"].to_list()
    m = found.metrics
    assert m["prefilter_embedded"] == batch.height
    assert 6 <= m["rescored"] < batch.height, "MiniLM embeds only the texts of candidates"
    assert m["embedded"] == m["rescored"] and m["cached"] == 0
    assert m["protected_pairs"] == alone.metrics["protected_pairs"] == 4
    assert found.rejected["reason"].unique().to_list() == ["dedup.semantic"]


def test_cascade_equals_minilm_when_every_pair_is_a_candidate(tmp_path):
    batch = batch_of(tmp_path, many_rows(), "d.jsonl")
    for keep in ("first", "longest"):
        plain = SemanticDedupConfig(threshold=0.9, keep=keep)
        alone = run_stage(plain.build(), batch, tmp_path)
        wide = plain.model_copy(update={"prefilter": "static", "prefilter_threshold": 0.01})
        found = run_stage(wide.build(), batch, tmp_path)
        assert found.metrics["rescored"] == batch.height
        assert found.kept.equals(alone.kept), keep
        assert found.rejected.equals(alone.rejected), keep
        assert found.metrics["pairs"] == alone.metrics["pairs"]


def test_a_warm_rerun_loads_no_model(tmp_path, monkeypatch):
    batch = batch_of(tmp_path, many_rows(), "d.jsonl")
    first = run_stage(cascade().build(), batch, tmp_path)
    plain = run_stage(SemanticDedupConfig(threshold=0.9).build(), batch, tmp_path)

    def no_model(*_: object, **__: object) -> None:
        raise AssertionError("a warm rerun must not load an encoder")

    monkeypatch.setattr("curate.embed.load_encoder", no_model)
    again = run_stage(cascade().build(), batch, tmp_path)
    assert (again.metrics["embedded"], again.metrics["prefilter_embedded"]) == (0, 0)
    assert again.metrics["cached"] == first.metrics["rescored"]
    assert again.rejected.equals(first.rejected) and again.kept.equals(first.kept)
    plain_again = run_stage(SemanticDedupConfig(threshold=0.9).build(), batch, tmp_path)
    assert plain_again.metrics["embedded"] == 0
    assert plain_again.rejected.equals(plain.rejected)
    with pytest.raises(AssertionError, match="must not load"):
        more = batch_of(
            tmp_path, [*rows(), chat("Is the store open on Sunday?", "Yes.")], "m.jsonl"
        )
        run_stage(cascade(prefilter_threshold=0.01).build(), more, tmp_path)


def test_split_leak_check_uses_the_cascade(tmp_path):
    batch = batch_of(tmp_path, rows(), "d.jsonl")
    split = ["train"] * 6 + ["test", "train", "train"]
    leaky = batch.with_columns(split=pl.Series(split))
    leaks = semantic_leaks(leaky, cascade().spec(), tmp_path)
    assert len(leaks) == 1
    assert leaks[0].startswith("test example d.jsonl line 7 has train neighbour d.jsonl line 1")
    assert (
        semantic_leaks(leaky, cascade(threshold=0.999, prefilter_threshold=0.99).spec(), tmp_path)
        == []
    )


def test_a_prefilter_above_the_threshold_is_refused():
    with pytest.raises(ValidationError, match=r"prefilter_threshold 0\.95 is above threshold 0\.9"):
        cascade(prefilter_threshold=0.95)
    assert SemanticDedupConfig(threshold=0.9, prefilter_threshold=0.95).prefilter is None
