"""A labelled near-duplicate set: real questions and sentences with planted, seeded paraphrases.

Real text (from PyPI wheels, installed by the ``bench`` extra):

* tier 1: the 1,035 FanOutQA questions (dev + test, CC BY-SA 4.0) and the 503 English
  questions of ``zaragoza-construction-faq`` (CC BY 4.0);
* tier 2, drawn on only when ``n`` needs more: FanOutQA dev sub-questions and the sentences of
  the English Zaragoza answers;
* tier 3, past that (the 10k and 100k sets): the chat messages of ``chitchat-dataset`` (BYU
  PCC lab, MIT) of six words or more, about 155k once exact duplicates go. Real chat repeats
  itself ("how are you doing today?"), so this tier holds near-duplicates nobody planted: a
  tool that finds them loses precision against the planted groups without being wrong, which
  is why the 100k benchmark measures recall against MiniLM's own pairs instead.

A fraction of the originals gets 1-3 rewritten variants, each of strength easy (one light edit),
medium (two or three edits, a synonym swap or a question frame among them) or hard (frame,
clause reordering, every synonym, dropped filler, a typo). The known duplicate groups are
{original, its variants}; every pair inside a group is a known duplicate pair.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations

STRENGTHS = ("easy", "medium", "hard")

SYNONYMS: dict[str, str] = {
    "largest": "biggest",
    "biggest": "largest",
    "highest": "tallest",
    "tallest": "highest",
    "oldest": "earliest",
    "country": "nation",
    "countries": "nations",
    "city": "town",
    "cities": "towns",
    "founded": "established",
    "established": "founded",
    "current": "present",
    "currently": "presently",
    "attend": "go to",
    "attended": "went to",
    "located": "situated",
    "movie": "film",
    "movies": "films",
    "film": "movie",
    "films": "movies",
    "award": "prize",
    "awards": "prizes",
    "company": "firm",
    "companies": "firms",
    "population": "number of inhabitants",
    "populous": "populated",
    "need": "require",
    "needs": "requires",
    "required": "needed",
    "get": "obtain",
    "buy": "purchase",
    "build": "construct",
    "building": "construction",
    "house": "home",
    "rules": "regulations",
    "cost": "price",
    "costs": "prices",
    "start": "begin",
    "begin": "start",
    "help": "assist",
    "assists": "helps",
    "check": "verify",
    "allowed": "permitted",
    "permitted": "allowed",
    "approximately": "roughly",
    "about": "around",
    "many": "numerous",
    "important": "key",
    "usually": "typically",
    "typically": "usually",
    "members": "participants",
    "famous": "well-known",
    "total": "overall",
    "average": "mean",
    "between": "among",
    "list": "name",
    "name": "list",
    "top": "leading",
    "first": "initial",
    "latest": "most recent",
    "also": "additionally",
    "must": "has to",
    "five": "5",
    "three": "3",
    "four": "4",
    "ten": "10",
    "two": "2",
    "5": "five",
    "3": "three",
    "4": "four",
    "10": "ten",
    "2": "two",
}
CONTRACT = {
    "do not": "don't",
    "does not": "doesn't",
    "did not": "didn't",
    "is not": "isn't",
    "are not": "aren't",
    "cannot": "can't",
    "what is": "what's",
    "who is": "who's",
    "it is": "it's",
    "that is": "that's",
    "there is": "there's",
    "i am": "i'm",
    "you are": "you're",
}
EXPAND = {v: k for k, v in CONTRACT.items()}
FILLER = {"the", "a", "please", "exactly", "actually", "really", "just", "currently", "also"}
PREFIXES = ("Could you tell me ", "Do you know ", "I'd like to know ", "Can you find out ")
POLITE = ("Quick question: ", "Hi! ", "I was wondering: ", "Please help: ")
STATEMENT_PREFIXES = ("Note that ", "In short, ", "Keep in mind that ")
WH = r"(what|who|where|when|which|how)"

Rewrite = Callable[[str, random.Random], str]


def _swap_words(text: str, table: dict[str, str], rng: random.Random, share: float) -> str:
    """Replace a ``share`` of the table's words or phrases found in ``text`` (case kept)."""
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b", re.IGNORECASE)

    def sub(m: re.Match[str]) -> str:
        word = m.group(0)
        if rng.random() > share:
            return word
        new = table[word.lower()]
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return pattern.sub(sub, text)


