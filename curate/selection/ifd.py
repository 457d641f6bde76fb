"""Instruction-following difficulty (Cherry LLM): IFD = ppl(answer | prompt) / ppl(answer).

Near 1 the prompt barely helps the model predict the answer, so the example teaches
following instructions the model cannot yet follow; at or above 1 the prompt does not help at
all (the answer does not answer it), so such rows rank below every other. Losses are cached
per model and text hash under ``<workspace>/cache/ifd``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.embed.cache import text_key
from curate.errors import CurateError
from curate.selection.answer_loss import AnswerLossModel, Message, split_last_answer
from curate.selection.loss_cache import AnswerLossCache


def require_ifd_libraries() -> None:
    """IFD runs a local model through transformers and torch (the ``train`` extra)."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        raise CurateError(
            "select: IFD quality scores need the train extra (transformers, torch): "
            "pip install -e '.[train]', or run a judge first, or use strategy diverse or random",
            field="strategy",
        ) from None


@dataclass(frozen=True)
class IFDScores:
    """Per row: IFD and its two losses (NaN where a row has no assistant answer)."""

    ifd: np.ndarray
    with_prompt: np.ndarray
    alone: np.ndarray
    computed: int  # distinct texts scored by the model in this call
    cached: int  # rows whose losses came from the cache
    model_id: str


def ifd_scores(
    conversations: Sequence[Sequence[Message]],
    workspace: Path,
    *,
    model: str | None = None,
    batch_size: int = 8,
    max_length: int = 512,
    progress: Callable[[int], None] = lambda _: None,
    flush_seconds: float = 30.0,
) -> IFDScores:
    """IFD of each conversation's last answer given the turns before it."""
    require_ifd_libraries()
    scorer = AnswerLossModel(model, max_length=max_length)
    cache = AnswerLossCache(workspace / "cache" / "ifd", scorer.model_id)
    parts = [split_last_answer(turns) for turns in conversations]
    prompts = [scorer.prompt_text(p[0]) if p else "" for p in parts]
    keys = [
        text_key(f"{max_length}\x1f{prompt}\x1f{p[1]}") if p else None
        for prompt, p in zip(prompts, parts, strict=True)
    ]
    known = cache.lookup([k for k in keys if k is not None])
    cached_rows = sum(1 for k in keys if k is not None and k in known)
    progress(cached_rows + sum(1 for k in keys if k is None))
    first_at: dict[str, int] = {}
    copies: dict[str, int] = {}
    for at, key in enumerate(keys):
        if key is not None and key not in known:
            first_at.setdefault(key, at)
            copies[key] = copies.get(key, 0) + 1
    missing = list(first_at)
    fresh: dict[str, tuple[float, float]] = {}
    last_flush = time.monotonic()

    def finished(positions: list[int], losses: list[tuple[float, float]]) -> None:
        nonlocal last_flush
        batch = {missing[p]: loss for p, loss in zip(positions, losses, strict=True)}
        fresh.update(batch)
        known.update(batch)
        if time.monotonic() - last_flush >= flush_seconds:
            cache.add(fresh)
            fresh.clear()
            last_flush = time.monotonic()
        progress(sum(copies[k] for k in batch))

    if missing:
        scorer.losses(
            [prompts[first_at[k]] for k in missing],
            [parts[first_at[k]][1] for k in missing],  # type: ignore[index]
            batch_size=batch_size,
            done=finished,
        )
        cache.add(fresh)
    with_prompt = np.array([known[k][0] if k else math.nan for k in keys], dtype=np.float64)
    alone = np.array([known[k][1] if k else math.nan for k in keys], dtype=np.float64)
    return IFDScores(
        ifd=np.exp(with_prompt - alone),
        with_prompt=with_prompt,
        alone=alone,
        computed=len(missing),
        cached=cached_rows,
        model_id=scorer.model_id,
    )
