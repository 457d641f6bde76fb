"""Facts that make two close texts different examples: their numbers and their names.

An embedding sees "wildfires over 1,000 acres in 2013? 29" and "... in 2010? 17" as one
sentence, and "Ioniq 6 height" as "Ioniq 5 height". Two texts *conflict* on a kind of fact
when each holds one the other lacks: 2013 against 2010, Ioniq 6 against Ioniq 5, White
against Indian. A text that only adds a detail ("30 days" against "30 days, 60 for members")
does not conflict: it says more about the same thing, and stays a candidate duplicate.

Numbers are digits with their separators folded ("8,848.86", "3 000", "1,9") plus the English
number words up to ninety ("five" is 5); the digits of a code (order TF-786569, ticket
T-10791: five or more after a letter or '#') are left out, since copies of one support
template differ in them and they name no fact. Names are found without a language model, so the
check is cheap, offline and the same in every language written with capitals: a word with a
capital letter where no sentence starts (not "Open" in "Open the app"). A name counts as
present in the other text when that text has the word anywhere, capitalised or not, as a
compound ("UnitedHealthGroup"), with a two-letter ending ("Boverkets"), one typo ("Meixco")
or as initials ("US" for "United States", "U.S."). Title-case or capitals-only text yields no
names. A named-entity model would miss names outside its language (the English spaCy model
tags Swedish words as people) and cost a model pass per text; this finds fewer kinds of
names, but each one it uses is in the text as written.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

ProtectKind = Literal["numbers", "entities"]
PROTECT_KINDS: tuple[ProtectKind, ...] = ("numbers", "entities")

# 1,000 / 3 000 / 8,848.86 / 1.000.000: groups of three digits after one separator, with an
# optional decimal part after the other mark; else a plain number, with a decimal part ("1.9",
# "1,9") or a clock time ("10:30")
_GROUPED = (
    r"\d{1,3}(?P<sep>[,. \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*(?!\d)"
    r"(?:(?!(?P=sep))[.,]\d+)?(?![.,]?\d)"
)
_THOUSANDS = re.compile(_GROUPED)
_NUMBER = re.compile(rf"(?<![\d.,])(?:{_GROUPED}|\d+(?:[.,:]\d+)?)")
_IDENTIFIER_DIGITS = 5  # order TF-786569: digits of a code, not a quantity
_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_SMALL_NUMBERS.split())}
_TENS = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS |= {word: str(30 + 10 * n) for n, word in enumerate(_TENS)}
_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’-](?=[^\W\d_]))*")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
_SENTENCE_END = set(".!?:;…\n•*")
_OPENERS = set("\"'“‘«([{-–— \t\r")
_SLACK = 2  # letters a name may add or lack at its end: "Boverkets" is "Boverket"


@dataclass(frozen=True)
class Facts:
    """What one text states, folded for comparison: its numbers; its names (capitalised words
    inside sentences); and, to match names against, its words in order, their set, the words
    by length, and the initials of its runs of capitalised words ("us": united, states)."""

    numbers: frozenset[str]
    names: frozenset[str]
    words: tuple[str, ...]
    vocabulary: frozenset[str]
    by_length: dict[int, tuple[str, ...]]
    initials: dict[str, tuple[str, ...]]


def facts_of(text: str) -> Facts:
    """The numbers and names in ``text``."""
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    tokens = list(_WORD.finditer(text))
    words = tuple(_folded(t.group()) for t in tokens)
    numbers = _numbers(text) | {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}
    capitalised = [t.group()[0].isupper() for t in tokens]
    headline = _headline_tokens(text, tokens, capitalised)
    names = {
        word
        for k, (token, word) in enumerate(zip(tokens, words, strict=True))
        if capitalised[k]
        and k not in headline
        and re.split(r"['’]", token.group())[0] != "I"  # "I", "I'm": no name
        and not _starts_sentence(text, token.start())
    }
    by_length: dict[int, list[str]] = {}
    for word in set(words):
        by_length.setdefault(len(word), []).append(word)
    initials = {
        "".join(w[0] for w in run[start:end]): run[start:end]
        for run, start, end in _subruns(_capital_runs(words, capitalised))
    }
    return Facts(
        frozenset(numbers),
        frozenset(names),
        words,
        frozenset(words),
        {n: tuple(ws) for n, ws in by_length.items()},
        initials,
    )


def _headline_tokens(text: str, tokens: list[re.Match[str]], capitalised: list[bool]) -> set[int]:
    """Tokens on lines written in title case or capitals ("How Do I Reset My Password"), where
    capitals say nothing; a line that lists things ("Tokyo, Delhi, Mexico City") is no
    headline."""
    texts = text.split("\n")
    breaks = list(itertools.accumulate(len(line) + 1 for line in texts))
    lines: dict[int, list[int]] = {}
    for k, token in enumerate(tokens):
        lines.setdefault(bisect.bisect_right(breaks, token.start()), []).append(k)
    out: set[int] = set()
    for line, members in lines.items():
        listing = any(mark in texts[line] for mark in ",;")
        share = sum(capitalised[k] for k in members) / len(members)
        if len(members) >= 4 and share > 0.6 and not listing:
            out.update(members)
    return out


def _capital_runs(words: tuple[str, ...], capitalised: list[bool]) -> tuple[tuple[str, ...], ...]:
    """Consecutive capitalised words ("United States Supreme Court"), for initials."""
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for word, capital in zip(words, capitalised, strict=True):
        if capital:
            run.append(word)
        elif run:
            runs.append(tuple(run))
            run = []
    if run:
        runs.append(tuple(run))
    return tuple(runs)


def conflict(a: Facts, b: Facts, kinds: Iterable[ProtectKind]) -> tuple[ProtectKind, str] | None:
    """The first kind of fact on which ``a`` and ``b`` conflict, with what differs ("2013 vs
    2010"), or None when neither holds a fact of those kinds that the other lacks."""
    for kind in kinds:
        if kind == "numbers":
            only_a = sorted(a.numbers - b.numbers, key=_numeric)
            only_b = sorted(b.numbers - a.numbers, key=_numeric) if only_a else []
        else:
            only_a = sorted(_unmatched_names(a, b))
            only_b = sorted(_unmatched_names(b, a)) if only_a else []
        if only_a and only_b:
            return kind, f"{', '.join(only_a[:3])} vs {', '.join(only_b[:3])}"
    return None


def conflicting_pairs(
    texts: Sequence[str], pairs: Iterable[tuple[int, int]], kinds: Sequence[ProtectKind]
) -> list[tuple[ProtectKind, str] | None]:
    """For each pair of positions into ``texts``, its conflict (or None); each text is read
    once however many pairs it is in."""
    cache: dict[int, Facts] = {}

    def facts(at: int) -> Facts:
        if at not in cache:
            cache[at] = facts_of(texts[at])
        return cache[at]

    return [conflict(facts(i), facts(j), kinds) if kinds else None for i, j in pairs]


def _numbers(text: str) -> set[str]:
    found = set()
    for match in _NUMBER.finditer(text):
        raw = match.group()
        if _is_identifier(text, match):
            continue
        grouped = _THOUSANDS.fullmatch(raw)
        if grouped:
            raw = raw.replace(grouped["sep"], "")
        whole, _, decimals = raw.replace(",", ".").partition(".")
        found.add((whole.lstrip("0") or "0") + ("." + decimals if decimals else ""))
    return found


def _is_identifier(text: str, match: re.Match[str]) -> bool:
    """Whether the number is the digits of a code: five or more after a letter, a letter and a
    hyphen, or '#' (order TF-786569, ticket T-10791, #48213)."""
    if not match.group().isdigit() or len(match.group()) < _IDENTIFIER_DIGITS:
        return False
    before = text[max(match.start() - 2, 0) : match.start()]
    return bool(re.search(r"(?:[^\W\d_]-?|#)$", before))


def _numeric(number: str) -> tuple[float, str]:
    head = number.split(":")[0]
    return (float(head) if head.replace(".", "", 1).isdigit() else 0.0, number)


def _folded(word: str) -> str:
    """Case and accents folded, possessive dropped: "São's" and "Sao" name one city."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.removesuffix("'s").removesuffix("’s")


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens the text, a line or a sentence."""
    k = at - 1
    while k >= 0 and text[k] in _OPENERS:
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END


def _unmatched_names(a: Facts, b: Facts) -> set[str]:
    """Names of ``a`` that ``b`` does not mention in any of the accepted forms."""
    unmatched = {name for name in a.names if name not in b.vocabulary}
    if not unmatched:
        return unmatched
    explained = _initials_explained(a, b)
    return {
        name
        for name in unmatched
        if name not in explained
        and not _in_compound(name, b.words)
        and not _written_together(name, a.words, b.vocabulary)
        and not _near_spelling(name, b)
    }


def _initials_explained(a: Facts, b: Facts) -> set[str]:
    """Names of ``a`` that are ``b``'s initials ("us" for "United States") or part of a run
    of capitals whose initials ``b`` writes."""
    explained = set(a.names & b.initials.keys())
    for word in b.vocabulary & a.initials.keys():
        explained.update(a.initials[word])
    return explained


def _subruns(runs: tuple[tuple[str, ...], ...]) -> Iterable[tuple[tuple[str, ...], int, int]]:
    for run in runs:
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + 6) + 1):
                yield run, start, end