def synonyms_some(text: str, rng: random.Random) -> str:
    return _swap_words(text, SYNONYMS, rng, 0.5)


def synonyms_all(text: str, rng: random.Random) -> str:
    return _swap_words(text, SYNONYMS, rng, 1.0)


def contractions(text: str, rng: random.Random) -> str:
    contracted = _swap_words(text, CONTRACT, rng, 1.0)
    return contracted if contracted != text else _swap_words(text, EXPAND, rng, 1.0)


def case_punct(text: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return text.lower()
    if choice == 1:
        return text.rstrip("?.!") if text[-1:] in "?.!" else text + "."
    if choice == 2:
        return text.rstrip("?.!") + ("??" if text.endswith("?") else "!")
    return text.replace(",", "") if "," in text else text.upper()


def typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    k = rng.choice(long)
    w = words[k]
    p = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:  # swap two neighbouring letters
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    elif kind == 1:  # drop one
        w = w[:p] + w[p + 1 :]
    else:  # double one
        w = w[:p] + w[p] + w[p:]
    words[k] = w
    return " ".join(words)


def drop_filler(text: str, rng: random.Random) -> str:
    kept = [w for w in text.split(" ") if w.lower() not in FILLER or rng.random() < 0.3]
    return " ".join(kept) if len(kept) >= 3 else text


def polite(text: str, rng: random.Random) -> str:
    return rng.choice(POLITE) + _lower_first(text)


def frame(text: str, rng: random.Random) -> str:
    """Change the question frame: embedded question, imperative, or a polite prefix."""
    simple = re.match(rf"^{WH} (is|are|was|were) ([^,]+?)\?$", text, re.IGNORECASE)
    if simple and " and " not in text:
        wh, verb, rest = simple.groups()
        return f"Could you tell me {wh.lower()} {rest} {verb.lower()}?"
    listing = re.match(r"^(What|Who) (are|were) (the .+)\?$", text)
    if listing and rng.random() < 0.5:
        return f"{rng.choice(('List', 'Name'))} {listing.group(3)}."
    if re.match(rf"^{WH}\b", text, re.IGNORECASE):
        return rng.choice(PREFIXES) + _lower_first(text)
    if re.match(r"^(find|list|name|identify|give|tell)\b", text, re.IGNORECASE):
        return "Please " + _lower_first(text)
    if text.endswith("?"):
        return "I'd like to know: " + _lower_first(text)
    return rng.choice(STATEMENT_PREFIXES) + _lower_first(text)


def reorder(text: str, rng: random.Random) -> str:
    """Swap two clauses: around ' and <wh-word>' or around the first comma."""
    end = text[-1] if text[-1:] in "?.!" else ""
    body = text[: len(text) - len(end)]
    m = re.search(rf",? and ({WH}\b.*)$", body, re.IGNORECASE)
    if m and len(body[: m.start()].split()) >= 3:
        first, second = body[: m.start()], m.group(1)
        return f"{_upper_first(second)}, and {_lower_first(first)}{end}"
    parts = body.split(", ", 1)
    if len(parts) == 2 and all(len(p.split()) >= 3 for p in parts):
        return f"{_upper_first(parts[1])}, {_lower_first(parts[0])}{end}"
    return text


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # an acronym or a name in caps: keep it
        return text
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


LIGHT: tuple[Rewrite, ...] = (case_punct, contractions, typo, polite, drop_filler)
MEDIUM: tuple[Rewrite, ...] = (synonyms_some, frame, contractions, drop_filler, case_punct)
HARD: tuple[Rewrite, ...] = (frame, reorder, synonyms_all, drop_filler, typo)


def paraphrase(text: str, strength: str, rng: random.Random) -> str:
    """One seeded rewrite of ``text`` at ``strength`` (easy, medium or hard)."""
    if strength == "easy":
        ops = [rng.choice(LIGHT)]
    elif strength == "medium":
        ops = [rng.choice(MEDIUM[:2]), *rng.sample(MEDIUM[2:], rng.randint(1, 2))]
    else:
        ops = list(HARD)
    for op in ops:
        text = op(text, rng)
    return " ".join(text.split())


@dataclass
class ParaphraseSet:
    """Texts, the duplicate group of each (its original's index) and each variant's strength."""

    texts: list[str]
    answers: list[str]
    group: list[int]
    strength: list[str]  # "original" for originals
    origin: list[str]
    note: str = ""
    truth: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        members: dict[int, list[int]] = {}
        for i, g in enumerate(self.group):
            members.setdefault(g, []).append(i)
        self.truth = {p for m in members.values() for p in combinations(sorted(m), 2)}

    def pair_strength(self, pair: tuple[int, int]) -> str:
        """The harder strength of a known pair's two members."""
        ranks = [STRENGTHS.index(self.strength[k]) for k in pair if self.strength[k] in STRENGTHS]
        return STRENGTHS[max(ranks)]


def _data(package: str, name: str) -> str:
    return resources.files(package).joinpath("data", name).read_text(encoding="utf-8")


def load_pool(tier: int) -> list[tuple[str, str, str]]:
    """``(text, answer, origin)`` of the real text, exact duplicates (case-folded) removed."""
    fanout = [
        q
        for name in ("fanout-final-dev.json", "fanout-final-test.json")
        for q in json.loads(_data("fanoutqa", name))
    ]
    faq = [
        json.loads(line)
        for line in _data("zaragoza_construction_faq", "faq-en.jsonl").split("\n")
        if line.strip()
    ]
    items = [(q["question"], json.dumps(q.get("answer", "")), "fanoutqa") for q in fanout]
    items += [(r["q"], r["a"], "zaragoza") for r in faq]
    if tier >= 2:
        items += [(s, "", "fanoutqa-sub") for s in _sub_questions(fanout)]
        items += [
            (s, "", "zaragoza-answer")
            for r in faq
            for s in re.split(r"(?<=[.!?])\s+", r["a"])
            if len(s.split()) >= 6
        ]
    if tier >= 3:
        items += [(s, "", "chitchat") for s in _chat_messages()]
    seen: set[str] = set()
    unique = []
    for text, answer, origin in items:
        key = " ".join(text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append((text.strip(), answer or "(no reference answer)", origin))
    return unique


def _chat_messages(min_words: int = 6) -> list[str]:
    """Every message of chitchat-dataset with at least ``min_words`` words, in file order."""
    chats = json.loads(resources.files("chitchat_dataset").joinpath("dataset.json").read_text())
    return [
        m["text"]
        for chat in chats.values()
        for turn in chat["messages"]
        for m in turn
        if len(m["text"].split()) >= min_words
    ]


def _sub_questions(questions: Iterable[dict]) -> list[str]:
    out = []
    for q in questions:
        for sub in q.get("decomposition") or []:
            out.append(sub["question"])
            out.extend(_sub_questions([sub]))
    return out


def build(n: int | None = None, frac: float = 0.25, seed: int = 0) -> ParaphraseSet:
    """About ``n`` texts (default: tier 1 in full) with planted paraphrases, shuffled."""
    rng = random.Random(seed)
    mean_variants = 2.0
    pool = load_pool(1)
    note = ""
    for tier in (2, 3):  # a bigger tier only when the smaller one cannot give n texts
        if n is not None and n > len(pool) * (1 + frac * mean_variants):
            pool = load_pool(tier)
    if n is not None:
        originals = round(n / (1 + frac * mean_variants))
        if originals > len(pool):
            frac = min(1.0, (n / len(pool) - 1) / mean_variants)
            originals = len(pool)
            note = f"real text ran out at {len(pool)} originals: paraphrased share {frac:.2f}"
        pool = rng.sample(pool, originals)
    seen = {t for t, _, _ in pool}
    rows: list[tuple[str, str, int, str, str]] = []
    for g, (text, answer, origin) in enumerate(pool):
        rows.append((text, answer, g, "original", origin))
        if rng.random() >= frac:
            continue
        for _ in range(rng.randint(1, 3)):
            for _attempt in range(5):
                strength = rng.choice(STRENGTHS)
                variant = paraphrase(text, strength, rng)
                if variant not in seen:
                    seen.add(variant)
                    rows.append((variant, answer, g, strength, origin))
                    break
    rng.shuffle(rows)
    texts, answers, group, strength, origin = (list(col) for col in zip(*rows, strict=True))
    return ParaphraseSet(texts, answers, group, strength, origin, note)


if __name__ == "__main__":
    data = build(seed=0)
    print(len(data.texts), "texts,", len(data.truth), "known pairs")
    for i in range(len(data.texts)):
        if data.strength[i] != "original":
            print(f"[{data.strength[i]}] {data.texts[i]}")
