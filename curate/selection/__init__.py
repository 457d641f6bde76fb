"""Data selection: cut a set to a target size by quality, diversity, balance, or at random.

The library knows nothing of stages: ``curate/stages/select.py`` wires it into a run.
"""

from curate.selection.greedy import Picked, greedy_pick, nearest_chosen
from curate.selection.ifd import IFDScores, ifd_scores, require_ifd_libraries
from curate.selection.target import group_quotas, target_count

__all__ = [
    "IFDScores",
    "Picked",
    "greedy_pick",
    "group_quotas",
    "ifd_scores",
    "nearest_chosen",
    "require_ifd_libraries",
    "target_count",
]
