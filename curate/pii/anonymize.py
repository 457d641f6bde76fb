"""Findings in one example's turns, and what the actions make of them.

Pseudonyms are deterministic: each fake value is drawn from Faker seeded by a hash of
(seed, scope, entity, original), so the same person gets the same fake name however the
rows are ordered or split across processes. Names are faked word by word, which keeps
"Ana Lima" and a later "Ana" one person.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Action = Literal["redact", "pseudonymize", "drop", "flag"]
ACTIONS: tuple[Action, ...] = ("redact", "pseudonymize", "drop", "flag")


@dataclass(frozen=True)
class Finding:
    """A PII span in one turn: ``field`` (messages, chosen, rejected), ``turn`` index, offsets."""

    field: str
    turn: int
    role: str
    entity: str
    start: int
    end: int
    score: float
    source: str  # model, pattern or human
    action: Action = "flag"

    def overlaps(self, other: Finding) -> bool:
        return (
            self.field == other.field
            and self.turn == other.turn
            and self.start < other.end
            and other.start < self.end
        )

    def where(self) -> str:
        """Where it is, for a person: ``messages[1] (user) chars 10-25``."""
        return f"{self.field}[{self.turn}] ({self.role}) chars {self.start}-{self.end}"


# Checksummed or tightly shaped types beat loose ones on the same span: a dotted IP is not a
# phone number, a card number is not a date, an address is not a person named "Peterson Keys".
SPECIFICITY: dict[str, int] = {
    "EMAIL_ADDRESS": 2,
    "CREDIT_CARD": 2,
    "US_SSN": 2,
    "IBAN_CODE": 2,
    "IP_ADDRESS": 2,
    "API_KEY": 2,
    "PRIVATE_KEY": 2,
    "PASSWORD": 2,
    "STREET_ADDRESS": 2,
    "PHONE_NUMBER": 1,
    "URL": 1,
}


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the strongest of overlapping spans: a person's, then the most specific type,
    then the highest score, then the longest."""
    ranked = sorted(
        findings,
        key=lambda f: (
            f.source != "human",
            -SPECIFICITY.get(f.entity, 0),
            -f.score,
            -(f.end - f.start),
            f.start,
        ),
    )
    kept: list[Finding] = []
    for finding in ranked:
        if not any(finding.overlaps(k) for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.field, f.turn, f.start))


def allowed_spans(text: str, allow_list: Iterable[str]) -> list[tuple[int, int]]:
    """Where the allow-listed phrases occur in ``text`` (case-insensitive, whole words)."""
    spans = []
    for phrase in allow_list:
        pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return spans


def is_allowed(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True when the span lies inside an allow-listed phrase."""
    return any(a <= start and end <= b for a, b in spans)


def placeholder(entity: str) -> str:
    """The typed placeholder a redaction leaves: ``<EMAIL_ADDRESS>``."""
    return f"<{entity}>"


def rewrite(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping ``(start, end, new)`` spans of ``text``."""
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


class Pseudonymizer:
    """Realistic, deterministic fake values; ``scope`` keys consistency (an example id, or "")."""

    def __init__(self, seed: int = 0) -> None:
        from faker import Faker

        self.seed = seed
        self.faker = Faker("en_US")

    def _rng(self, *parts: str) -> random.Random:
        digest = hashlib.sha256("\0".join([str(self.seed), *parts]).encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def _fake(self, method: str, *parts: str) -> str:
        self.faker.seed_instance(self._rng(*parts).getrandbits(64))
        return str(getattr(self.faker, method)())

    def fake(self, entity: str, original: str, scope: str, last_names: set[str]) -> str:
        """A fake value for ``original``; ``last_names`` are words that end a full name here."""
        key = original.strip().casefold()
        rng = self._rng(scope, entity, key)
        if entity == "PERSON":
            return self._person(original, scope, last_names)
        if entity == "EMAIL_ADDRESS":
            return self._email(original, scope)
        if entity in ("PHONE_NUMBER", "US_SSN", "US_BANK_NUMBER", "US_ITIN"):
            return _same_shape_digits(original, rng, keep_prefix=0)
        if entity == "CREDIT_CARD":
            return _luhn_like(original, rng)
        if entity == "IP_ADDRESS":
            return f"192.0.2.{rng.randrange(1, 255)}"  # TEST-NET-1, never a real host
        if entity in ("API_KEY", "PASSWORD"):
            prefix = re.match(r"^(?:[a-z]{2,4}[-_](?:ant-|live-|test-|proj-)?|AKIA|ASIA)", original)
            return _same_shape_chars(original, rng, keep=len(prefix.group()) if prefix else 0)
        methods = {
            "LOCATION": "city",
            "STREET_ADDRESS": "street_address",
            "URL": "url",
            "IBAN_CODE": "iban",
            "ORGANIZATION": "company",
            "DATE_TIME": "date",
        }
        if entity in methods:
            return self._fake(methods[entity], scope, entity, key)
        return placeholder(entity)

    def _person(self, original: str, scope: str, last_names: set[str]) -> str:
        words = original.split()
        out = []
        for i, word in enumerate(words):
            is_last = (i > 0 and i == len(words) - 1) or (
                len(words) == 1 and word.casefold() in last_names
            )
            method = "last_name" if is_last else "first_name"
            out.append(self._fake(method, scope, method, word.casefold()))
        return " ".join(out)

    def _email(self, original: str, scope: str) -> str:
        """Name-like local parts map to the same fake words as the name (dana.whitcombe)."""
        local = original.partition("@")[0]
        parts = re.split(r"([._-])", local)
        words = parts[::2]
        if words and all(w.isalpha() for w in words):
            for i, word in enumerate(words):
                method = "first_name" if i == 0 else "last_name"
                fake = self._fake(method, scope, method, word.casefold()).lower()
                parts[2 * i] = fake[0] if len(word) == 1 else fake
            local = "".join(parts)
        else:
            local = self._fake("user_name", scope, "EMAIL_ADDRESS", original.casefold())
        return f"{local}@example.com"


def person_last_names(names: Iterable[str]) -> set[str]:
    """Last words of the multi-word names among ``names`` (casefolded)."""
    return {n.split()[-1].casefold() for n in names if len(n.split()) > 1}


def _same_shape_digits(original: str, rng: random.Random, keep_prefix: int) -> str:
    seen = 0
    out = []
    for ch in original:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_prefix else str(rng.randrange(10)))
        else:
            out.append(ch)
    return "".join(out)


def _luhn_like(original: str, rng: random.Random) -> str:
    """Random digits in the original's layout, with a valid Luhn check digit."""
    digits = [c for c in original if c.isdigit()]
    body = [rng.randrange(10) for _ in digits[:-1]]
    total = 0
    for i, d in enumerate(reversed(body)):
        total += sum(divmod(d * 2, 10)) if i % 2 == 0 else d
    new = iter([*body, (10 - total % 10) % 10])
    return "".join(str(next(new)) if c.isdigit() else c for c in original)


def _same_shape_chars(original: str, rng: random.Random, keep: int) -> str:
    pools = {str.isdigit: string.digits, str.islower: string.ascii_lowercase}
    out = list(original[:keep])
    for ch in original[keep:]:
        pool = next((p for test, p in pools.items() if test(ch)), None)
        if pool is None and ch.isupper():
            pool = string.ascii_uppercase
        out.append(rng.choice(pool) if pool else ch)
    return "".join(out)


def with_action(finding: Finding, action: Action) -> Finding:
    """The finding with the action chosen for its entity type."""
    return replace(finding, action=action)
