"""Write curate's synthetic customer-support sample data, with planted problems.

Run ``python sample_data/generate.py``. It is stdlib-only and deterministic (fixed seed): it
rewrites support_chat.jsonl, alpaca.json, sharegpt.jsonl, preference.jsonl, faq.csv,
support_agent.jsonl (tool calls and image parts, from _agent.py), planted.json and README.md
next to itself, then re-reads them and checks every planted
problem. All people, contact details and the company are invented; card numbers are the
public test numbers. Template text lives in _templates.py.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _agent
import _report
import _templates as tpl

SEED = 20240611
HERE = Path(__file__).resolve().parent
CHAT, ALPACA, SHAREGPT, PREF, FAQ = (
    "support_chat.jsonl",
    "alpaca.json",
    "sharegpt.jsonl",
    "preference.jsonl",
    "faq.csv",
)


@dataclass(eq=False)
class Row:
    """One output record plus what was planted in it (identity matters, not equality)."""

    data: dict[str, Any]
    problems: tuple[str, ...] = ()
    intent: str = ""
    source: Row | None = None
    pii: tuple[str, ...] = ()
    same_ticket: bool = False


@dataclass
class Draw:
    """A filled question/answer pair from one intent template."""

    intent: dict[str, Any]
    question: str
    answer: str


def messy(text: str, rng: random.Random) -> str:
    """Lower-case, drop sentence punctuation, pad spaces: same text once normalised."""
    words = re.sub(r"[.,!?;:](?=\s|$)", "", text.lower()).split(" ")
    out = words[0]
    for word in words[1:]:
        out += ("  " if rng.random() < 0.2 else " ") + word
    return " " + out + "  "


def make_slots(rng: random.Random, group: str) -> dict[str, str]:
    """Random slot values for one template fill."""
    size, size2 = rng.sample(tpl.SIZES, 2)
    cents = rng.choice(("00", "50", "95", "99"))
    return {
        "product": rng.choice(tpl.PRODUCTS[group]),
        "order": f"TF-{rng.randint(300000, 899999)}",
        "amount": f"${rng.randint(24, 389)}.{cents}",
        "date": f"{rng.choice(tpl.MONTHS)} {rng.randint(2, 27)}",
        "days": str(rng.randint(6, 14)),
        "weeks": str(rng.randint(10, 16)),
        "months": str(rng.randint(3, 30)),
        "size": size,
        "size2": size2,
        "color": rng.choice(tpl.COLORS),
        "points": f"{rng.choice((500, 1000, 1500, 2500)):,}",
        "country": rng.choice(tpl.COUNTRIES),
    }


def steps_text(rng: random.Random, steps: list[str]) -> str:
    """A numbered, multi-line answer."""
    lines = [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    return rng.choice(tpl.STEP_INTROS) + "\n" + "\n".join(lines)


class Composer:
    """Draws Q/A pairs, spreading use over intents and never repeating a question."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.uses: Counter[str] = Counter()
        self.used: set[tuple[str, str, str, int]] = set()
        self.combos: set[tuple[str, int, int]] = set()
        self.follows: set[str] = set()
        self.seen_q: set[str] = set()

    def draw(
        self,
        file: str,
        *,
        follow: bool = False,
        steps: bool = False,
        bad: bool = False,
        plain: bool = False,
    ) -> Draw:
        """Next pair for ``file``; each question/answer variant is used once per file.

        Across all files a question variant is paired with a given answer variant only once
        and each follow-up exchange is used once, so clean rows never share both their
        question and their answer wording (such siblings embed at cosine 0.95+ and would be
        unplanted semantic duplicates).
        """
        pool = [
            i
            for i in tpl.INTENTS
            if (not follow or ("follow" in i and i["id"] not in self.follows))
            and (not steps or "steps" in i)
            and (not bad or "bad" in i)
        ]
        while pool:
            low = min(self.uses[i["id"]] for i in pool)
            intent = self.rng.choice([i for i in pool if self.uses[i["id"]] == low])
            found = self._fill(file, intent, steps, plain)
            if found:
                self.uses[intent["id"]] += 1
                if follow:
                    self.follows.add(intent["id"])
                return found
            pool.remove(intent)
        raise RuntimeError(f"intent templates exhausted for {file}")

    def _fill(self, file: str, intent: dict, steps: bool, plain: bool) -> Draw | None:
        rng, iid = self.rng, intent["id"]
        n_a = len(intent["a"]) + ("steps" in intent)
        free_q = [i for i in range(len(intent["q"])) if (file, iid, "q", i) not in self.used]
        free_a = [i for i in range(n_a) if (file, iid, "a", i) not in self.used]
        if steps:
            free_a = [i for i in free_a if i == len(intent["a"])]
        if not free_q or not free_a:
            return None
        combos = [(q, a) for q in free_q for a in free_a if (iid, q, a) not in self.combos]
        if not combos:
            return None
        for _ in range(12):
            slots = make_slots(rng, intent.get("products", "any"))
            qi, ai = rng.choice(combos)
            core_q = intent["q"][qi].format_map(slots)
            if _report.fold(core_q) in self.seen_q:
                continue
            if ai == len(intent["a"]):
                core_a = steps_text(rng, intent["steps"])
            else:
                core_a = intent["a"][ai].format_map(slots)
            self.seen_q.add(_report.fold(core_q))
            self.used |= {(file, iid, "q", qi), (file, iid, "a", ai)}
            self.combos.add((iid, qi, ai))
            if plain:
                return Draw(intent, core_q, core_a)
            openers = (
                tpl.SORRY_OPENERS
                if intent.get("sorry") and rng.random() < 0.6
                else tpl.ASSISTANT_OPENERS
            )
            question = rng.choice(tpl.USER_OPENERS) + core_q + rng.choice(tpl.USER_CLOSERS)
            closer = rng.choice(tpl.ASSISTANT_CLOSERS)
            closer = "\n" + closer.strip() if closer and "\n" in core_a else closer
            answer = rng.choice(openers) + core_a + closer
            return Draw(intent, question, answer)
        return None


