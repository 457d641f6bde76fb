"""decontaminate: training rows that overlap eval data go, each naming the eval row and span;
eval data is read from any container; a file that cannot be read is one clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from curate.decontam.ngrams import NgramIndex
from curate.errors import CurateError
from curate.io.ingest import InputSource, ingest
from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline
from curate.stages.base import RunContext, StageResult
from curate.stages.decontaminate import DecontaminateConfig
from tests.conftest import REPO, write_jsonl
from tests.stage_helpers import batch_of

TICKETS = REPO / "sample_data" / "tickets"
LONG_QUESTION = (
    "How many vacation days does a new employee get in the first year of work at the Lund office"
)


def chat(user: str, reply: str = "Here is the answer.") -> dict[str, Any]:
    return {
        "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    }


def run(config: DecontaminateConfig, batch: pl.DataFrame, workspace: Path) -> StageResult:
    result = config.build().run(batch, RunContext(run_dir=workspace, workspace=workspace))
    out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert out == sorted(batch["row"].to_list())  # every row accounted for
    return result


def test_the_ticket_demo_rejects_exactly_the_golden_copies():
    stages = yaml.safe_load((REPO / "pipelines" / "ticket_routing.yaml").read_text())["stages"]
    (settings,) = [
        s["decontaminate"] for s in stages if isinstance(s, dict) and "decontaminate" in s
    ]
    batch, _, _ = ingest([InputSource(TICKETS / "tickets_raw.jsonl", "tickets_raw.jsonl")])
    # the workspace of pipelines/ticket_routing.yaml is the repository root
    result = DecontaminateConfig(**settings).build().run(batch, RunContext(REPO, REPO))
    planted = json.loads((TICKETS / "planted.json").read_text())["golden_copy"]
    assert sorted(result.rejected["source_line"].to_list()) == planted
    assert set(result.rejected["reason"].to_list()) == {"decontam.ngram"}
    golden = (TICKETS / "golden.jsonl").read_text().splitlines()
    for detail in result.rejected["detail"].to_list():
        line = int(detail.split("golden.jsonl line ")[1].split(":")[0])
        span = detail.split('"')[1].rstrip("…")
        golden_text = json.loads(golden[line - 1])["messages"][1]["content"].lower()
        assert span.split()[0] in golden_text and len(span.split()) >= 13
    name = "sample_data/tickets/golden.jsonl"
    assert result.metrics[f"{name}.contaminated_eval_rows"] == len(planted)
    assert result.metrics[f"{name}.contamination"] == round(len(planted) / len(golden), 4)
    assert "12.5%" in str(result.metrics["summary"])


def test_one_shared_13_gram_is_enough_by_default_and_a_short_text_never_matches(tmp_path):
    write_jsonl(tmp_path / "eval.jsonl", [chat(LONG_QUESTION), chat("Is the Lund office open?")])
    rows = [
        chat(f"Quick one. {LONG_QUESTION}? Thanks!"),  # the whole eval question inside
        chat(" ".join(LONG_QUESTION.split()[:13]) + " zebra"),  # exactly one 13-gram
        chat(" ".join(LONG_QUESTION.split()[:12]) + " zebra"),  # twelve words: no 13-gram
        chat("Is the Lund office open?"),  # shorter than 13 words: no n-gram to compare
    ]
    result = run(DecontaminateConfig(evals=["eval.jsonl"]), batch_of(tmp_path, rows), tmp_path)
    assert sorted(result.rejected["source_line"].to_list()) == [1, 2]
    first = result.rejected.sort("source_line")["detail"][0]
    assert "eval.jsonl line 1" in first and LONG_QUESTION.lower() in first
    assert result.metrics["eval.jsonl.contaminated_eval_rows"] == 1
    assert result.metrics["eval.jsonl.train_rows_removed"] == 2
    # min_overlap asks for a share of the eval row: one 13-gram of its seven is not half
    half = run(
        DecontaminateConfig(evals=["eval.jsonl"], min_overlap=0.5),
        batch_of(tmp_path, rows),
        tmp_path,
    )
    assert half.rejected["source_line"].to_list() == [1]


def test_eval_data_is_read_from_csv_parquet_and_dataset_folders_by_named_fields(tmp_path):
    import datasets

    pl.DataFrame({"question": [LONG_QUESTION], "answer": ["25"]}).write_csv(tmp_path / "b.csv")
    pl.DataFrame(
        {
            "prompt_text": [
                "Where do I park my bicycle when I visit the Malmo "
                "warehouse on a weekend with a delivery"
            ]
        }
    ).write_parquet(tmp_path / "b.parquet")
    datasets.Dataset.from_dict(
        {
            "instruction": [
                "Summarise the travel policy for trips longer than two weeks to any "
                "office outside Sweden please"
            ],
            "output": ["..."],
        }
    ).save_to_disk(str(tmp_path / "hf"))
    rows = [
        chat(LONG_QUESTION),
        chat(
            "Where do I park my bicycle when I visit the Malmo warehouse on a weekend with a "
            "delivery van?"
        ),
        chat(
            "Summarise the travel policy for trips longer than two weeks to any office outside "
            "Sweden please."
        ),
        chat("Nothing to do with any eval set at all, this sentence is about weather today."),
    ]
    config = DecontaminateConfig(
        evals=[
            {"path": "b.csv", "fields": ["question"], "name": "bench"},
            {"path": "b.parquet", "fields": ["prompt_text"]},
            "hf",
        ]
    )
    result = run(config, batch_of(tmp_path, rows), tmp_path)
    by_line = dict(result.rejected.select("source_line", "detail").iter_rows())
    assert sorted(by_line) == [1, 2, 3]
    assert "b.csv line 2 (bench)" in by_line[1]
    assert "b.parquet row" in by_line[2] and "hf" in by_line[3]
    assert result.metrics["bench.contamination"] == 1.0


def test_answers_are_compared_only_when_asked(tmp_path):
    write_jsonl(tmp_path / "eval.jsonl", [chat(LONG_QUESTION)])
    rows = [chat("How long is the probation period?", f"People ask: {LONG_QUESTION}.")]
    batch = batch_of(tmp_path, rows)
    assert run(DecontaminateConfig(evals=["eval.jsonl"]), batch, tmp_path).rejected.height == 0
    # an eval row's own answer is never compared, only the training row's side changes
    both = run(DecontaminateConfig(evals=["eval.jsonl"], answers=True), batch, tmp_path)
    assert both.rejected["reason"].to_list() == ["decontam.ngram"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_an_embedding_match_catches_a_reworded_eval_question(tmp_path):
    write_jsonl(tmp_path / "eval.jsonl", [chat(LONG_QUESTION)])
    rows = [
        chat("In their first year, how many days of vacation do new staff at the Lund office get?"),
        chat("Which printer on the second floor takes A3 paper?"),
    ]
    config = DecontaminateConfig(evals=["eval.jsonl"], semantic_threshold=0.8)
    result = run(config, batch_of(tmp_path, rows), tmp_path)
    assert result.rejected["source_line"].to_list() == [1]
    assert result.rejected["reason"].to_list() == ["decontam.semantic"]
    assert "eval.jsonl line 1" in result.rejected["detail"][0]
    assert result.metrics["decontam.semantic"] == 1


def pipeline(tmp_path: Path, evals: str) -> Path:
    write_jsonl(
        tmp_path / "train.jsonl", [chat(LONG_QUESTION), chat("Hello there, general kenobi")]
    )
    path = tmp_path / "pipeline.yaml"
    path.write_text(f"inputs: [train.jsonl]\nstages:\n  - decontaminate: {{evals: {evals}}}\n")
    return path


def test_an_eval_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    with pytest.raises(CurateError, match=r"missing\.jsonl: eval file not found"):
        run_pipeline(pipeline(tmp_path, "[missing.jsonl]"))
    (tmp_path / "notes.txt").write_text("a benchmark\n")
    with pytest.raises(CurateError, match=r"unknown file type '\.txt'"):
        run_pipeline(pipeline(tmp_path, "[notes.txt]"))
    write_jsonl(tmp_path / "bench.jsonl", [{"q": LONG_QUESTION}])
    with pytest.raises(CurateError) as caught:
        run_pipeline(pipeline(tmp_path, "[bench.jsonl]"))
    assert "bench.jsonl: the eval file holds no text to compare" in str(caught.value)
    assert "fields: [question]" in str(caught.value)


def test_a_changed_eval_file_runs_the_stage_again(tmp_path):
    write_jsonl(tmp_path / "eval.jsonl", [chat("an unrelated question about the weather today")])
    first = run_pipeline(pipeline(tmp_path, "[eval.jsonl]"))
    assert first.manifest.totals.rejected == 0
    write_jsonl(tmp_path / "eval.jsonl", [chat(LONG_QUESTION)])
    second = run_pipeline(pipeline(tmp_path, "[eval.jsonl]"))
    assert second.run_dir != first.run_dir and second.manifest.totals.rejected == 1
    stage = RunLayout(second.run_dir).require_stage("decontaminate")
    assert pl.read_parquet(stage.rejected)["reason"].to_list() == ["decontam.ngram"]
    report = (second.run_dir / "export" / "report.md").read_text()
    assert "contamination eval.jsonl: 1 of 1 eval rows (100.0%)" in report


def test_the_index_reports_the_eval_text_a_row_holds_most_of():
    index = NgramIndex([LONG_QUESTION, LONG_QUESTION + " in the spring"], n=13)
    found = index.overlap(f"{LONG_QUESTION} in the spring, asking for a friend")
    assert found is not None and found.eval_text == 1 and found.share == 1.0
    assert index.overlap("nothing alike") is None
