"""The embedding cache under concurrent writers and long chunks: shards never collide, a reader
never pairs keys with another shard's vectors, and vectors reach disk by time, not by chunk.

The encoder here is a stand-in whose vector is a pure function of the text (so any mix-up
of keys and vectors shows), and whose speed the test sets; the cache is the real one.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from curate.embed import EmbeddingCache

DIM = 16
MODEL = "hash-vectors"


def hash_vectors(texts: list[str]) -> np.ndarray:
    """One unit vector per text, decided by the text alone."""
    rows = [
        np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:12], 16)).normal(size=DIM)
        for t in texts
    ]
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def never_embed(texts: list[str]) -> np.ndarray:
    raise AssertionError(f"{len(texts)} texts were not in the cache")


def texts_of(writer: int, count: int = 60) -> list[str]:
    return [f"writer {writer} text {n}: how long does the warranty last?" for n in range(count)]


WRITER = """
import sys, time
from pathlib import Path
from curate.embed import EmbeddingCache
from tests.test_embedding_cache_concurrency import DIM, MODEL, hash_vectors, texts_of
root, start, writer = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
def slow(texts):
    time.sleep(0.005)  # long enough that the writers' shard writes interleave
    return hash_vectors(texts)
while time.time() < start:
    pass
EmbeddingCache(root, MODEL).get_or_embed(texts_of(writer), slow, DIM, chunk=5, flush_rows=5)
"""


def test_runs_writing_the_cache_at_once_never_share_a_shard(tmp_path):
    start = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(start), str(writer)],
            cwd=Path(__file__).resolve().parents[1],
            stderr=subprocess.PIPE,
            text=True,
        )
        for writer in range(3)
    ]
    errors = [p.stderr.read() for p in procs if p.wait(timeout=120)]  # type: ignore[union-attr]
    assert errors == []
    folder = EmbeddingCache(tmp_path, MODEL).folder
    assert len(list(folder.glob("shard-*.keys.parquet"))) == 3 * 12  # 60 texts, 5 a shard
    assert len(list(folder.glob("shard-*.npy"))) == 3 * 12
    every = [t for writer in range(3) for t in texts_of(writer)]
    vectors, embedded = EmbeddingCache(tmp_path, MODEL).get_or_embed(every, never_embed, DIM)
    assert embedded == 0
    np.testing.assert_array_equal(vectors, hash_vectors(every))


def test_a_shard_whose_vectors_are_not_its_own_is_embedded_again(tmp_path):
    cache = EmbeddingCache(tmp_path, MODEL)
    first, second = texts_of(0, 4), texts_of(1, 6)
    cache.get_or_embed(first, hash_vectors, DIM)
    cache.get_or_embed(second, hash_vectors, DIM)
    shards = sorted(cache.folder.glob("shard-*.npy"))
    assert len(shards) == 2
    shards[0].write_bytes(shards[1].read_bytes())  # the first keys now face six foreign rows
    vectors, embedded = cache.get_or_embed(first + second, hash_vectors, DIM)
    assert embedded == len(first)
    np.testing.assert_array_equal(vectors, hash_vectors(first + second))


class Killed(Exception):
    """Stands for SIGKILL arriving part-way through an embedding call."""


def test_vectors_reach_disk_every_flush_interval_inside_one_long_chunk(tmp_path):
    """One 4,096-text chunk takes ~8 s here; the run dies at 3.5 s. Flushing only after a
    chunk saved nothing; flushing by time must have saved all but the last interval."""
    flush_seconds, per_text, dies_at = 1.0, 0.002, 3.5
    texts = [f"question {n}: can I return a tent after a trip?" for n in range(4096)]
    started = time.monotonic()

    def slow_then_killed(batch: list[str]) -> np.ndarray:
        for _ in batch:
            time.sleep(per_text)
            if time.monotonic() - started > dies_at:
                raise Killed
        return hash_vectors(batch)

    cache = EmbeddingCache(tmp_path, MODEL)
    with pytest.raises(Killed):
        cache.get_or_embed(texts, slow_then_killed, DIM, chunk=4096, flush_seconds=flush_seconds)
    killed_at = time.time()
    written = sorted(p.stat().st_mtime for p in cache.folder.glob("shard-*.keys.parquet"))
    assert len(written) >= 2, "vectors were not flushed while the chunk ran"
    assert killed_at - written[-1] < flush_seconds * 1.6, "the last interval was not flushed"

    vectors, embedded = cache.get_or_embed(texts, hash_vectors, DIM)
    saved = len(texts) - embedded
    assert saved > 0 and embedded > 0
    np.testing.assert_array_equal(vectors, hash_vectors(texts))