def category(intent: dict) -> str:
    """Category of an intent, from its id prefix."""
    return intent["id"].split(".")[0]


def msgs(
    rng: random.Random, *turns: tuple[str, str], system: float = 0.88, keys: str = "role content"
) -> list[dict]:
    """Turns from (role, text) pairs, led by a system prompt at probability ``system``."""
    role, text = keys.split()
    head = [{role: "system", text: rng.choice(tpl.SYSTEM_PROMPTS)}]
    return (head if rng.random() < system else []) + [{role: r, text: t} for r, t in turns]


def chat(rng: random.Random, cat: str, label: str, *turns: tuple[str, str], **kw: Any) -> Row:
    """A chat row; ``system`` in kw sets the system-prompt probability."""
    system = kw.pop("system", 0.88)
    data = {"messages": msgs(rng, *turns, system=system), "category": cat, "ticket": ""}
    return Row(data, intent=label, **kw)


def qa_chat(rng: random.Random, cat: str, user: str, answer: str, label: str, **kw: Any) -> Row:
    """A single-exchange chat row from literal text."""
    return chat(rng, cat, label, ("user", user), ("assistant", answer), **kw)


def sharegpt(rng: random.Random, cat: str, label: str, *turns: tuple[str, str], **kw: Any) -> Row:
    """A ShareGPT row from (human|gpt, text) turns; 60% get a system turn."""
    convo = msgs(rng, *turns, system=0.6, keys="from value")
    return Row({"conversations": convo, "category": cat}, intent=label, **kw)


def flat(data: dict, keys: tuple[str, ...], **kw: Any) -> Row:
    """A row with only ``keys`` taken from a template dict."""
    return Row({k: data[k] for k in keys}, **kw)


def exchange(d: Draw, multi: bool, user: str = "user", bot: str = "assistant") -> list:
    """The (role, text) turns of a draw, with its follow-up exchange when ``multi``."""
    turns = [(user, d.question), (bot, d.answer)]
    if multi:
        turns += [(user, d.intent["follow"][0]), (bot, d.intent["follow"][1])]
    return turns


def place(rng: random.Random, rows: list[Row], extra: list[Row]) -> None:
    """Insert rows at random positions."""
    for row in extra:
        rows.insert(rng.randint(0, len(rows)), row)


def place_after(rng: random.Random, rows: list[Row], row: Row, gap: int = 90) -> None:
    """Insert a derived row at most ``gap`` rows after its source."""
    start = next(i for i, r in enumerate(rows) if r is row.source) + 1
    rows.insert(rng.randint(start, min(len(rows), start + gap)), row)


