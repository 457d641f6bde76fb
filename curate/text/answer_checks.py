"""Cheap checks on one answer's text: boilerplate, refusals, repetition, truncation, and an
answer that only restates its question. Each returns the measured value, so a rejection can
say how far past its limit the answer went.

The repetition measures are the Gopher rules (Rae et al. 2021, the ones datatrove and NeMo
Curator implement) written out here for short texts: the share of duplicated lines, the
share of characters in the most frequent 2-4-gram, and the share of characters in duplicated
5-10-grams. They are meant for documents, so an answer is measured only from
``MIN_REPETITION_WORDS`` words on (repeated lines from ``MIN_REPEATED_LINES`` lines): below
that, one repeated phrase is most of the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Phrases of answers that decline or do not know; matched case-insensitively.
REFUSAL_PATTERN = "(?i)" + "|".join(
    [
        r"\bI (?:do not|don['’]t|dont) know\b",
        r"\bI(?:['’]m| am) not (?:sure|able to|allowed to)\b",
        r"\bI (?:can(?:no|['’])t|cannot|am unable to|['’]m unable to) "
        r"(?:help|assist|answer|provide|share|give|do that|comply|access|discuss)",
        r"\bI(?:['’]m| am) sorry,? but I (?:can|cannot|won)",
        r"\bas an AI\b",
        r"\bI (?:won['’]t|will not) be able to\b",
    ]
)
# A model talking about itself instead of answering: the mark of distilled chat data.
BOILERPLATE = re.compile(
    r"(?i)\bas an? (?:AI|artificial intelligence)(?: language)?(?: model| assistant)?\b"
    r"|\bas a (?:large )?language model\b|\bI(?:['’]m| am) (?:just |only )?an AI\b"
    r"|\bmy (?:knowledge|training) (?:cutoff|cut-off|data)\b"
    r"|\bI (?:do not|don['’]t) have (?:personal )?(?:opinions|feelings|beliefs)\b"
    r"|\bI (?:can(?:no|['’])t|cannot|am unable to) (?:browse|access) the internet\b"
)
# A list of 60 film titles repeats "harry potter"; a 60-word FAQ answer may say "new
# single-family home construction" three times: n-gram shares mean little below 100 words.
MIN_REPETITION_WORDS = 100
MIN_REPEATED_LINES = 4
TOP_NGRAM_LIMITS = {2: 0.20, 3: 0.18, 4: 0.16}
DUP_NGRAM_LIMITS = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
DUP_LINE_LIMIT = 0.30
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Finding:
    """A check that failed: what it measured, and the limit it passed."""

    check: str
    detail: str


def is_refusal(answer: str) -> bool:
    """The answer declines or says it does not know."""
    return re.search(REFUSAL_PATTERN, answer) is not None


def boilerplate(answer: str) -> Finding | None:
    """The answer talks about being an AI ("As an AI language model, ...")."""
    match = BOILERPLATE.search(answer)
    return Finding("boilerplate", f"says {match.group()!r}") if match else None


def repetition(answer: str) -> Finding | None:
    """The answer repeats lines or n-grams past the Gopher limits."""
    words = [w.casefold() for w in WORD.findall(answer)]
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    if len(lines) >= MIN_REPEATED_LINES:
        counts = Counter(lines)
        share = sum(n for n in counts.values() if n > 1) / len(lines)
        if share > DUP_LINE_LIMIT:
            return Finding(
                "repetition", f"{share:.0%} of lines repeat (limit {DUP_LINE_LIMIT:.0%})"
            )
    if len(words) < MIN_REPETITION_WORDS:
        return None
    total = sum(len(w) for w in words)
    for n, limit in TOP_NGRAM_LIMITS.items():
        grams = Counter(
            gram
            for gram in (tuple(words[i : i + n]) for i in range(len(words) - n + 1))
            if not all(w.isdigit() for w in gram)  # a date or a table of figures
        )
        if not grams:
            continue
        gram, count = grams.most_common(1)[0]
        share = count * sum(len(w) for w in gram) / total if count > 1 else 0.0
        if share > limit:
            shown = " ".join(gram)
            return Finding(
                "repetition", f"{shown!r} holds {share:.0%} of the text (limit {limit:.0%})"
            )
    for n, limit in DUP_NGRAM_LIMITS.items():
        share = _duplicated_ngram_share(words, n, total)
        if share > limit:
            return Finding(
                "repetition", f"repeated {n}-grams hold {share:.0%} of the text (limit {limit:.0%})"
            )
    return None


def _duplicated_ngram_share(words: list[str], n: int, total: int) -> float:
    """Characters of words inside any n-gram that occurs more than once, over all characters."""
    seen: dict[tuple[str, ...], int] = {}
    covered = [False] * len(words)
    for i in range(len(words) - n + 1):
        gram = tuple(words[i : i + n])
        if gram in seen:
            for j in (*range(seen[gram], seen[gram] + n), *range(i, i + n)):
                covered[j] = True
        else:
            seen[gram] = i
    return sum(len(w) for w, c in zip(words, covered, strict=True) if c) / total


PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"))


def truncation(answer: str) -> Finding | None:
    """The answer stops before it ends: an open code fence, an unclosed bracket or JSON
    value, or a last word no sentence ends on ("... with the", "... and", a comma). Casual
    answers that skip the full stop are not truncated, so that alone is not a sign."""
    text = answer.rstrip()
    if text.count("```") % 2:
        return Finding("truncated", "a code fence (```) is opened and never closed")
    if text[:1] in "{[" and _json_unclosed(text):
        return Finding("truncated", "the JSON answer never closes")
    for opener, closer in PAIRS:
        if text.count(opener) > text.count(closer):
            return Finding(
                "truncated",
                f"{opener!r} opened {text.count(opener)} times, closed {text.count(closer)}",
            )
    last = text.split()[-1] if text.split() else ""
    dangling = last.isalpha() and last.islower() and last in DANGLING
    if len(WORD.findall(text)) >= 8 and (text[-1] in ",-–" or dangling):
        tail = " ".join(text.split()[-6:])
        return Finding("truncated", f"stops mid-sentence: '…{tail}'")
    return None


# Words a finished sentence does not end on; an answer cut by a token limit often does.
DANGLING = frozenset(
    """the a an and or but of to in on at for with from by as than that which who whose
    because if when while is are was were be been has have had will would can could should
    my your our their its this these those""".split()  # noqa: SIM905
)


SENTENCE_BREAK = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z][a-z]")


def unfinished(answer: str) -> Finding | None:
    """Prose of two or more sentences whose last one has no end: often a cut, but casual
    writers skip the last full stop too, so this one is flagged by default, not rejected."""
    text = answer.rstrip()
    if not text or not (text[-1].isalnum()) or not SENTENCE_BREAK.search(text):
        return None
    last = re.split(r"[.!?]\s+", text)[-1]
    if len(WORD.findall(last)) < 3 or "\n" in last:
        return None
    return Finding("unfinished", f"the last sentence has no end: '…{' '.join(last.split()[-6:])}'")


def _json_unclosed(text: str) -> bool:
    import orjson

    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return text.count("{") + text.count("[") > text.count("}") + text.count("]")
    return False


def restates_question(question: str, answer: str) -> Finding | None:
    """The answer is the question again: every word of it from the question, most of the
    question in it, and no yes or no ("Yes, the fleece is washable" answers)."""
    q = [w.casefold() for w in WORD.findall(question)]
    a = [w.casefold() for w in WORD.findall(answer)]
    if len(q) < 4 or not a or a[0] in YES_NO:
        return None
    if set(a) <= set(q) and len(set(a)) >= 0.8 * len(set(q)):
        return Finding("restates_question", f"all {len(a)} words of the answer are the question's")
    return None


YES_NO = frozenset({"yes", "no", "ja", "nej", "oui", "non", "si", "sí", "nein", "yeah", "nope"})
