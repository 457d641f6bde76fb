"""Recognizers curate adds to Presidio's: what support and chat logs leak.

Each is a regex whose named group ``value`` is the span reported, so a keyword that gives
the context ("password:", "SSN", "call me at") is required but never redacted itself. No rule
but the PEM key's matches across a line break: a number ending one line and a name starting
the next are not an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# USPS street suffixes (Publication 28, C1), full names and common abbreviations.
_SUFFIX_WORDS = """
    Alley Aly Avenue Ave Bend Bluffs? Bottom Boulevard Blvd Branch Bridge Brooks? Burgs?
    Bypass Byp Camp Canyon Cape Causeway Cswy Centers? Ctr Circles? Cir Cliffs? Club Commons?
    Corners? Course Courts? Ct Coves? Cv Creek Crk Crescent Cres Crest Crossing Xing Crossroads?
    Curve Dale Dam Divide Drives? Dr Estates? Est Expressway Expy Extensions? Falls? Ferry
    Fields? Flats? Fords? Forests? Forges? Forks? Fort Freeway Fwy Gardens? Gdns Gateway Glens?
    Greens? Groves? Grv Harbors? Haven Heights Hts Highway Hwy Hills? Hollow Holw Inlet Islands?
    Isle Junctions? Jct Keys? Knolls? Lakes? Land Landing Lndg Lane Ln Lights? Loaf Locks? Lodge
    Loop Mall Manors? Mnr Meadows? Mdws Mews Mills? Mission Motorway Mount Mountains? Neck
    Orchard Oval Overpass Parks? Parkways? Pkwy Pass Passage Path Pike Pines? Place Pl Plains?
    Plaza Plz Points? Pt Ports? Prairie Radial Ramp Ranch Rapids? Rest Ridges? Rdg Rivers? Roads?
    Rd Route Row Rue Run Shoals? Shores? Skyway Springs? Spgs Spurs? Squares? Sq Stations? Sta
    Stravenue Streams? Streets? St Summit Smt Terrace Ter Throughway Trace Trce Track Trafficway
    Trail Trl Trailer Tunnel Turnpike Tpke Underpass Unions? Valleys? Viaduct Views? Vw Villages?
    Vlg Ville Vista Walks? Wall Ways? Wells?"""
STREET_SUFFIX = "|".join(_SUFFIX_WORDS.split())
# Words that follow "password is" in prose about passwords, not in a leaked one.
NOT_A_PASSWORD = (
    r"required|incorrect|wrong|invalid|not|too|expired|reset|changed|the|a|an|your|my|"
    r"case|correct|saved|stored|weak|strong|missing|empty|different|same|still|now"
)


@dataclass(frozen=True)
class Rule:
    """One pattern: the entity it finds, its regex (group ``value`` or the whole match), score."""

    entity: str
    name: str
    regex: str
    score: float
    flags: int = 0
    luhn: bool = False  # the value's digits must pass the Luhn checksum (card numbers)


RULES: tuple[Rule, ...] = (
    # API keys and tokens by their well-known prefixes.
    Rule(
        "API_KEY", "openai_anthropic", r"\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{20,}", 0.95
    ),
    Rule("API_KEY", "stripe", r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", 0.95),
    Rule(
        "API_KEY", "github", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})", 0.95
    ),
    Rule("API_KEY", "aws_access_key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0.95),
    Rule("API_KEY", "slack", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", 0.95),
    Rule("API_KEY", "google", r"\bAIza[0-9A-Za-z_-]{35}\b", 0.95),
    Rule("API_KEY", "jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 0.9),
    Rule(
        "API_KEY",
        "bearer",
        r"\bbearer[ \t]+(?P<value>[A-Za-z0-9._~+/-]{16,}=*)",
        0.9,
        re.IGNORECASE,
    ),
    Rule(
        "API_KEY",
        "key_phrase",
        r"\b(?:api[_ -]?key|access[_ -]?token|auth[_ -]?token|secret[_ -]?key|client[_ -]?secret)"
        r"[ \t]*(?:is|[:=])[ \t]*[\"']?(?P<value>[A-Za-z0-9_\-./+=]{16,})",
        0.85,
        re.IGNORECASE,
    ),
    Rule(
        "PRIVATE_KEY",
        "pem",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?"
        r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----",
        1.0,
    ),
    Rule(
        "PASSWORD",
        "password_phrase",
        r"\b(?:password|passwd|pwd|passcode|passphrase)\b[ \t]*(?:is|was|[:=])[ \t]*[\"']?"
        rf"(?!(?:{NOT_A_PASSWORD})\b)(?P<value>[^\s\"']{{3,64}}?)[\"']?(?=[.,;!?)]*(?:\s|$))",
        0.9,
        re.IGNORECASE,
    ),
    # Street addresses: number, capitalised street name, suffix, unit, then city, state, ZIP.
    Rule(
        "STREET_ADDRESS",
        "us_street",
        rf"\b\d{{1,6}}[ \t]+(?:[A-Z][A-Za-z'.-]*[ \t]+){{1,4}}(?:{STREET_SUFFIX})\b\.?"
        r"(?:,?[ \t]+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?[ \t]*[A-Za-z0-9-]+)?"
        r"(?:,[ \t]*[A-Z][A-Za-z.'-]*(?:[ \t][A-Z][A-Za-z.'-]*){0,3},[ \t]*[A-Z]{2}"
        r"(?:[ \t]+\d{5}(?:-\d{4})?)?)?",
        0.9,
    ),
    # Presidio's SSN recognizer refuses well-known sample numbers; a labelled one still leaks.
    Rule(
        "US_SSN",
        "ssn_phrase",
        r"\b(?:SSN|social security(?: number| no\.?)?)\b[^0-9\n]{0,20}"
        r"(?P<value>(?<!\d)\d{3}-\d{2}-\d{4}(?!\d))",
        0.9,
        re.IGNORECASE,
    ),
    # North American numbers in any area code (phonenumbers rejects unassigned ones, which
    # fake and test data are full of), and seven-digit local numbers ("call 555-0142").
    Rule(
        "PHONE_NUMBER",
        "nanp",
        r"(?<![\w.+-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ \t]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])",
        0.6,
    ),
    # Any layout of 7 to 15 digits right after a phone keyword ("Phone: 961 52 200").
    Rule(
        "PHONE_NUMBER",
        "phone_phrase",
        r"\b(?:phone|tel|telephone|mobile|cell|fax|whatsapp|call(?: me)?(?: at| on)?|"
        r"text(?: me)?(?: at| on)?|reach me at|answering at|number is)\b[ \t]*:?[ \t]*"
        r"(?P<value>\+?\(?\d(?:[ ().-]{0,2}\d){6,14})(?![\w-])",
        0.6,
        re.IGNORECASE,
    ),
    Rule("PHONE_NUMBER", "local_phone", r"(?<![\w().+-])\d{3}[-.]\d{4}(?!\w|[.-]\d)", 0.5),
    # Card numbers Presidio's pattern misses (2-series Mastercard), checked with Luhn.
    Rule(
        "CREDIT_CARD",
        "card_luhn",
        r"(?<![\w-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\w-])",
        0.85,
        luhn=True,
    ),
    # Twelve-digit Maestro numbers are too short to trust bare; after "card" they are cards.
    Rule(
        "CREDIT_CARD",
        "card_phrase",
        r"\b(?:card|cc)\b(?: number)?(?: is)?[ \t]*:?[ \t]*"
        r"(?P<value>\d(?:[ -]?\d){11,18})(?![\w-])",
        0.85,
        re.IGNORECASE,
        luhn=True,
    ),
)

CURATE_ENTITIES: tuple[str, ...] = tuple(dict.fromkeys(r.entity for r in RULES))


class RegexRecognizer(EntityRecognizer):
    """A Presidio recognizer over curate's rules for one entity type."""

    def __init__(self, entity: str, rules: list[Rule], language: str = "en") -> None:
        self.rules = [(r, re.compile(r.regex, r.flags)) for r in rules]
        super().__init__(
            supported_entities=[entity],
            name=f"Curate{entity.title().replace('_', '')}Recognizer",
            supported_language=language,
        )

    def load(self) -> None:
        """Nothing to load: the patterns compile in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Every match of every rule, spanning its ``value`` group when it has one."""
        found = []
        for rule, pattern in self.rules:
            group = "value" if "value" in pattern.groupindex else 0
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if rule.luhn and not luhn_valid(text[start:end]):
                    continue
                found.append(
                    RecognizerResult(
                        rule.entity,
                        start,
                        end,
                        rule.score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                            "rule": rule.name,
                        },
                    )
                )
        return found


def luhn_valid(value: str) -> bool:
    """True when the digits of ``value`` (12 to 19 of them) pass the Luhn checksum."""
    digits = [int(c) for c in value if c.isdigit()]
    if not 12 <= len(digits) <= 19:
        return False
    total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return total % 10 == 0


def curate_recognizers(language: str = "en") -> list[RegexRecognizer]:
    """One recognizer per entity type curate adds."""
    return [
        RegexRecognizer(entity, [r for r in RULES if r.entity == entity], language)
        for entity in CURATE_ENTITIES
    ]
