"""The fast encoder modes: static (model2vec) and MiniLM int8 ONNX, built once, real models."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from curate.embed import load_encoder
from curate.embed.model_cache import BUILDS, MARKER
from curate.errors import CurateError
from curate.stages.semantic_dedup import SemanticDedupConfig
from tests.stage_helpers import batch_of, run_stage
from tests.test_semantic_dedup import rows

pytest.importorskip("model2vec")
pytest.importorskip("onnxruntime")

# each anchor is closer to its paraphrase than to its distractor
TRIPLES = [
    (
        "How do I reset my password?",
        "What are the steps to change my forgotten password?",
        "Which tents can I ship to Canada?",
    ),
    (
        "The parcel arrived damaged and I want a refund.",
        "My package came broken, can I get my money back?",
        "How long does the headlamp battery last?",
    ),
    (
        "Can students get a discount?",
        "Is there a student discount?",
        "How do I wash a down sleeping bag?",
    ),
]
MODES = ["static", "minilm-onnx-int8"]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh model cache for this module; both modes are built into it once."""
    root = tmp_path_factory.mktemp("models")
    saved = {k: os.environ.get(k) for k in ("CURATE_MODEL_CACHE", "HF_HUB_OFFLINE")}
    os.environ["CURATE_MODEL_CACHE"] = str(root)
    os.environ["HF_HUB_OFFLINE"] = "1"
    load_encoder.cache_clear()
    yield root
    load_encoder.cache_clear()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _ordering_ok(vectors: np.ndarray) -> list[bool]:
    triples = vectors.reshape(len(TRIPLES), 3, -1)
    return [float(a @ p) > float(a @ d) for a, p, d in triples]


@pytest.mark.parametrize("mode", MODES)
def test_mode_encodes_like_minilm(model_cache: Path, mode: str) -> None:
    encoder = load_encoder(mode)
    minilm = load_encoder(None)
    assert encoder.model_id not in (minilm.model_id, "static", "minilm-onnx-int8")
    texts = [t for triple in TRIPLES for t in triple]
    vectors = encoder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (len(texts), encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _ordering_ok(vectors) == _ordering_ok(minilm.encode(texts)) == [True] * 3
    assert encoder.encode([]).shape == (0, encoder.dim)
    if mode == "minilm-onnx-int8":
        assert np.einsum("ij,ij->i", vectors, minilm.encode(texts)).min() >= 0.95


@pytest.mark.parametrize("mode", MODES)
def test_built_model_is_reused(model_cache: Path, mode: str) -> None:
    encoder = load_encoder(mode)
    folder = model_cache / encoder.model_id
    mtime, builds = (folder / MARKER).stat().st_mtime_ns, BUILDS[encoder.model_id]
    load_encoder.cache_clear()
    again = load_encoder(mode)
    assert again is not encoder and BUILDS[encoder.model_id] == builds >= 1
    assert (folder / MARKER).stat().st_mtime_ns == mtime
    assert not [p for p in model_cache.iterdir() if p.name.startswith(".")]  # no leftovers


def test_partial_onnx_folder_is_rebuilt(model_cache: Path) -> None:
    encoder = load_encoder("minilm-onnx-int8")
    folder, builds = model_cache / encoder.model_id, BUILDS[encoder.model_id]
    (folder / MARKER).unlink()  # as if a copy was interrupted: no marker, so not complete
    (folder / "model.int8.onnx").write_bytes(b"half")
    load_encoder.cache_clear()
    rebuilt = load_encoder("minilm-onnx-int8")
    assert BUILDS[encoder.model_id] == builds + 1 and (folder / MARKER).exists()
    assert np.allclose(rebuilt.encode(["hello"]), encoder.encode(["hello"]), atol=1e-6)


def test_broken_static_folder_is_a_clear_error(
    model_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = load_encoder("static")
    broken = tmp_path / "models"
    broken.mkdir()
    copy = broken / encoder.model_id
    copy.mkdir()
    for item in (model_cache / encoder.model_id).iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    (copy / "model.safetensors").write_bytes(b"not a model")
    monkeypatch.setenv("CURATE_MODEL_CACHE", str(broken))
    load_encoder.cache_clear()
    try:
        with pytest.raises(CurateError, match="does not load") as caught:
            load_encoder("static")
        assert str(copy) in (caught.value.hint or "")
    finally:
        load_encoder.cache_clear()


def test_semantic_dedup_runs_with_the_static_model(model_cache: Path, tmp_path: Path) -> None:
    stage = SemanticDedupConfig(model="static", threshold=0.9, keep="first").build()
    batch = batch_of(tmp_path, rows(), "d.jsonl")
    result = run_stage(stage, batch, tmp_path)
    assert result.metrics["embedded"] == batch.height
    assert sorted(result.rejected["source_line"].to_list()) == [7, 8, 9]
    assert (tmp_path / "cache" / "embeddings" / "static-minilm-pca256").is_dir()
    again = run_stage(stage, batch, tmp_path)
    assert again.metrics["embedded"] == 0
