"""Precision rules between the analyzer's raw hits and the findings a run acts on.

Each rule exists because real text broke the raw output: a span running across a line break
("1939\\nAndrew H. Knoll"), a hit that cuts a word ("kev.tr" in "kev.trailmix" left "ailmix"
behind), a first name found without the surname next to it, price ranges and populations
read as phone numbers, words of the set's own domain found as people in many examples, and
public figures in knowledge Q&A erased although nothing private is near them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from curate.pii.analyzer import Hit
from curate.pii.anonymize import Finding

MULTILINE_TYPES = frozenset({"PRIVATE_KEY"})
# Types that make a name private: contact data, accounts, identifiers, secrets.
PUBLIC_CONTEXT_TYPES = frozenset(
    {"PERSON", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME", "URL", "PII"}
)
# curate's phone rules that need a keyword ("phone:", "call me at"): their hits are trusted.
KEYWORD_PHONE_RULES = frozenset({"phone_phrase"})
THOUSANDS = r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+"
# Thousands-grouped numbers and their ranges, year ranges, and bare digit runs (counts,
# populations, ids): none is written as a phone number without a keyword before it.
NOT_A_PHONE = re.compile(
    rf"^(?:{THOUSANDS}(?:\s*[-–]\s*{THOUSANDS})?|(?:1[5-9]|20)\d\d\s*[-–]\s*(?:1[5-9]|20)\d\d"
    r"|\d{7,})$"
)


def line_pieces(hit: Hit, text: str) -> Iterator[Hit]:
    """The hit, or its pieces on each line when it spans a line break (not a PEM key)."""
    value = text[hit.start : hit.end]
    if "\n" not in value or hit.entity in MULTILINE_TYPES:
        yield hit
        return
    offset = hit.start
    for line in value.split("\n"):
        stripped = line.strip()
        if len(stripped) >= 2:
            start = offset + line.index(stripped)
            yield replace(hit, start=start, end=start + len(stripped))
        offset += len(line) + 1


def whole_words(hit: Hit, text: str) -> Hit:
    """The hit grown to the word it cuts into ("kev.tr" -> "kev.trailmix")."""
    start, end = hit.start, hit.end
    while start > 0 and _inside_word(text[start - 1], text[start]):
        start -= 1
    while end < len(text) and _inside_word(text[end - 1], text[end]):
        end += 1
    return hit if (start, end) == (hit.start, hit.end) else replace(hit, start=start, end=end)


def _inside_word(left: str, right: str) -> bool:
    return left.isalnum() and right.isalnum()


def plausible_phone(hit: Hit, value: str) -> bool:
    """Presidio's phone recognizer also matches "16/40", order numbers, "3 000-8 000",
    "1939-1945" and "1684853"; a number after a phone keyword is trusted."""
    if hit.rule in KEYWORD_PHONE_RULES:
        return True
    return sum(c.isdigit() for c in value) >= 7 and not NOT_A_PHONE.match(value.strip())


@dataclass
class DatasetRules:
    """Rules that need the whole set: public names, and spans recurring across it."""

    person_policy: str
    recurring_share: float
    recurring_min: int

    def public_people(self, findings: list[Finding]) -> list[Finding]:
        """Under ``private_only``: the model's PERSON findings in an example with nothing
        private in it (no contact data, account or identifier), which are kept as written."""
        if self.person_policy != "private_only":
            return []
        if any(f.entity not in PUBLIC_CONTEXT_TYPES for f in findings):
            return []
        return [f for f in findings if f.entity == "PERSON" and f.source == "model"]

    def recurring(self, spans: Counter[tuple[str, str]], examples: int) -> set[tuple[str, str]]:
        """(entity, casefolded text) of model findings seen in too many examples to be one
        person's data ("KB", a product, the assistant's own name): flagged, not rewritten."""
        floor = max(self.recurring_min, self.recurring_share * examples)
        return {key for key, n in spans.items() if n >= floor}
