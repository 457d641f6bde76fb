"""The leakage proof: no example, no text equal once normalised, no prompt asked twice, and no
near-duplicate sits in two splits.

The exact part (``find_leaks``, ``assert_no_leakage``) compares ids, normalised text, the
normalised prompt (the conversation without its final answer) and group values, on the text
as it is at that point: export runs it again on the final text, after every rewrite. The
semantic part exists because dedup links pairs through a bounded neighbour list (and, past
``exact_limit``, an approximate index), so a near-duplicate pair can escape its cluster.
Split therefore runs ``pull_leaks_into_train``: an exact search of every held-out example
against train, which moves each leaking example's group into train until none is left, and
so proves the result. With a cascade spec (a static prefilter), "too close" is the cascade's
judgement: the model rescores each held-out example's closest cheap train neighbours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from curate.dedup.embedding import NearDuplicateSpec, nearest
from curate.errors import LeakageError
from curate.record import normalized_prompt_expr, normalized_text_expr


def find_leaks(
    frame: pl.DataFrame, group: str | None = None, *, text_key: str | None = None, limit: int = 5
) -> list[str]:
    """Sentences describing every key shared by two splits (at most ``limit`` per key kind).

    ``text_key`` names a column already holding the normalised text, to avoid recomputing it.
    """
    keyed = frame.with_columns(
        _key=pl.col(text_key) if text_key else normalized_text_expr(),
        _prompt=normalized_prompt_expr(),
    )
    kinds = [("id", "id"), ("_key", "normalised text"), ("_prompt", "prompt")]
    if group and group in frame.columns:
        kinds.append((group, f"group '{group}'"))
    problems: list[str] = []
    for column, what in kinds:
        shared = (
            keyed.filter(pl.col(column).is_not_null())
            .group_by(column)
            .agg(
                pl.col("split").n_unique().alias("_splits"),
                pl.col("split").unique().sort().str.join("+").alias("_where"),
                pl.col("source").sort().first().alias("_source"),
            )
            .filter(pl.col("_splits") > 1)
            .sort("_source")
        )
        for _, where, source in shared.select(column, "_where", "_source").head(limit).iter_rows():
            problems.append(f"{what} of {source} is in {where}")
        if shared.height > limit:
            problems.append(f"... and {shared.height - limit} more by {what}")
    return problems


def assert_no_leakage(
    frame: pl.DataFrame, group: str | None = None, *, text_key: str | None = None
) -> None:
    """Raise LeakageError, naming the examples, when two splits share a key."""
    problems = find_leaks(frame, group, text_key=text_key)
    if problems:
        raise LeakageError(
            "split leakage: " + "; ".join(problems),
            hint="this is a bug in a stage after split, or a group column that splits duplicates",
        )


def pull_leaks_into_train(
    kept: pl.DataFrame, spec: NearDuplicateSpec, workspace: Path, group: str
) -> tuple[pl.DataFrame, int]:
    """``kept`` with each held-out group that has a train neighbour at or above the threshold
    moved into train (repeated until no held-out example has one), and how many rows moved.

    Every held-out example is compared with every train example exactly: first with the
    train split as assigned, then with each batch of rows moved into it.
    """
    frame = kept.sort("row")
    closest = nearest(spec, spec.texts(frame), workspace)
    split = frame["split"].to_numpy().astype(object)
    groups = frame[group].to_numpy()
    joining = np.flatnonzero(split == "train")
    moved = 0
    while len(joining):
        held = np.flatnonzero(split != "train")
        if not len(held):
            break
        sims, _ = closest(held, joining)
        leaking = held[sims >= spec.threshold]
        joining = np.flatnonzero(np.isin(groups, groups[leaking]) & (split != "train"))
        split[joining] = "train"
        moved += len(joining)
    if not moved:
        return kept, 0
    fixed = frame.select("row", _split=pl.Series(split.astype(str)))
    out = kept.join(fixed, on="row", how="left", maintain_order="left")
    return out.with_columns(split=pl.col("_split")).drop("_split"), moved


def semantic_leaks(
    kept: pl.DataFrame, spec: NearDuplicateSpec, workspace: Path, *, limit: int = 5
) -> list[str]:
    """Sentences naming each held-out example whose nearest train example is too close."""
    frame = kept.sort("row")
    in_train = (frame["split"] == "train").to_numpy()
    if in_train.all() or not in_train.any():
        return []
    held = np.flatnonzero(~in_train)
    sims, closest = nearest(spec, spec.texts(frame), workspace)(held, np.flatnonzero(in_train))
    problems = []
    for position in np.flatnonzero(sims >= spec.threshold)[:limit]:
        other = frame.row(int(closest[position]), named=True)
        mine = frame.row(int(held[position]), named=True)
        problems.append(
            f"{mine['split']} example {mine['source']} has train neighbour {other['source']} "
            f"at cosine {sims[position]:.3f}"
        )
    return problems
