"""Conflicting answers: groups of near-identical prompts whose answers disagree.

Prompts are linked at or above a cosine threshold (connected components of the pair graph).
Within a group, two answers agree when their label fields agree (when label fields are
named), when their JSON values are equal (when every answer is JSON), or else when their
own embeddings are at least ``answer_threshold`` apart in cosine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import orjson

AnswerKind = Literal["label", "json", "text"]


@dataclass(frozen=True)
class ConflictGroup:
    """Near-identical prompts with answers that disagree."""

    members: tuple[int, ...]  # positions, in input order
    answer_keys: tuple[str, ...]  # each member's answer, as compared (one per member)
    kind: AnswerKind
    prompt_similarity: float  # the lowest cosine of a linking pair inside the group
    majority: frozenset[int]  # members holding the most common answer; empty on a tie

    @property
    def outvoted(self) -> list[int]:
        """Members whose answer is not the majority's (empty on a tie)."""
        return [m for m in self.members if self.majority and m not in self.majority]


def prompt_groups(prompt_vectors: np.ndarray, threshold: float) -> list[tuple[list[int], float]]:
    """Groups of two or more prompts linked at or above ``threshold``, each with its lowest
    linking cosine; groups in order of their first member."""
    from curate.dedup.neighbours import clusters_from_pairs, near_duplicate_pairs

    i, j, sims = near_duplicate_pairs(prompt_vectors, threshold)
    if len(i) == 0:
        return []
    labels = clusters_from_pairs(len(prompt_vectors), i, j)
    lowest: dict[int, float] = {}
    for a, s in zip(i.tolist(), sims.tolist(), strict=True):
        lowest[labels[a]] = min(lowest.get(labels[a], 1.0), s)
    members: dict[int, list[int]] = {}
    for position, label in enumerate(labels.tolist()):
        if label in lowest:
            members.setdefault(label, []).append(position)
    return [(m, round(lowest[label], 4)) for label, m in sorted(members.items(), key=_first)]


def _first(item: tuple[int, list[int]]) -> int:
    return item[1][0]


def conflicts(
    groups: list[tuple[list[int], float]],
    answers: list[str | None],
    *,
    label_keys: list[str] | None = None,
    answer_vectors: Callable[[list[int]], np.ndarray] | None = None,
    answer_threshold: float = 0.8,
) -> list[ConflictGroup]:
    """The groups whose answers disagree. ``label_keys`` (one per position) compares label
    fields; else JSON answers compare by value; else ``answer_vectors(positions)`` gives unit
    vectors of those answers (only asked for groups that need them)."""
    found = []
    for members, similarity in groups:
        kind, keys = _answer_keys(members, answers, label_keys, answer_vectors, answer_threshold)
        counts = Counter(keys)
        if len(counts) < 2:
            continue
        (top, n), *rest = counts.most_common()
        majority = (
            frozenset()
            if rest and rest[0][1] == n
            else frozenset(m for m, k in zip(members, keys, strict=True) if k == top)
        )
        found.append(ConflictGroup(tuple(members), tuple(keys), kind, similarity, majority))
    return found


def _answer_keys(
    members: list[int],
    answers: list[str | None],
    label_keys: list[str] | None,
    answer_vectors: Callable[[list[int]], np.ndarray] | None,
    answer_threshold: float,
) -> tuple[AnswerKind, list[str]]:
    if label_keys is not None:
        return "label", [label_keys[m] for m in members]
    parsed = [_json_value(answers[m]) for m in members]
    if all(p is not None for p in parsed):
        return "json", [str(p) for p in parsed]
    if answer_vectors is None:
        return "text", [" ".join((answers[m] or "").split()) for m in members]
    vectors = answer_vectors(members)
    linked = (vectors @ vectors.T) >= answer_threshold
    component = list(range(len(members)))
    for a in range(len(members)):  # members are few: a plain union by smallest index
        for b in range(a + 1, len(members)):
            if linked[a, b]:
                old, new = max(component[a], component[b]), min(component[a], component[b])
                component = [new if c == old else c for c in component]
    shown = [" ".join((answers[members[c]] or "").split()) for c in component]
    return "text", shown


def _json_value(text: str | None) -> str | None:
    """Canonical JSON of an answer that is a JSON object or array, else None."""
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, (dict, list)):
        return None
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
