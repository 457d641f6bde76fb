"""A key written twice in one YAML mapping is an error naming both lines: PyYAML alone keeps
the last one, so half of a pipeline would be dropped without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.config.pipeline import load_pipeline
from curate.errors import CurateError, PipelineError
from curate.train.config import load_train_config


def write(tmp_path: Path, text: str, name: str = "pipeline.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_two_stages_keys_are_rejected_naming_both_lines(tmp_path):
    path = write(
        tmp_path,
        "name: support\nstages:\n  - validate\ninputs: [d.jsonl]\nstages:\n  - exact_dedup\n",
    )
    with pytest.raises(PipelineError) as info:
        load_pipeline(path)
    assert info.value.file == str(path) and info.value.line == 5
    assert "'stages' is given twice, on lines 2 and 5" in str(info.value)


def test_a_key_twice_inside_a_stage_is_rejected_too(tmp_path):
    path = write(
        tmp_path,
        "inputs: [d.jsonl]\nstages:\n  - quality:\n      min_assistant_chars: 5\n"
        "      min_assistant_chars: 50\n",
    )
    with pytest.raises(
        PipelineError, match="'min_assistant_chars' is given twice, on lines 4 and 5"
    ):
        load_pipeline(path)


def test_keys_merged_in_with_an_anchor_may_be_overridden(tmp_path):
    path = write(
        tmp_path,
        "inputs: [d.jsonl]\nstages:\n  - quality: &base {min_assistant_chars: 50}\n"
        "  - quality:\n      <<: *base\n      min_assistant_chars: 5\n",
    )
    pipeline = load_pipeline(path)
    assert [s.min_assistant_chars for s in pipeline.stages] == [50, 5]


def test_the_same_key_in_two_different_mappings_is_fine(tmp_path):
    path = write(
        tmp_path,
        "inputs: [d.jsonl]\nstages:\n  - quality: {min_assistant_chars: 5}\n"
        "  - quality: {min_assistant_chars: 7}\n",
    )
    pipeline = load_pipeline(path)
    assert [s.min_assistant_chars for s in pipeline.stages] == [5, 7]


def test_a_duplicated_key_in_a_train_config_is_rejected(tmp_path):
    path = write(tmp_path, "run: runs/a\nmodel: m\nrun: runs/b\n", name="train.yaml")
    with pytest.raises(CurateError, match="'run' is given twice, on lines 1 and 3"):
        load_train_config(path)


def test_the_cli_prints_the_duplicate_as_one_line_and_exits_2(tmp_path):
    path = write(tmp_path, "inputs: [a.jsonl]\ninputs: [b.jsonl]\n")
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert f"{path}:2: " in result.output and "lines 1 and 2" in result.output
    assert "Traceback" not in result.output
