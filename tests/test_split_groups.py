"""split groups are the sets dedup merged, and a split far from its ratios is reported."""

from __future__ import annotations

import polars as pl
import pytest

from curate.errors import CurateError
from curate.stages.split import SplitConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, run_stage


def templated(tmp_path, n: int = 300) -> pl.DataFrame:
    """Rows a single-linkage chain put in one cluster, as templated data does."""
    rows = [chat(f"Template question {i}?", f"Template answer {i}.") for i in range(n)]
    return batch_of(tmp_path, rows).with_columns(
        cluster_id=pl.lit("one-chain"), cluster_size=pl.lit(n, pl.Int32)
    )


def test_a_chained_cluster_is_not_a_split_group_by_default(tmp_path):
    result = run_stage(SplitConfig().build(), templated(tmp_path), tmp_path)
    sizes = dict(result.kept.group_by("split").len().iter_rows())
    assert sizes == {"train": 240, "eval": 30, "test": 30}
    assert "warnings" not in result.metrics


def test_merged_sets_stay_whole(tmp_path):
    batch = templated(tmp_path).with_columns(
        dedup_group=pl.when(pl.col("row") < 6).then(pl.lit("merged")).otherwise(None)
    )
    kept = run_stage(SplitConfig(seed=1).build(), batch, tmp_path).kept
    assert kept.filter(pl.col("dedup_group") == "merged")["split"].n_unique() == 1


def test_a_split_far_from_its_ratios_warns_and_min_eval_rows_fails(tmp_path):
    batch = templated(tmp_path)
    result = run_stage(SplitConfig(group="cluster_id").build(), batch, tmp_path)
    assert result.metrics["largest_group"] == 300
    assert "eval holds 0.0% of the rows, not 10%" in result.metrics["warnings"]
    with pytest.raises(CurateError, match="eval got 0 rows, fewer than min_eval_rows"):
        run_stage(SplitConfig(group="cluster_id", min_eval_rows=1).build(), batch, tmp_path)
