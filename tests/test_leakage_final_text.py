"""Leakage and duplicates on the text that is exported: after a rewrite (PII redaction)
rows that became equal are caught, and one prompt never sits in two splits."""

from __future__ import annotations

import polars as pl
import pytest

from curate.dedup.leakage import find_leaks
from curate.runs.runner import run_pipeline
from curate.stages.split import SplitConfig
from tests.conftest import chat, write_jsonl
from tests.stage_helpers import batch_of, run_stage


def test_rows_a_redaction_made_equal_are_rejected_after_it(tmp_path):
    pytest.importorskip("presidio_analyzer")
    rows = [
        chat("Which college did Alice Smith attend?", "She studied at a state college."),
        chat("Which college did Robert Jones attend?", "She studied at a state college."),
        chat("Which college did Maria Garcia attend?", "Harvard, in 1990."),
        chat("Do you ship to Canada?", "Yes, every province."),
    ]
    write_jsonl(tmp_path / "d.jsonl", rows)
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [exact_dedup, pii, split]\n")
    outcome = run_pipeline(tmp_path / "p.yaml")
    pii = next(s for s in outcome.manifest.stages if s.name == "pii")
    assert pii.reasons == {"dedup.after_rewrite": 1}
    assert pii.metrics["duplicates_after_rewrite"] == 1
    rejected = pl.read_ndjson(outcome.run_dir / "export" / "rejected.jsonl")
    detail = rejected.filter(pl.col("reason") == "dedup.after_rewrite")["detail"][0]
    assert "d.jsonl line 2" in detail and "line 1" in detail and "after pii" in detail
    kept = pl.concat(
        pl.read_ndjson(outcome.run_dir / "export" / f"{s}.jsonl").with_columns(split=pl.lit(s))
        for s in ("train", "eval", "test")
        if (outcome.run_dir / "export" / f"{s}.jsonl").stat().st_size
    )
    assert kept.height == 3
    prompts = kept.with_columns(q=pl.col("messages").list.first().struct.field("content"))
    college = prompts.filter(pl.col("q").str.contains("college"))
    assert college["split"].n_unique() == 1, "one prompt, two answers: one split"


def test_without_exact_dedup_in_the_pipeline_nothing_is_rechecked(tmp_path):
    pytest.importorskip("presidio_analyzer")
    rows = [
        chat("Which college did Alice Smith attend?", "A state college."),
        chat("Which college did Robert Jones attend?", "A state college."),
    ]
    write_jsonl(tmp_path / "d.jsonl", rows)
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [pii]\n")
    outcome = run_pipeline(tmp_path / "p.yaml")
    assert outcome.manifest.totals.rejected == 0


def test_one_prompt_with_different_answers_lands_in_one_split(tmp_path):
    rows = [chat(f"Question {i}?", f"Answer {i}.") for i in range(40)]
    rows += [chat("Question 7?", f"Another answer, take {k}.") for k in range(5)]
    result = run_stage(SplitConfig(seed=3).build(), batch_of(tmp_path, rows), tmp_path)
    same = result.kept.filter(
        pl.col("messages").list.first().struct.field("content") == "Question 7?"
    )
    assert same.height == 6 and same["split"].n_unique() == 1


def test_the_leakage_proof_counts_a_shared_prompt(tmp_path):
    batch = batch_of(tmp_path, [chat("What is 2+2?", "4"), chat("What is 2+2?", "Four.")])
    leaky = batch.with_columns(split=pl.Series(["train", "test"]))
    assert any(p.startswith("prompt of") for p in find_leaks(leaky))
