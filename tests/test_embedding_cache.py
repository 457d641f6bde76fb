"""The embedding cache: chunked, reports progress, and keeps what a killed run finished."""

from __future__ import annotations

import numpy as np
import pytest

from curate.embed import EmbeddingCache, load_encoder
from curate.runs.runner import run_pipeline
from tests.conftest import chat, write_jsonl

TOPICS = ["tent", "stove", "headlamp", "kayak", "boots", "jacket", "filter", "watch"]
QUESTIONS = [
    f"Question {n}: how do I care for my {TOPICS[n % 8]} after trip {n}?" for n in range(150)
]


class Interrupted(Exception):
    """Stands for the process being killed part-way through embedding."""


def stopping_after(calls: int):
    """The real MiniLM encoder, which 'dies' on call number ``calls + 1``."""
    encoder = load_encoder()
    seen = []

    def embed(texts: list[str]) -> np.ndarray:
        if len(seen) == calls:
            raise Interrupted
        seen.append(len(texts))
        return encoder.encode(texts)

    return embed, seen


def test_a_killed_embedding_keeps_every_flushed_chunk(tmp_path):
    encoder = load_encoder()
    cache = EmbeddingCache(tmp_path, encoder.model_id)
    embed, seen = stopping_after(3)
    with pytest.raises(Interrupted):
        cache.get_or_embed(QUESTIONS, embed, encoder.dim, chunk=8, flush_rows=8)
    assert seen == [8, 8, 8]
    done: list[int] = []
    vectors, embedded = cache.get_or_embed(
        QUESTIONS, encoder.encode, encoder.dim, chunk=8, flush_rows=8, progress=done.append
    )
    assert embedded == len(QUESTIONS) - 24, "the three finished chunks were not embedded again"
    assert done[0] == 24 and sum(done) == len(QUESTIONS)
    np.testing.assert_allclose(vectors, encoder.encode(QUESTIONS), atol=1e-5)


def test_repeated_texts_are_embedded_once_and_counted_in_progress(tmp_path):
    encoder = load_encoder()
    cache = EmbeddingCache(tmp_path, encoder.model_id)
    texts = QUESTIONS[:5] * 3
    done: list[int] = []
    vectors, embedded = cache.get_or_embed(
        texts, encoder.encode, encoder.dim, chunk=2, progress=done.append
    )
    assert embedded == 5 and sum(done) == len(texts)
    np.testing.assert_allclose(vectors[10:], vectors[:5], atol=0)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)


def test_the_run_bar_follows_embedding_progress(tmp_path):
    write_jsonl(
        tmp_path / "d.jsonl", [chat(q, f"Rinse it, dry it, store it: tip {q}") for q in QUESTIONS]
    )
    (tmp_path / "pipeline.yaml").write_text(
        "inputs: [d.jsonl]\nstages:\n  - semantic_dedup:\n      batch_size: 1\n"
    )
    events: list[tuple[str, int]] = []

    class Recorder:
        def stage_started(self, index: int, name: str, total: int) -> None:
            events.append((name, total))

        def advance(self, amount: int) -> None:
            events.append(("advance", amount))

        def stage_finished(self, entry: object) -> None:
            events.append(("finished", 0))

        def note(self, message: str) -> None:
            return None

    run_pipeline(tmp_path / "pipeline.yaml", reporter=Recorder())
    start = events.index(("semantic_dedup", len(QUESTIONS)))
    steps = events[start + 1 : events.index(("finished", 0), start)]
    amounts = [amount for name, amount in steps if name == "advance" and amount]
    assert len(amounts) >= 2, "embedding progress arrives in more than one step"
    assert sum(amounts) == len(QUESTIONS)
