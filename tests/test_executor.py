"""executor: ray runs the row-wise stages on Ray Data and writes the local executor's bytes."""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from curate.config.pipeline import load_pipeline
from curate.errors import CurateError, PipelineError
from curate.execute import ExecutorConfig, LocalExecutor, executor_for
from curate.runs.runner import run_pipeline

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
INPUTS = ("support_chat.jsonl", "alpaca.json", "sharegpt.jsonl", "faq.csv", "support_agent.jsonl")


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance for this module; the executor joins it and leaves it running."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: curate[ray]")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def write_pipeline(workspace: Path, executor: str) -> Path:
    inputs = "\n".join(f"  - {SAMPLE / name}" for name in INPUTS)
    text = f"""name: executors
executor: {executor}
inputs:
{inputs}
stages:
  - validate
  - exact_dedup: {{normalized: true}}
  - pii:
      allow_list: [Tallowfern]
      actions: {{LOCATION: flag, URL: flag}}
  - quality: {{min_assistant_chars: 20}}
  - heuristics
  - split: {{seed: 7}}
"""
    workspace.mkdir()
    (workspace / "pipeline.yaml").write_text(text)
    return workspace / "pipeline.yaml"


def output_bytes(run_dir: Path) -> dict[str, bytes]:
    """Every exported file and every stage's kept/rejected Parquet, by relative path."""
    files = sorted((run_dir / "export").glob("*.jsonl")) + sorted(
        (run_dir / "stages").glob("*/*.parquet")
    )
    return {str(f.relative_to(run_dir)): f.read_bytes() for f in files}


def test_ray_executor_writes_the_local_executors_bytes(tmp_path, local_ray, monkeypatch):
    pytest.importorskip("presidio_analyzer", reason="the pii extra is not installed")
    from curate.execute.ray_data import RayExecutor

    local = run_pipeline(write_pipeline(tmp_path / "local", "local"))
    sent: list[int] = []  # rows each map_batches call sent to Ray
    original = RayExecutor.map_batches

    def spy(self, fn, frame, **options):
        sent.append(frame.height)
        return original(self, fn, frame, **options)

    monkeypatch.setattr(RayExecutor, "map_batches", spy)
    on_ray = run_pipeline(write_pipeline(tmp_path / "ray", "{kind: ray, num_cpus: 2}"))
    heuristics_input = on_ray.manifest.stages[6].input
    assert heuristics_input in sent and len(sent) >= 2  # pii's texts and heuristics' rows
    assert on_ray.run_dir.name == local.run_dir.name  # the executor is not in the fingerprint
    expected, found = output_bytes(local.run_dir), output_bytes(on_ray.run_dir)
    assert len(expected) >= 2 * 8 + 3  # ingest, overrides, six stages; train/eval/test/rejected
    assert found.keys() == expected.keys()
    assert [name for name in expected if found[name] != expected[name]] == []
    assert local_ray.is_initialized()  # a Ray instance the run did not start is left running


def _tag_with_length(suffix: str, chunk: pl.DataFrame) -> pl.DataFrame:
    return chunk.select(
        tagged=pl.col("text") + suffix, length=pl.col("text").str.len_chars().cast(pl.Int64)
    )


def test_ray_gathers_many_small_batches_in_input_order(local_ray):
    frame = pl.DataFrame({"text": [f"row {i:05d}" for i in range(3000)]})
    fn = partial(_tag_with_length, "!")
    seen: list[int] = []
    on_ray = executor_for(ExecutorConfig(kind="ray")).map_batches(
        fn, frame, rows_per_batch=37, progress=seen.append
    )
    local = LocalExecutor().map_batches(fn, frame, rows_per_batch=500, progress=lambda _: None)
    assert on_ray.equals(local)
    assert on_ray["tagged"][2999] == "row 02999!"
    assert sum(seen) == frame.height


def _worker_pid(chunk: pl.DataFrame) -> pl.DataFrame:
    time.sleep(0.05)  # long enough that one worker cannot take every chunk alone
    return pl.DataFrame({"pid": [os.getpid()] * chunk.height}, schema={"pid": pl.Int64})


def test_ray_spreads_the_chunks_over_its_workers(local_ray):
    frame = pl.DataFrame({"n": range(2000)})
    executor = executor_for(ExecutorConfig(kind="ray"))
    pids = executor.map_batches(_worker_pid, frame, rows_per_batch=50, progress=lambda _: None)
    assert pids["pid"].n_unique() == 2  # the fixture's num_cpus
    assert os.getpid() not in pids["pid"].to_list()


def _drop_first_row(chunk: pl.DataFrame) -> pl.DataFrame:
    return chunk.slice(1)


def test_a_function_that_loses_rows_is_a_bug_not_a_shorter_output():
    frame = pl.DataFrame({"text": ["a", "b", "c"]})
    with pytest.raises(AssertionError, match="returned 1 rows for 2"):
        LocalExecutor().map_batches(_drop_first_row, frame, rows_per_batch=2, progress=print)


def test_executor_ray_without_the_extra_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(CurateError, match=r"executor: ray needs the ray extra") as caught:
        executor_for(ExecutorConfig(kind="ray"))
    assert "pip install" in str(caught.value.hint)


def test_embeddings_on_ray_are_the_local_encoders_vectors(local_ray, tmp_path):
    pytest.importorskip("model2vec", reason="the embed extra is not installed")
    import numpy as np

    from curate.embed import load_encoder
    from curate.execute.encode import encode_on
    from curate.stages.base import RunContext

    texts = [f"how do I reset the password of account {i}?" for i in range(300)]
    ctx = RunContext(tmp_path, tmp_path, executor=executor_for(ExecutorConfig(kind="ray")))
    on_ray = encode_on(ctx, "static", 32)(texts)
    assert np.array_equal(on_ray, load_encoder("static", batch_size=32).encode(texts))


def _needs_a_missing_model(chunk: pl.DataFrame) -> pl.DataFrame:
    raise CurateError("spaCy model 'xx' is not installed", field="pii.model", hint="install it")


def test_a_users_error_on_a_ray_worker_is_the_same_one_line(local_ray):
    frame = pl.DataFrame({"text": ["a", "b"]})
    executor = executor_for(ExecutorConfig(kind="ray"))
    with pytest.raises(CurateError) as caught:
        executor.map_batches(_needs_a_missing_model, frame, rows_per_batch=1, progress=print)
    assert str(caught.value) == "pii.model: spaCy model 'xx' is not installed\n  hint: install it"


def test_an_unknown_executor_is_one_line_naming_file_line_and_field(tmp_path):
    path = tmp_path / "pipeline.yaml"
    path.write_text("name: x\nexecutor: spark\ninputs: [a.jsonl]\n")
    with pytest.raises(PipelineError) as caught:
        load_pipeline(path)
    assert str(caught.value).startswith(f"{path}:2: executor.kind: ")
    path.write_text("name: x\nexecutor: ray\ninputs: [a.jsonl]\n")
    assert load_pipeline(path).executor == ExecutorConfig(kind="ray")
    path.write_text("name: x\nexecutor: {kind: ray, address: auto}\ninputs: [a.jsonl]\n")
    assert load_pipeline(path).executor.address == "auto"
