"""Pipeline files: shorthand forms, and errors that name file, line and field (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from curate.config.pipeline import load_pipeline
from curate.errors import PipelineError
from curate.stages.quality import QualityConfig


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    return path


def curate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "curate.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_shorthand_and_full_stage_forms_load(tmp_path):
    pipeline = load_pipeline(
        write(
            tmp_path,
            """
inputs: [a.jsonl, {path: b.csv, format: alpaca}]
stages:
  - validate
  - quality: {min_assistant_chars: 5}
  - stage: split
    seed: 4
""",
        )
    )
    assert [i.path for i in pipeline.inputs] == ["a.jsonl", "b.csv"]
    assert pipeline.inputs[1].format == "alpaca"
    assert [s.stage for s in pipeline.stages] == ["validate", "quality", "split"]
    assert isinstance(pipeline.stages[1], QualityConfig)
    assert pipeline.stages[1].min_assistant_chars == 5
    assert pipeline.stages[2].seed == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "inputs: [a.jsonl]\nstages:\n  - validate\n  - dedupe\n",
            "pipeline.yaml:4: stages[1].stage: unknown stage 'dedupe'; known stages: agreement",
        ),
        (
            "inputs: [a.jsonl]\nstages:\n  - quality:\n      min_assistant_chars: ten\n",
            "pipeline.yaml:4: stages[0].quality.min_assistant_chars: Input should be a valid",
        ),
        (
            "inputs: [a.jsonl]\nexport:\n  format: markdown\n",
            "pipeline.yaml:3: export.format: Input should be 'chat', 'alpaca'",
        ),
        ("inputs: [a.jsonl]\nstagez: []\n", "pipeline.yaml:2: stagez: unknown field 'stagez'"),
        ("inputs: [a.jsonl\nstages: []\n", "pipeline.yaml:2: not valid YAML"),
        ("stages: [validate]\n", "pipeline.yaml:1: inputs: Field required"),
    ],
)
def test_bad_pipeline_names_file_line_and_field(tmp_path, text, expected):
    with pytest.raises(PipelineError) as caught:
        load_pipeline(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / expected))


def test_cli_reports_a_bad_pipeline_without_traceback(tmp_path):
    write(tmp_path, "inputs: [a.jsonl]\nstages:\n  - validate\n  - dedupe\n")
    result = curate("run", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "pipeline.yaml:4: stages[1].stage: unknown stage 'dedupe'" in result.stderr


def test_cli_reports_a_missing_input_and_a_missing_pipeline(tmp_path):
    write(tmp_path, "inputs: [nowhere.jsonl]\n")
    result = curate("run", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.jsonl: input not found" in result.stderr
    result = curate("run", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.yaml: pipeline file not found" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_reports_unknown_format_and_strict_mode_by_file_and_line(tmp_path):
    (tmp_path / "odd.jsonl").write_text('{"question": "q", "reply": "a"}\n')
    write(tmp_path, "inputs: [odd.jsonl]\n")
    result = curate("run", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "odd.jsonl:1: no row matches a known format" in result.stderr
    assert "line 1 has fields question, reply" in result.stderr

    good = '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}'
    (tmp_path / "mixed.jsonl").write_text(f"{good}\n{{broken\n")
    write(tmp_path, "inputs: [mixed.jsonl]\n")
    lenient = curate("run", "pipeline.yaml", cwd=tmp_path)
    assert lenient.returncode == 0, lenient.stderr
    strict = curate("run", "pipeline.yaml", "--strict", cwd=tmp_path)
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert "mixed.jsonl:2: unexpected character" in strict.stderr
