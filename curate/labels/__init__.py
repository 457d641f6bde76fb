"""Label substance: confident-learning label issues and conflicting answers to one prompt."""

from curate.labels.confident import FilterBy, LabelCheck, Suspect, check_labels
from curate.labels.consistency import ConflictGroup, conflicts, prompt_groups
from curate.labels.fields import LABEL_FIELD_PATTERN, LabelField, read_labels, relabelled

__all__ = [
    "LABEL_FIELD_PATTERN",
    "ConflictGroup",
    "FilterBy",
    "LabelCheck",
    "LabelField",
    "Suspect",
    "check_labels",
    "conflicts",
    "prompt_groups",
    "read_labels",
    "relabelled",
]