def _in_compound(name: str, words: tuple[str, ...]) -> bool:
    """``name`` written as consecutive words ("UnitedHealth Group"), or as one of them with up
    to two letters more or fewer at the end ("Boverkets" and "Boverket")."""
    if len(name) < 4:
        return False
    for start, word in enumerate(words):
        if word[:1] != name[:1]:
            continue
        joined = ""
        for following in words[start : start + 4]:
            joined += following
            close = abs(len(joined) - len(name)) <= _SLACK and len(joined) >= 4
            if close and (joined.startswith(name) or name.startswith(joined)):
                return True
            if not name.startswith(joined):
                break
    return False


def _written_together(name: str, words: tuple[str, ...], vocabulary: frozenset[str]) -> bool:
    """``name`` and a word beside it in its own text are one word in the other text
    ("UnitedHealth Group" against "UnitedHealthGroup")."""
    for k, word in enumerate(words):
        if word != name:
            continue
        before = words[k - 1] if k else ""
        after = words[k + 1] if k + 1 < len(words) else ""
        joined = {before + name, name + after, before + name + after} - {name}
        if joined & vocabulary:
            return True
    return False


def _near_spelling(name: str, other: Facts) -> bool:
    """One letter changed, added, dropped or two swapped ("Meixco"), in names of 5+ letters."""
    if len(name) < 5:
        return False
    size = len(name)
    near = (w for n in (size - 1, size, size + 1) for w in other.by_length.get(n, ()))
    return any(len(word) >= 5 and _one_edit(name, word) for word in near)


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))