def pick_sources(rng: random.Random, rows: list[Row], n: int, taken: set[int]) -> list[Row]:
    """Distinct clean template rows from the first 70% of the file."""
    head = rows[: len(rows) * 7 // 10]
    ok = [r for r in head if not r.problems and "." in r.intent and id(r) not in taken]
    chosen = rng.sample([r for r in ok if not r.intent.startswith("paraphrase")], n)
    taken |= {id(r) for r in chosen}
    return chosen


def messy_copy(rng: random.Random, src: Row, turns: str, role: str, text: str) -> Row:
    """A normalised near-duplicate of ``src`` (system turn untouched)."""
    data = json.loads(json.dumps(src.data))
    for turn in data[turns]:
        if turn[role] != "system":
            turn[text] = messy(turn[text], rng)
    return Row(data, ("normalized_duplicate",), src.intent, src)


def diagnostic_log(rng: random.Random) -> str:
    """A long pasted device log (over 8,000 characters)."""
    t, lines, n = datetime(2024, 5, 18, 6, 42, 10), [], 0
    while sum(len(line) + 1 for line in lines) < 8300:
        t += timedelta(seconds=rng.randint(1, 45))
        n += 1
        values = {
            "ms": rng.randint(12, 900),
            "rssi": -rng.randint(48, 94),
            "n": n % 40 + 1,
            "total": 40,
            "s": rng.randint(5, 60),
            "hdop": round(rng.uniform(0.7, 4.5), 1),
            "sats": rng.randint(4, 14),
            "pct": max(5, 96 - n // 3),
            "temp": rng.randint(18, 34),
            "kb": rng.randint(40, 120),
        }
        lines.append(f"[{t:%Y-%m-%d %H:%M:%S}] " + rng.choice(tpl.LOG_EVENTS).format(**values))
    return "\n".join(lines)


def rambling_guide(rng: random.Random) -> str:
    """A rambling, repetitive troubleshooting answer (over 8,000 characters)."""
    parts, step = [], 0
    while sum(len(p) + 2 for p in parts) < 8200:
        parts.append(tpl.RAMBLE_AGAIN if step else tpl.RAMBLE_START)
        for para in rng.sample(tpl.RAMBLE, len(tpl.RAMBLE)):
            step += 1
            parts.append(f"Step {step}: {para}")
    return "\n\n".join(parts)


def build_chat(rng: random.Random, comp: Composer, multi: list[Draw]) -> list[Row]:
    """support_chat.jsonl: clean rows (``multi`` are multi-turn) plus every planted problem."""
    rows = [chat(rng, category(d.intent), d.intent["id"], *exchange(d, True)) for d in multi]
    for _ in range(145 - len(multi)):
        d = comp.draw(CHAT)
        rows.append(chat(rng, category(d.intent), d.intent["id"], *exchange(d, False)))
    rng.shuffle(rows)
    originals = [
        qa_chat(rng, p["category"], p["q1"], p["a1"], f"paraphrase.{n}")
        for n, p in enumerate(tpl.PARAPHRASES, 1)
    ]
    for row in originals:  # keep originals in the first two thirds so paraphrases can follow
        rows.insert(rng.randint(0, len(rows) * 2 // 3), row)

    faq = ("popular_faq_paraphrase",)
    planted = [
        qa_chat(rng, "shipping", q, a, "popular_faq", problems=faq) for q, a in tpl.POPULAR_FAQ
    ]
    key = "sk-live-" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
    order = f"TF-{rng.randint(300000, 899999)}"
    literal = [("refusal", "refusal"), ("short", "short_answer"), ("pii", "pii")]
    for (label, problem), items in zip(literal, tpl.LITERAL_CHAT, strict=True):
        for r in items:
            user = r["user"].replace("{api_key}", key).replace("{order}", order)
            kw = {"problems": (problem,), "pii": tuple(r.get("pii", ()))}
            planted.append(qa_chat(rng, r["category"], user, r["assistant"], label, **kw))
    long_answers = (tpl.LOG_INTRO + diagnostic_log(rng) + tpl.LOG_OUTRO, rambling_guide(rng))
    for user, answer in zip(tpl.OVERLONG_QUESTIONS, long_answers, strict=True):
        planted.append(
            qa_chat(rng, "technical", user, answer, "overlong", problems=("overlong_answer",))
        )
    planted += structural_chat(rng, comp)
    place(rng, rows, planted)

    taken: set[int] = set()
    for n, src in enumerate(pick_sources(rng, rows, 5, taken)):
        copy = json.loads(json.dumps(src.data))
        place_after(rng, rows, Row(copy, ("exact_duplicate",), src.intent, src, same_ticket=n < 3))
    for src in pick_sources(rng, rows, 4, taken):
        place_after(rng, rows, messy_copy(rng, src, "messages", "role", "content"))
    for p, src in zip(tpl.PARAPHRASES, originals, strict=True):
        kw = {"problems": ("paraphrase_duplicate",), "source": src}
        place_after(rng, rows, qa_chat(rng, p["category"], p["q2"], p["a2"], src.intent, **kw))

    ticket = 10234
    for row in rows:
        ticket += rng.randint(1, 9)
        row.data["ticket"] = f"T-{ticket}"
    for row in rows:
        if row.same_ticket and row.source:
            row.data["ticket"] = row.source.data["ticket"]
    return rows


def structural_chat(rng: random.Random, comp: Composer) -> list[Row]:
    """Chat rows with empty turns, bad role order or broken JSON (system: prompt chance)."""
    u, a = "user", "assistant"
    specs = [
        ("empty_assistant", 0.88, lambda d: [(u, d.question), (a, "")]),
        ("empty_assistant", 0.88, lambda d: [(u, d.question), (a, "")]),
        ("whitespace_user", 1, lambda d: [(u, "   "), (a, d.answer)]),
        ("starts_with_assistant", 0, lambda d: [(a, tpl.GREETING), (u, d.question), (a, d.answer)]),
        (
            "starts_with_assistant",
            0,
            lambda d: [(a, tpl.PROACTIVE), (u, d.question), (a, d.answer)],
        ),
        ("consecutive_user", 1, lambda d: [(u, d.question), (u, tpl.ANYONE), (a, d.answer)]),
        ("ends_with_user", 1, lambda d: [(u, d.question), (a, d.answer), (u, tpl.TRAILING_USER)]),
        ("malformed_json", 0.88, lambda d: [(u, d.question), (a, d.answer)]),
    ]
    out = []
    for problem, system, shape in specs:
        d, kw = comp.draw(CHAT), {"system": system, "problems": (problem,)}
        out.append(chat(rng, category(d.intent), d.intent["id"], *shape(d), **kw))
    blank = ("whitespace_user",)
    out.append(
        qa_chat(rng, "account", "\n\t  \n", tpl.BLANK_MESSAGE_REPLY, "blank", problems=blank)
    )
    return out


def money(cents: int) -> str:
    """Format cents as dollars."""
    return f"${cents // 100:,}.{cents % 100:02d}"


def task(kind: str, outcome: bool, cat: str = "", **values: Any) -> dict[str, str]:
    """An alpaca item from a TASKS template, filled with computed values."""
    t = tpl.TASKS[kind]
    return {
        "instruction": t["instruction"],
        "input": t["input"].format(**values),
        "output": t["yes" if outcome else "no"].format(**values),
        "category": cat or t["category"],
    }


def alpaca_tasks(rng: random.Random, comp: Composer) -> list[dict[str, str]]:
    """Instruction items with a non-empty input; every number is computed, not typed."""
    items = []
    for code in rng.sample(sorted(tpl.ERRORS), 4):
        message, fix = tpl.ERRORS[code]
        items.append(task("error", True, code=code, message=message, fix=fix))
    for member in (True, False):
        product = rng.choice(tpl.PRODUCTS["apparel"] + tpl.PRODUCTS["gear"])
        paid = rng.randint(40, 260) * 100 + rng.choice((0, 50, 95))
        items.append(
            task(
                "refund",
                member,
                product=product,
                paid=money(paid),
                refund=money(paid - 695),
                member="yes" if member else "no",
            )
        )
    for free in (True, False):
        while True:
            a, b = rng.sample(tpl.PRODUCTS["gear"] + tpl.PRODUCTS["apparel"], 2)
            pa, pb = rng.randint(12, 60) * 100 + 95, rng.randint(9, 45) * 100
            sub = (pa + pb) * 9 // 10
            if (sub >= 7500) == free:
                break
        items.append(
            task(
                "shipping",
                free,
                a=a,
                b=b,
                pa=money(pa),
                pb=money(pb),
                sub=money(sub),
                short=money(7500 - sub),
            )
        )
    for balance in (rng.randint(40, 300), rng.randint(320, 480)):
        total = rng.randint(35, 240) * 100 + rng.randint(0, 99)
        new = balance + total // 100
        items.append(
            task(
                "points",
                new >= 500,
                total=money(total),
                balance=balance,
                earned=total // 100,
                new=new,
                rewards=new // 500,
                left=new % 500,
                need=500 - new,
            )
        )
    for days in (rng.randint(3, 13), rng.randint(18, 40)):
        product = rng.choice(tpl.PRODUCTS["any"])
        paid = rng.randint(60, 320) * 100 + 99
        now = paid - rng.randint(8, 40) * 100
        items.append(
            task(
                "price",
                days <= 14,
                product=product,
                paid=money(paid),
                now=money(now),
                diff=money(paid - now),
                days=days,
            )
        )
    for _ in range(2):
        d = comp.draw(ALPACA)
        cat = category(d.intent)
        items.append(
            task(
                "classify",
                True,
                cat,
                question=d.question,
                label=cat,
                reason=tpl.CLASSIFY_REASONS[cat],
            )
        )
    for _ in range(2):
        d = comp.draw(ALPACA, bad=True)
        items.append(
            task(
                "rewrite",
                True,
                category(d.intent),
                question=d.question,
                bad=d.intent["bad"],
                answer=d.answer,
            )
        )
    return items


ALPACA_KEYS = ("instruction", "input", "output", "category")


def build_alpaca(rng: random.Random, comp: Composer) -> list[Row]:
    """alpaca.json: tasks, reply-to-message items and plain questions; a few planted."""
    rows = [Row(item, intent="task") for item in alpaca_tasks(rng, comp)]
    for k in range(39):
        d = comp.draw(ALPACA, plain=k >= 12)
        reply = rng.choice(tpl.REPLY_INSTRUCTIONS) if k < 12 else ""
        data = dict(
            zip(
                ALPACA_KEYS,
                (reply or d.question, d.question if reply else "", d.answer, category(d.intent)),
                strict=True,
            )
        )
        rows.append(Row(data, intent=d.intent["id"]))
    rng.shuffle(rows)
    planted = [
        flat(tpl.SHORT_ALPACA, ALPACA_KEYS, problems=("short_answer",), intent="short"),
        flat(tpl.REFUSAL_ALPACA, ALPACA_KEYS, problems=("refusal",), intent="refusal"),
    ]
    for p in tpl.PII_ALPACA:
        planted.append(flat(p, ALPACA_KEYS, problems=("pii",), intent="pii", pii=tuple(p["pii"])))
    place(rng, rows, planted)
    src = pick_sources(rng, rows, 1, set())[0]
    place_after(rng, rows, Row(dict(src.data), ("exact_duplicate",), src.intent, src))
    return rows


def build_sharegpt(rng: random.Random, comp: Composer, multi: list[Draw]) -> list[Row]:
    """sharegpt.jsonl: 42 clean conversations (``multi`` are multi-turn) and 8 planted ones."""
    rows = []
    for d in multi + [comp.draw(SHAREGPT) for _ in range(42 - len(multi))]:
        turns = exchange(d, d in multi, "human", "gpt")
        rows.append(sharegpt(rng, category(d.intent), d.intent["id"], *turns))
    rng.shuffle(rows)
    r = tpl.REFUSAL_SHAREGPT
    turns = [("human", r["human"]), ("gpt", r["gpt"])]
    planted = [sharegpt(rng, r["category"], "refusal", *turns, problems=("refusal",))]
    for p in tpl.PII_SHAREGPT:
        turns = [("human", p["human"]), ("gpt", p["gpt"])]
        planted.append(
            sharegpt(rng, p["category"], "pii", *turns, problems=("pii",), pii=tuple(p["pii"]))
        )
    specs = [
        ("empty_assistant", lambda d: [("human", d.question), ("gpt", "")]),
        (
            "consecutive_user",
            lambda d: [("human", d.question), ("human", tpl.SECOND_HUMAN), ("gpt", d.answer)],
        ),
        ("malformed_json", lambda d: [("human", d.question), ("gpt", d.answer)]),
    ]
    for problem, shape in specs:
        d = comp.draw(SHAREGPT)
        planted.append(
            sharegpt(rng, category(d.intent), d.intent["id"], *shape(d), problems=(problem,))
        )
    place(rng, rows, planted)
    src = pick_sources(rng, rows, 1, set())[0]
    place_after(rng, rows, messy_copy(rng, src, "conversations", "from", "value"))
    return rows


def build_preference(rng: random.Random, comp: Composer, bad: list[Draw]) -> list[Row]:
    """preference.jsonl: 28 clean prompt/chosen/rejected rows (``bad`` use the intent's own
    weak answer) and 2 with PII."""
    rows = []
    for d in bad + [comp.draw(PREF) for _ in range(28 - len(bad))]:
        cat = category(d.intent)
        rejected = d.intent["bad"] if d in bad else rng.choice(tpl.BAD_ANSWERS[cat])
        data = {"prompt": d.question, "chosen": d.answer, "rejected": rejected, "category": cat}
        rows.append(Row(data, intent=d.intent["id"]))
    keys = ("prompt", "chosen", "rejected", "category")
    pii = [
        flat(p, keys, problems=("pii",), intent="pii", pii=tuple(p["pii"]))
        for p in tpl.PII_PREFERENCE
    ]
    place(rng, rows, pii)
    return rows


def build_faq(rng: random.Random, comp: Composer) -> list[Row]:
    """faq.csv: 30 alpaca-style rows; numbered multi-line answers need CSV quoting."""
    rows = []
    for k in range(29):
        try:
            d = comp.draw(FAQ, steps=k < 11, plain=True)
        except RuntimeError:  # no numbered-steps intent left: fall back to a plain answer
            d = comp.draw(FAQ, plain=True)
        data = dict(zip(ALPACA_KEYS, (d.question, "", d.answer, category(d.intent)), strict=True))
        rows.append(Row(data, intent=d.intent["id"]))
    rng.shuffle(rows)
    p = tpl.PII_FAQ
    place(rng, rows, [flat(p, ALPACA_KEYS, problems=("pii",), intent="pii", pii=tuple(p["pii"]))])
    return rows


def render(name: str, rows: list[Row]) -> tuple[str, list[int]]:
    """File text and the 1-based physical line on which each row starts."""
    if name == ALPACA:
        text = json.dumps([r.data for r in rows], indent=2, ensure_ascii=False) + "\n"
        starts = [n for n, line in enumerate(text.split("\n"), 1) if line == "  {"]
        return text, starts
    if name == FAQ:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(ALPACA_KEYS)
        starts = []
        for r in rows:
            starts.append(buf.getvalue().count("\n") + 1)
            writer.writerow([r.data[k] for k in ALPACA_KEYS])
        return buf.getvalue(), starts
    lines = []
    for r in rows:
        line = json.dumps(r.data, ensure_ascii=False)
        lines.append(line[: len(line) * 3 // 5] if "malformed_json" in r.problems else line)
    return "\n".join(lines) + "\n", list(range(1, len(rows) + 1))


def main() -> None:
    """Build every file, write it, then verify the result."""
    rng = random.Random(SEED)
    comp = Composer(rng)
    # Multi-turn rows first: each follow-up exchange is used once, across both files.
    chat_multi = [comp.draw(CHAT, follow=True) for _ in range(27)]
    sharegpt_multi = [comp.draw(SHAREGPT, follow=True) for _ in range(12)]
    pref_bad = [comp.draw(PREF, bad=True) for _ in range(12)]  # intents with a weak answer
    built = {
        CHAT: build_chat(rng, comp, chat_multi),
        ALPACA: build_alpaca(rng, comp),
        SHAREGPT: build_sharegpt(rng, comp, sharegpt_multi),
        PREF: build_preference(rng, comp, pref_bad),
        FAQ: build_faq(rng, comp),
        _agent.AGENT: _agent.build_agent(Row),  # seeded apart: the files above stay as they were
    }
    starts = {}
    for name, rows in built.items():
        text, starts[name] = render(name, rows)
        (HERE / name).write_text(text, encoding="utf-8", newline="\n")
    _report.write(HERE, built, starts)
    _report.verify(HERE, built)


if __name__ == "__main__":
    main()
