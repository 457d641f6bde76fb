"""Word n-gram overlap between training texts and evaluation texts.

Texts are lowercased and split into words (runs of letters, digits and underscores), the way
lm-evaluation-harness's decontamination compares them; a training text overlaps an eval text
when they share one n-gram. A text shorter than n words has no n-gram and matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The lowercased words of ``text``."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Overlap:
    """The overlap of a training text with the eval text it shares most of."""

    eval_text: int  # index into the eval texts the index was built from
    span: str  # the first run of shared words, as the training text has them (lowercased)
    ngrams: int  # distinct n-grams of the eval text the training text holds
    share: float  # ...as a share of the eval text's distinct n-grams


class NgramIndex:
    """Every n-gram of the eval texts, with the eval texts that hold it."""

    def __init__(self, eval_texts: list[str], n: int = 13) -> None:
        self.n = n
        self._holders: dict[str, list[int]] = {}
        self.grams_per_text: list[int] = []
        for at, text in enumerate(eval_texts):
            grams = set(_grams(words(text), n))
            self.grams_per_text.append(len(grams))
            for gram in grams:
                self._holders.setdefault(gram, []).append(at)

    def __len__(self) -> int:
        return len(self._holders)

    def overlap(self, text: str, min_share: float = 0.0) -> Overlap | None:
        """The eval text of which ``text`` holds the largest share of n-grams (ties: the one
        sharing more, then the first), when that share is at least ``min_share``; else None."""
        tokens = words(text)
        grams = _grams(tokens, self.n)
        counts: dict[int, int] = {}
        for gram in set(grams):
            for at in self._holders.get(gram, ()):
                counts[at] = counts.get(at, 0) + 1
        if not counts:
            return None
        best = max(counts, key=lambda at: (counts[at] / self.grams_per_text[at], counts[at], -at))
        share = counts[best] / self.grams_per_text[best]
        if share < min_share:
            return None
        starts = [i for i, gram in enumerate(grams) if best in self._holders.get(gram, ())]
        first = last = starts[0]
        for start in starts[1:]:  # the first run of overlapping n-grams, as one span
            if start > last + self.n:
                break
            last = start
        return Overlap(best, " ".join(tokens[first : last + self.n]), counts[best], share)


def _grams(tokens: list[str], n: int) -> list[str]:
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
