"""Greedy selection: walk the candidates in order, skip one too close to a row already chosen
or whose balance group is full, stop at the target.

Closeness is checked a block of candidates at a time: one matrix product against everything
chosen so far, then a small one inside the block, so a large set needs no per-row search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

WhyNot = Literal["cut", "too_close", "group_full"]


@dataclass(frozen=True)
class Picked:
    """Per row (in input position): chosen or not, and why not.

    ``over_threshold`` marks rows chosen in the fill pass: the target could only be met by
    admitting candidates closer than ``max_cosine`` to a chosen row, best first.
    """

    chosen: np.ndarray  # bool
    over_threshold: np.ndarray  # bool
    why_not: list[WhyNot | None]  # None where chosen; "cut" = the target was met before its turn


def greedy_pick(
    order: Sequence[int] | np.ndarray,
    target: int,
    *,
    vectors: np.ndarray | None = None,
    max_cosine: float | None = None,
    groups: Sequence[str] | None = None,
    quotas: dict[str, int] | None = None,
    block: int = 256,
) -> Picked:
    """Choose ``target`` rows; ``order`` is a permutation of the row positions, best first.

    With ``vectors`` (unit rows) and ``max_cosine``, a candidate whose cosine to a chosen row
    is above ``max_cosine`` is skipped; with ``groups`` and ``quotas``, a candidate whose group
    has its places filled is skipped. Skipped-as-too-close rows fill any places left, in order.
    """
    order = np.asarray(order, dtype=np.int64)
    n = len(order)
    chosen = np.zeros(n, dtype=bool)
    over = np.zeros(n, dtype=bool)
    why: list[WhyNot | None] = ["cut"] * n
    places = dict(quotas) if groups is not None and quotas is not None else None
    check = vectors is not None and max_cosine is not None
    picked: list[int] = []
    skipped_close: list[int] = []
    for start in range(0, len(order), block):
        if len(picked) >= target:
            break
        candidates = order[start : start + block]
        if check:
            assert vectors is not None and max_cosine is not None
            block_vectors = vectors[candidates]
            to_chosen = _max_cosine_to(block_vectors, vectors[picked]) if picked else None
            within = block_vectors @ block_vectors.T
        taken_here: list[int] = []  # positions in this block already chosen
        for position, row in enumerate(candidates.tolist()):
            if len(picked) >= target:
                break
            if places is not None and places[groups[row]] == 0:  # type: ignore[index]
                why[row] = "group_full"
                continue
            if check:
                closest = to_chosen[position] if to_chosen is not None else -1.0
                if taken_here:
                    closest = max(closest, float(within[position, taken_here].max()))
                if closest > max_cosine:  # type: ignore[operator]
                    why[row] = "too_close"
                    skipped_close.append(row)
                    continue
            _choose(row, chosen, why, picked, places, groups)
            taken_here.append(position)
    for row in skipped_close:
        if len(picked) >= target:
            break
        if places is not None and places[groups[row]] == 0:  # type: ignore[index]
            continue
        _choose(row, chosen, why, picked, places, groups)
        over[row] = True
    return Picked(chosen, over, why)


def _choose(
    row: int,
    chosen: np.ndarray,
    why: list[WhyNot | None],
    picked: list[int],
    places: dict[str, int] | None,
    groups: Sequence[str] | None,
) -> None:
    chosen[row] = True
    why[row] = None
    picked.append(row)
    if places is not None and groups is not None:
        places[groups[row]] -= 1


def _max_cosine_to(block: np.ndarray, chosen: np.ndarray, chunk: int = 16_384) -> np.ndarray:
    """Each block row's highest cosine to the chosen rows, the chosen taken a chunk at a time."""
    best = np.full(block.shape[0], -1.0, dtype=np.float32)
    for start in range(0, chosen.shape[0], chunk):
        best = np.maximum(best, (block @ chosen[start : start + chunk].T).max(axis=1))
    return best


def nearest_chosen(
    vectors: np.ndarray, chosen: np.ndarray, chunk: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """For every row, the nearest chosen row other than itself (-1 if none) and their cosine
    (NaN if none): the evidence shown beside a row left out, and a kept row's spacing."""
    members = np.flatnonzero(chosen)
    nearest = np.full(vectors.shape[0], -1, dtype=np.int64)
    cosine = np.full(vectors.shape[0], np.nan, dtype=np.float32)
    if members.size == 0:
        return nearest, cosine
    column_of = np.full(vectors.shape[0], -1, dtype=np.int64)
    column_of[members] = np.arange(members.size)
    chosen_vectors = vectors[members]
    for start in range(0, vectors.shape[0], chunk):
        rows = np.arange(start, min(start + chunk, vectors.shape[0]))
        sims = vectors[rows] @ chosen_vectors.T
        own = column_of[rows]
        is_member = own >= 0
        sims[np.flatnonzero(is_member), own[is_member]] = -np.inf  # a row is not its own match
        best = sims.argmax(axis=1)
        value = sims[np.arange(rows.size), best]
        found = np.isfinite(value)
        nearest[rows[found]] = members[best[found]]
        cosine[rows[found]] = value[found]
    return nearest, cosine
