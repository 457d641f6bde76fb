"""How many rows to keep, in all and per balance group."""

from __future__ import annotations

import math


def target_count(rows: int, *, size: int | None = None, share: float | None = None) -> int:
    """The number of rows to select: ``size`` (capped at ``rows``) or ``share`` of the rows,
    rounded half up so that a share of a small set never rounds to nothing by accident."""
    if size is not None:
        return min(size, rows)
    assert share is not None  # the stage config requires one of the two
    return min(rows, math.floor(share * rows + 0.5))


def group_quotas(sizes: dict[str, int], target: int) -> dict[str, int]:
    """Places per group: as equal as the target allows, a small group's unused places shared
    among the others (water-filling), so the quotas add up to ``min(target, sum(sizes))``.

    Leftover single places go to the groups first in name order, so quotas are deterministic.
    """
    quotas = dict.fromkeys(sizes, 0)
    left = min(target, sum(sizes.values()))
    open_groups = sorted(g for g, n in sizes.items() if n > 0)
    while left > 0 and open_groups:
        share, extra = divmod(left, len(open_groups))
        still_open = []
        for position, group in enumerate(open_groups):
            wanted = share + (1 if position < extra else 0)
            given = min(wanted, sizes[group] - quotas[group])
            quotas[group] += given
            left -= given
            if quotas[group] < sizes[group]:
                still_open.append(group)
        open_groups = still_open  # a group that ran out closes; the rest share what is left
    return quotas
