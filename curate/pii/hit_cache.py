"""Analyzer hits on disk, keyed by text hash and by everything that decides them: a rerun
after one new row, or with other thresholds, actions or precision settings, runs no NER on
the texts it has seen.

The raw hits are cached, before thresholds and precision rules, so only the analysis itself
is keyed: language, spaCy model, entity types, whether NER ran, and the versions of Presidio,
curate and curate's recognizer rules. ``<workspace>/cache/pii/<task>/shard-*.parquet`` each
hold ``key`` and ``hits`` (JSON); shards are written atomically every ``FLUSH_TEXTS`` texts,
named like the embedding cache's so that two runs never write the same one.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import orjson
import polars as pl

from curate import __version__
from curate.embed.cache import text_key
from curate.io.atomic import atomic_path
from curate.pii.analyzer import Hit, Task, analyze_texts

FLUSH_TEXTS = 2000


def task_digest(task: Task) -> str:
    """What decides an analysis's hits, as a short folder name."""
    from curate.pii.recognizers import RULES

    try:
        presidio = version("presidio-analyzer")
    except PackageNotFoundError:
        presidio = "?"
    parts = [
        task.language,
        task.model,
        sorted(task.entities),
        task.use_ner,
        presidio,
        __version__,
        [(r.entity, r.name, r.regex, r.score, r.flags, r.luhn) for r in RULES],
    ]
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()[:20]


def cached_analyze(
    texts: Sequence[str],
    task: Task,
    cache_root: Path | None,
    *,
    workers: int = 1,
    parallel_from: int = 2000,
    progress: Callable[[int], None] = lambda _: None,
    analyze: Callable[..., list[list[Hit]]] = analyze_texts,  # the caller's executor (issue 21)
) -> tuple[list[list[Hit]], int]:
    """Hits per text, from the cache where it has them; and how many texts were analysed."""
    if cache_root is None or not texts:
        found = analyze(
            texts, task, workers=workers, parallel_from=parallel_from, progress=progress
        )
        return found, len(texts)
    folder = cache_root / task_digest(task)
    keys = [text_key(t) for t in texts]
    known = _read(folder, set(keys))
    out: list[list[Hit] | None] = [known.get(k) for k in keys]
    missing = [i for i, hits in enumerate(out) if hits is None]
    progress(len(texts) - len(missing))
    for start in range(0, len(missing), FLUSH_TEXTS):
        chunk = missing[start : start + FLUSH_TEXTS]
        hits = analyze(
            [texts[i] for i in chunk],
            task,
            workers=workers,
            parallel_from=parallel_from,
            progress=progress,
        )
        for i, found in zip(chunk, hits, strict=True):
            out[i] = found
        _write(folder, [keys[i] for i in chunk], hits)
    return [hits or [] for hits in out], len(missing)


def _read(folder: Path, wanted: set[str]) -> dict[str, list[Hit]]:
    if not folder.is_dir():
        return {}
    shards = sorted(folder.glob("shard-*.parquet"))
    if not shards:
        return {}
    frame = pl.concat([pl.read_parquet(s) for s in shards]).filter(pl.col("key").is_in(wanted))
    return {
        key: [Hit(**h) for h in orjson.loads(hits)] for key, hits in frame.unique("key").iter_rows()
    }


def _write(folder: Path, keys: list[str], hits: list[list[Hit]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"shard-{time.time_ns()}-{os.getpid()}-{secrets.token_hex(4)}.parquet"
    frame = pl.DataFrame(
        {
            "key": keys,
            "hits": [orjson.dumps([asdict(h) for h in found]).decode() for found in hits],
        },
        schema={"key": pl.String, "hits": pl.String},
    )
    with atomic_path(folder / name) as tmp:
        frame.write_parquet(tmp)
