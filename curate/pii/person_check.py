"""Is a PERSON hit a name? The small spaCy model calls many capitalised words people:
"Ja", "KB", "Visa", "Ya", "hahaha". A hit of a name's shape (two or more capitalised words)
stands; a weak one (one word, or no capital letter) is confirmed first.

A single capitalised word is confirmed when it is a first or last name in Faker's lists
(every locale Faker ships) and not one of the commonest words ("Will", "May"), or when it is a rare
word in the language (wordfreq: most surnames are); a cue such as "my name is", "Dear" or
"Thanks," right before it confirms any hit. Never a name without a cue: a span with digits,
a short all-capitals token (an acronym), a span with no capital letter, English words right
after an article or possessive ("the Alder fleece", "my Sparrow Max": products).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

NAME_CUE = re.compile(
    r"(?:\b(?:my name is|name'?s|i am|i'm|this is|call me|named|called|signed|regards|dear|"
    r"hi|hello|hey|thanks|thank you|mr|mrs|ms|miss|dr|prof|sir|madam)|[-—]\s*)[\s,.:]*$",
    re.IGNORECASE,
)
# "the Alder fleece", "my Kestrel 28L": people are rarely written after an article.
DETERMINER = re.compile(
    r"\b(?:the|a|an|my|your|our|their|its|this|that|these|those)\s+$", re.IGNORECASE
)
WORD = re.compile(r"[^\W\d_][\w'’.-]*")


@cache
def known_names() -> frozenset[str]:
    """First and last names from every Faker locale, casefolded (about 60k words)."""
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute in ("first_names", "first_names_male", "first_names_female", "last_names"):
            values = getattr(provider, attribute, ())
            if not isinstance(values, (tuple, list, dict)):
                continue  # some locales compute the list in a property
            for value in values:  # a tuple, or a dict of name -> weight
                names.update(part.casefold() for part in str(value).split() if len(part) > 1)
    return frozenset(names)


def is_name_word(word: str) -> bool:
    """True when ``word`` (possessive stripped) is a first or last name somewhere."""
    core = re.sub(r"['’]s$", "", word).strip(".-'’")
    return core.casefold() in known_names()


def confirmed_person(span: str, before: str, language: str = "en") -> bool:
    """Whether the PERSON hit ``span`` is kept; ``before`` is the text right before it."""
    if any(c.isdigit() for c in span) or not span.strip():
        return False
    words = WORD.findall(span)
    if not words:
        return False
    cue = bool(NAME_CUE.search(before[-30:]))
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 5:
        return cue  # "KB", "NASA", "VAT": acronyms, unless someone is introduced so
    capitalised = [w for w in words if w[0].isupper()]
    if not capitalised:
        return cue  # "hahaha", "kinda"
    if cue:
        return True
    if DETERMINER.search(before[-20:]):  # "the Kestrel daypack", but "the Kaczmarek novel"
        return all(word_frequency(w.casefold(), language) < FOREIGN_WORD for w in capitalised)
    if len(capitalised) >= 2:
        return True
    word = re.sub(r"['’]s$", "", capitalised[0]).strip(".-'’")
    frequency = word_frequency(word.casefold(), language)
    if is_name_word(word):
        return frequency < COMMON_WORD
    return frequency < RARE_WORD


# Zipf frequencies (log10 per billion words): "will" 6.4, "john" 5.3, "tom" 4.8, "visa" 4.1,
# "kinda" 4.6; surnames such as "kleist" or "lyberth" are under 3.
COMMON_WORD = 6.0
RARE_WORD = 3.0
FOREIGN_WORD = 2.0  # "kestrel" 2.5 and "alder" 3.0 are English words; "kaczmarek" 1.8 is not


@cache
def word_frequency(word: str, language: str) -> float:
    """wordfreq's Zipf frequency of ``word`` (0 for a language wordfreq does not know)."""
    from wordfreq import available_languages, zipf_frequency

    if language not in available_languages():
        language = "en"
    return float(zipf_frequency(word, language))


def name_prefix_end(text: str, start: int, end: int) -> int:
    """Where a PERSON span ends once cut before its first digit, backslash or line break: the
    model runs a name into what follows it ("Trifon M. Nekrasov\\n\\n67511 ul.")."""
    prefix = re.match(r"[^\d\\\n]*", text[start:end])
    kept = prefix.group().rstrip(" ,;:-") if prefix else ""
    return start + len(kept)


def adjacent_name_end(text: str, end: int) -> int:
    """Where a name that a hit cut short ends: "Dana" in "Dana Marsh, SSN" grows to
    "Dana Marsh" (capitalised words right after it on the same line that are names, rare
    words, or end a clause)."""
    while True:
        match = re.match(r" ([A-Z][a-z'’-]+)\b", text[end:])
        word = match.group(1) if match else ""
        if not match or not (
            is_name_word(word)
            or word_frequency(word.casefold(), "en") < RARE_WORD
            or _ends_sentence(text, end, match)
        ):
            return end
        end += match.end()


def _ends_sentence(text: str, end: int, match: re.Match[str]) -> bool:
    """A capitalised word followed by punctuation or the end of the turn ("Dana Marsh,")."""
    rest = text[end + match.end() :]
    return not rest or rest[0] in ",;:)" or (rest[0] in ".!?" and len(match.group(1)) > 2)
