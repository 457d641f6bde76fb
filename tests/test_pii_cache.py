"""PII analyzer hits are cached per text and analysis: a rerun runs no NER on seen texts."""

from __future__ import annotations

import pytest

pytest.importorskip("presidio_analyzer")

from curate.stages.pii import PiiConfig
from tests.conftest import chat
from tests.stage_helpers import batch_of, run_stage

ROWS = [
    chat("Hi, this is Dana Whitcombe, dana@example.com.", "Thanks, Dana. Noted."),
    chat("Call me at 503-555-0178 about my tent.", "We will call you today."),
]


def test_a_rerun_takes_every_hit_from_the_cache_and_finds_the_same(tmp_path):
    batch = batch_of(tmp_path, ROWS)
    first = run_stage(PiiConfig().build(), batch, tmp_path)
    again = run_stage(PiiConfig().build(), batch, tmp_path)
    assert first.metrics["texts_from_cache"] == 0
    assert again.metrics["texts_from_cache"] == again.metrics["texts_analyzed"] == 4
    assert again.kept["messages"].to_list() == first.kept["messages"].to_list()
    assert again.kept["pii"].to_list() == first.kept["pii"].to_list()
    assert list((tmp_path / "cache" / "pii").glob("*/shard-*.parquet"))


def test_only_new_texts_are_analysed_and_other_settings_reuse_the_hits(tmp_path):
    run_stage(PiiConfig().build(), batch_of(tmp_path, ROWS), tmp_path)
    more = [*ROWS, chat("Is the Alder fleece warm?", "Yes, very warm.")]
    grown = run_stage(PiiConfig().build(), batch_of(tmp_path, more), tmp_path)
    assert grown.metrics["texts_analyzed"] == 6 and grown.metrics["texts_from_cache"] == 4
    # thresholds and actions act on cached hits; the entity list changes the analysis
    stricter = run_stage(PiiConfig(score_threshold=0.9).build(), batch_of(tmp_path, more), tmp_path)
    assert stricter.metrics["texts_from_cache"] == 6
    narrower = PiiConfig(entities=["EMAIL_ADDRESS", "PERSON"])
    assert (
        run_stage(narrower.build(), batch_of(tmp_path, more), tmp_path).metrics["texts_from_cache"]
        == 0
    )


def test_the_cache_can_be_turned_off(tmp_path):
    run_stage(PiiConfig(cache=False).build(), batch_of(tmp_path, ROWS), tmp_path)
    assert not (tmp_path / "cache" / "pii").exists()
