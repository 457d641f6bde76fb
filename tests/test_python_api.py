"""The Python API: runs from a notebook over rows or files, with the runner's accounting."""

from __future__ import annotations

import re

import pytest

import curate
from tests.conftest import REPO, chat, write_jsonl


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README's Python API section has no example"
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "dedup.exact" in printed
    assert "rejected by exact_dedup (dedup.exact)" in printed
    assert (tmp_path / "curate-workspace" / "runs").is_dir()


def test_rows_in_memory_give_kept_rejected_and_explanations(tmp_path):
    rows = [
        chat("What is the return window?", "Thirty days from delivery, with the receipt."),
        chat("What is the return window?", "Thirty days from delivery, with the receipt."),
        chat("Hi", "ok"),
        chat("Do you ship abroad?", "Yes, to most countries in the EU and the UK."),
    ]
    result = curate.run(
        rows,
        stages=["validate", "exact_dedup", curate.QualityConfig(min_assistant_chars=20)],
        workspace=tmp_path,
    )
    assert result.kept.height + result.rejected.height == len(rows)
    assert sorted(result.rejected["reason"].to_list()) == ["dedup.exact", "quality.too_short"]
    duplicate = result.rejected.filter(result.rejected["reason"] == "dedup.exact").row(
        0, named=True
    )
    story = result.explain(duplicate["id"])
    assert "kept, in" in story and "rejected by exact_dedup" in story
    assert set(result.kept["split"].unique()) <= {"train", "eval", "test"}
    assert result.manifest.pipeline.path == "<python>"
    with pytest.raises(KeyError):
        result.explain("0000000000000000")


def test_the_same_rows_again_reuse_the_run(tmp_path):
    rows = [chat("Where is my order?", "It left the warehouse this morning.")]
    first = curate.run(rows, workspace=tmp_path)
    second = curate.run(rows, workspace=tmp_path)
    assert second.run_dir == first.run_dir
    assert second.manifest.created_at == first.manifest.created_at  # nothing ran again
    longer = curate.run(rows, stages=["validate", "exact_dedup", "quality"], workspace=tmp_path)
    cached = {s.name: s.cached for s in longer.manifest.stages}
    assert cached["validate"] and cached["exact_dedup"] and not cached["quality"]


def test_files_and_stage_configs_from_python(tmp_path):
    data = write_jsonl(tmp_path / "d.jsonl", [chat("a question here", "an answer that is long")])
    result = curate.run(
        [data], stages=[curate.ValidateConfig(), curate.SplitConfig(seed=3)], workspace=tmp_path
    )
    assert result.kept.height == 1
    assert result.manifest.split.seed == 3


def test_bad_data_is_a_clear_error(tmp_path):
    with pytest.raises(curate.CurateError, match="no data given"):
        curate.run([], workspace=tmp_path)
    with pytest.raises(curate.CurateError, match="input not found"):
        curate.run([tmp_path / "missing.jsonl"], workspace=tmp_path)
