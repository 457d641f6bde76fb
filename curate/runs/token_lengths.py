"""A run's token-length distribution, as its ``token_budget`` stage recorded it in its stage
entry (metrics.json, and the manifest): percentiles, the model's limit, rows over it, and
the histogram to draw."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from curate.errors import CurateError
from curate.runs.layout import RunLayout
from curate.runs.manifest import StageEntry

STAGE = "token_budget"
HOW_TO_GET_IT = "No token counts: add `- stage: token_budget` to the pipeline and run it again."


@dataclass(frozen=True)
class TokenLengths:
    """What token_budget measured; ``bins`` are ``(low, high, count)`` like
    ``length_histogram``'s, ``limit`` the model's max_tokens when one was set."""

    bins: list[tuple[int, int, int]]
    p50: int
    p95: int
    longest: int
    limit: int | None
    over_limit: int
    assistant_share: float | None


def token_stage(stages: list[StageEntry]) -> StageEntry | None:
    """The run's last token_budget stage entry, or None when it has none."""
    return next((entry for entry in reversed(stages) if entry.name == STAGE), None)


def _number(metrics: dict[str, object], name: str, where: Path) -> float:
    value = metrics.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CurateError(
            f"token_budget metric {name} is {value!r}, not a number",
            file=where,
            field=f"stages.{STAGE}.metrics.{name}",
        )
    return float(value)


def _bins(text: object, where: Path) -> list[tuple[int, int, int]]:
    """``{"edges": [e0..en], "counts": [c1..cn]}`` as (low, high, count) triples."""
    field = f"stages.{STAGE}.metrics.token_histogram"
    try:
        parsed = orjson.loads(str(text))
        # edges may be fractional (numpy's bins); whole tokens are what the labels show
        edges, counts = [int(e) for e in parsed["edges"]], [int(c) for c in parsed["counts"]]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise CurateError(
            'token_histogram is not {"edges": [...], "counts": [...]} of numbers',
            file=where,
            field=field,
        ) from None
    if not edges and not counts:  # the stage saw no rows
        return []
    if len(edges) != len(counts) + 1:
        raise CurateError(
            f"token_histogram has {len(edges)} edges for {len(counts)} counts (want one more)",
            file=where,
            field=field,
        )
    # half-open bins like length_histogram's, except numpy's last, which holds its right edge
    highs = [*edges[1:-1], edges[-1] + 1]
    return [(edges[i], highs[i], counts[i]) for i in range(len(counts))]


def token_lengths(run_dir: Path, stages: list[StageEntry]) -> TokenLengths | None:
    """The token distribution of the run's token_budget stage, None without one; a
    malformed entry is one CurateError naming the manifest and the metric."""
    entry = token_stage(stages)
    if entry is None:
        return None
    folder = RunLayout(run_dir).stage(STAGE)
    where = folder.metrics if folder is not None else RunLayout(run_dir).manifest_path
    metrics: dict[str, object] = dict(entry.metrics)
    limit = metrics.get("max_tokens")
    share = metrics.get("assistant_token_share")
    return TokenLengths(
        bins=_bins(metrics.get("token_histogram", ""), where),
        p50=int(_number(metrics, "tokens_p50", where)),
        p95=int(_number(metrics, "tokens_p95", where)),
        longest=int(_number(metrics, "tokens_max", where)),
        limit=None if limit in (None, "") else int(_number(metrics, "max_tokens", where)),
        over_limit=int(metrics.get("rows_over_max", 0) or 0),
        assistant_share=None if share is None else _number(metrics, "assistant_token_share", where),
    )
