"""Write the ticket-routing demo data: raw tickets with planted noise, and a clean golden set.

Run ``python sample_data/tickets/make_tickets.py``. Stdlib only, fixed seed, byte-identical
output. It rewrites tickets_raw.jsonl, golden.jsonl, planted.json and README.md next to
itself. Every ticket is an OpenAI-chat row: a routing system prompt, the ticket as the user
turn, and ``{"team": ..., "priority": ...}`` as the assistant turn. Text templates are in
_ticket_templates.py; people, emails and phone numbers are invented.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _ticket_templates as tpl

SEED = 8_2026
HERE = Path(__file__).resolve().parent
N_CLEAN, N_GOLDEN = 500, 40
PRIORITY_WEIGHTS = (0.25, 0.35, 0.25, 0.15)

# How many rows of each planted problem; see README.md for what each means.
PLANTED = {
    "exact_duplicate": 24,
    "paraphrase_duplicate": 20,
    "invalid_json": 12,
    "unknown_team": 10,
    "bad_priority": 4,
    "missing_key": 3,
    "short_answer": 8,
    "empty_assistant": 3,
    "whitespace_user": 3,
    "ends_with_user": 2,
    "consecutive_user": 2,
}
N_PII, N_WRONG_LABEL = 45, 30
# Golden tickets reworded into the raw file (appended at its end, so no other line moves):
# eval data leaking into training data, for the decontaminate stage to catch.
N_GOLDEN_COPIES = 5
CONTAMINATION_NGRAM = 13  # each copy shares a run of this many words with its golden ticket


@dataclass(eq=False)
class Ticket:
    """One output row and what was planted in it."""

    text: str
    team: str
    priority: str
    problem: str = ""
    pii: bool = False
    answer: str | None = None
    messages: list[dict[str, str]] | None = None
    copy_of: Ticket | None = None

    def route(self) -> str:
        return json.dumps({"team": self.team, "priority": self.priority})

    def row(self, number: int) -> dict[str, object]:
        messages = self.messages or [
            {"role": "system", "content": tpl.SYSTEM_PROMPT},
            {"role": "user", "content": self.text},
            {"role": "assistant", "content": self.answer or self.route()},
        ]
        return {"messages": messages, "ticket": f"T-{10000 + number}"}


def fill(template: str, rng: random.Random) -> str:
    """A template with each slot drawn at random."""
    values = {name: rng.choice(options) for name, options in tpl.SLOTS.items()}
    return template.format(**values)


def draw(rng: random.Random, seen: set[str]) -> Ticket:
    """A new ticket text (never seen before) with its true team and priority."""
    while True:
        team = rng.choice(tpl.TEAMS)
        priority = rng.choices(tpl.PRIORITIES, PRIORITY_WEIGHTS)[0]
        issue = fill(rng.choice(tpl.ISSUES[team]), rng)
        cue = rng.choice(tpl.PRIORITY_CUES[priority])
        body = [issue, cue] if rng.random() < 0.6 else [cue, issue]
        context = [fill(c, rng) for c in rng.sample(tpl.CONTEXT, rng.choice((1, 1, 2)))]
        body.insert(rng.randrange(len(body) + 1), " ".join(context))
        parts = [rng.choice(tpl.OPENERS), *body, rng.choice(tpl.CLOSERS)]
        text = " ".join(p for p in parts if p)
        if text not in seen:
            seen.add(text)
            return Ticket(text, team, priority)


def add_pii(ticket: Ticket, rng: random.Random) -> None:
    """Append invented contact details: an email, a phone number, a signature, or all."""
    i = rng.randrange(len(tpl.FIRST_NAMES))
    name, email = tpl.FIRST_NAMES[i], f"{tpl.EMAIL_USERS[i]}@{rng.choice(tpl.EMAIL_DOMAINS)}"
    phone = rng.choice(tpl.PHONES)
    extra = rng.choice(
        [
            f"You can reach me at {email}.",
            f"Call me back on {phone}.",
            f"My email is {email} and my phone is {phone}.",
            f"{name}",
            f"{name}, {phone}",
        ]
    )
    ticket.text = f"{ticket.text} {extra}"
    ticket.pii = True


def paraphrase(source: Ticket, rng: random.Random) -> Ticket:
    """Same ticket with another greeting and a few words swapped."""
    text = source.text
    for opener in tpl.OPENERS[1:]:
        if text.startswith(opener + " "):
            text = text[len(opener) + 1 :]
            break
    swaps = [s for s in tpl.PARAPHRASE_SWAPS if re.search(rf"\b{s[0]}\b", text)]
    for old, new in rng.sample(swaps, min(2, len(swaps))):
        text = re.sub(rf"\b{old}\b", new, text, count=1)
    opener = rng.choice([o for o in tpl.OPENERS[1:] if not source.text.startswith(o)])
    copy = Ticket(f"{opener} {text}", source.team, source.priority, "paraphrase_duplicate")
    copy.copy_of = source
    return copy


def noisy(problem: str, base: Ticket, rng: random.Random) -> Ticket:
    """A row carrying one planted problem, built from a fresh ticket ``base``."""
    t = Ticket(base.text, base.team, base.priority, problem=problem)
    system = {"role": "system", "content": tpl.SYSTEM_PROMPT}
    user = {"role": "user", "content": t.text}
    if problem == "invalid_json":
        t.answer = rng.choice(tpl.INVALID_JSON).format(team=t.team, priority=t.priority)
    elif problem == "unknown_team":
        t.answer = json.dumps({"team": rng.choice(tpl.UNKNOWN_TEAMS), "priority": t.priority})
    elif problem == "bad_priority":
        t.answer = json.dumps({"team": t.team, "priority": rng.choice(tpl.BAD_PRIORITIES)})
    elif problem == "missing_key":
        t.answer = json.dumps({"team": t.team})
    elif problem == "short_answer":
        t.answer = rng.choice(tpl.SHORT_ANSWERS)
    elif problem == "empty_assistant":
        t.messages = [system, user, {"role": "assistant", "content": ""}]
    elif problem == "whitespace_user":
        t.messages = [system, {"role": "user", "content": "  \n "}, _answer(t)]
    elif problem == "ends_with_user":
        t.messages = [system, user]
    elif problem == "consecutive_user":
        follow = {"role": "user", "content": "Sorry, forgot to add: it started yesterday."}
        t.messages = [system, user, follow, _answer(t)]
    return t


def _answer(t: Ticket) -> dict[str, str]:
    return {"role": "assistant", "content": t.route()}


def build() -> tuple[list[Ticket], list[Ticket]]:
    """The raw rows (shuffled, noise planted) and the golden rows."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    clean = [draw(rng, seen) for _ in range(N_CLEAN)]
    for ticket in rng.sample(clean, N_PII):
        add_pii(ticket, rng)
    # Wrong but well-formed labels: no rule can see them, so curation keeps them.
    for ticket in rng.sample(clean, N_WRONG_LABEL):
        ticket.team = rng.choice([t for t in tpl.TEAMS if t != ticket.team])
        ticket.problem = "wrong_label"
    originals = [t for t in clean if not t.problem]
    extra: list[Ticket] = []
    for source in rng.sample(originals, PLANTED["exact_duplicate"]):
        copy = Ticket(source.text, source.team, source.priority, "exact_duplicate")
        copy.copy_of = source
        extra.append(copy)
    for source in rng.sample(originals, PLANTED["paraphrase_duplicate"]):
        extra.append(paraphrase(source, rng))
    for problem, count in PLANTED.items():
        if problem not in ("exact_duplicate", "paraphrase_duplicate"):
            extra.extend(noisy(problem, draw(rng, seen), rng) for _ in range(count))
    rows = clean + extra
    rng.shuffle(rows)
    # A copy always comes after its source, so dedup (which keeps the first) drops the copy.
    position = {id(t): i for i, t in enumerate(rows)}
    for copy in [t for t in rows if t.copy_of is not None]:
        i, j = position[id(copy)], position[id(copy.copy_of)]
        if i < j:
            rows[i], rows[j] = rows[j], rows[i]
            position[id(rows[i])], position[id(rows[j])] = i, j
    golden = [draw(rng, seen) for _ in range(N_GOLDEN)]
    rows += golden_copies(golden, rng)
    return rows, golden


def golden_copies(golden: list[Ticket], rng: random.Random) -> list[Ticket]:
    """A few golden tickets reworded (another greeting and sign-off), each sharing a long run
    of words with its golden original."""
    copies: list[Ticket] = []
    for source in rng.sample(golden, len(golden)):
        copy = reworded(source, rng)
        if _longest_shared_run(copy.text, source.text) >= CONTAMINATION_NGRAM:
            copies.append(copy)
        if len(copies) == N_GOLDEN_COPIES:
            break
    return copies


def reworded(source: Ticket, rng: random.Random) -> Ticket:
    """The ticket with another greeting and sign-off, as a copy pasted into a log reads."""
    text = source.text
    opener = next((o for o in tpl.OPENERS[1:] if text.startswith(o + " ")), "")
    closer = next((c for c in tpl.CLOSERS[1:] if text.endswith(" " + c)), "")
    body = text[len(opener) : len(text) - len(closer)].strip()
    parts = [
        rng.choice([o for o in tpl.OPENERS[1:] if o != opener]),
        body,
        rng.choice([c for c in tpl.CLOSERS[1:] if c != closer]),
    ]
    return Ticket(" ".join(parts), source.team, source.priority, "golden_copy")


def _longest_shared_run(a: str, b: str) -> int:
    """The most words in a row the two texts share (lowercased words, as decontam reads)."""
    x, y = re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())
    best, row = 0, [0] * (len(y) + 1)
    for i in range(1, len(x) + 1):
        prev, row = row, [0] * (len(y) + 1)
        for j in range(1, len(y) + 1):
            if x[i - 1] == y[j - 1]:
                row[j] = prev[j - 1] + 1
                best = max(best, row[j])
    return best


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def readme(rows: list[Ticket], golden: list[Ticket]) -> str:
    """README.md, with every count taken from the data just written."""
    problems = Counter(t.problem for t in rows if t.problem)
    teams = Counter(t.team for t in rows if not t.problem)
    priorities = Counter(t.priority for t in rows if not t.problem)
    meaning = {
        "exact_duplicate": "byte-identical copy of an earlier clean ticket",
        "paraphrase_duplicate": "an earlier ticket with another greeting and 1-2 words swapped",
        "invalid_json": "answer is not JSON (single quotes, code fence, prose, cut off)",
        "unknown_team": "valid JSON, but the team is not one of the five",
        "bad_priority": "valid JSON, but the priority is not one of the four",
        "missing_key": "valid JSON without `priority`",
        "short_answer": "answer under 20 characters (`billing`, `ok`, `{}` ...)",
        "empty_assistant": "assistant turn is empty",
        "whitespace_user": "user turn is only whitespace",
        "ends_with_user": "no assistant turn",
        "consecutive_user": "two user turns in a row",
        "wrong_label": "valid answer naming the wrong team: no rule can see it, so it stays",
        "golden_copy": "a golden (eval) ticket reworded: eval data leaked into training",
    }
    catch = {
        "exact_duplicate": "exact_dedup (`dedup.exact`)",
        "paraphrase_duplicate": "semantic_dedup (`dedup.semantic`)",
        "invalid_json": "json_format (`format.invalid_json`)",
        "unknown_team": "json_format (`format.schema_mismatch`)",
        "bad_priority": "json_format (`format.schema_mismatch`)",
        "missing_key": "json_format (`format.schema_mismatch`), or quality when under 20 chars",
        "short_answer": "quality (`quality.too_short`)",
        "empty_assistant": "validate (`schema.empty_content`)",
        "whitespace_user": "validate (`schema.empty_content`)",
        "ends_with_user": "validate (`schema.bad_last_role`)",
        "consecutive_user": "validate (`schema.bad_role_order`)",
        "wrong_label": "label_issues (`answer.team`, flagged for review)",
        "golden_copy": "decontaminate (`decontam.ngram`)",
    }
    lines = [
        "# tickets: support-ticket routing to JSON",
        "",
        "The demo task for curate's train and eval half. A ticket from a customer of the",
        "invented smart-thermostat company Brightloom goes in; the model answers with JSON only:",
        '`{"team": ..., "priority": ...}`. Regenerate with',
        "`python sample_data/tickets/make_tickets.py` (stdlib only, fixed seed, byte-identical).",
        "",
        "- teams: " + ", ".join(f"`{t}`" for t in tpl.TEAMS),
        "- priorities: " + ", ".join(f"`{p}`" for p in tpl.PRIORITIES),
        f"- system prompt (every row): {tpl.SYSTEM_PROMPT}",
        "",
        "## Use",
        "",
        "```bash",
        "curate run pipelines/ticket_routing.yaml --out runs/ticket_routing   # curate",
        "curate train pipelines/train_smollm2.yaml                           # LoRA fine-tune",
        "curate eval pipelines/eval_tickets.yaml --tuned runs/train_smollm2   # verdict",
        "```",
        "",
        "## Files",
        "",
        "| file | rows | notes |",
        "|---|---|---|",
        f"| `tickets_raw.jsonl` | {len(rows)} | OpenAI chat rows plus a `ticket` id; noisy |",
        f"| `golden.jsonl` | {len(golden)} | clean held-out tickets; {problems['golden_copy']} "
        "of them leak into the raw file reworded (the `golden_copy` rows) |",
        "| `planted.json` | - | line numbers of every planted problem and of PII rows |",
        "",
        "Clean rows by team: "
        + ", ".join(f"{t} {teams[t]}" for t in tpl.TEAMS)
        + "; by priority: "
        + ", ".join(f"{p} {priorities[p]}" for p in tpl.PRIORITIES)
        + ".",
        "",
        "## Planted problems",
        "",
        "Each planted row has one problem. `pipelines/ticket_routing.yaml` catches each: the",
        "rules reject the broken rows, label_issues flags the wrong teams for review (they stay",
        "in the run until a person drops or relabels them), decontaminate rejects the golden",
        "copies.",
        "",
        "| problem | rows | meaning | caught by |",
        "|---|---|---|---|",
    ]
    for problem in [*PLANTED, "wrong_label", "golden_copy"]:
        lines.append(f"| {problem} | {problems[problem]} | {meaning[problem]} | {catch[problem]} |")
    pii = sum(t.pii for t in rows)
    lines += [
        "",
        f"PII: {pii} tickets carry an invented email, phone number (555 range) or name; the",
        "pii stage redacts them to typed placeholders and keeps the rows. A few of them also",
        "carry label noise.",
        "",
        "Priority is signalled by a cue sentence (`No rush at all`, `This needs attention",
        "today`, `URGENT: ...`); team by the issue. The wrong-label rows measure whether",
        "curation pays: they survive every rule, as they would in real logs. The golden copies",
        f"come last in the raw file (lines {len(rows) - problems['golden_copy'] + 1}-{len(rows)}).",
        "",
        "Copies always come after their source, so dedup drops the copy. A few clean tickets",
        "drawn from one template with the same cue are close enough (MiniLM cosine >= 0.97 on",
        "the ticket text) that semantic_dedup also drops them: about half a dozen in this file.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    rows, golden = build()
    write_jsonl(HERE / "tickets_raw.jsonl", [t.row(i + 1) for i, t in enumerate(rows)])
    write_jsonl(HERE / "golden.jsonl", [t.row(90000 + i) for i, t in enumerate(golden)])
    planted: dict[str, list[int]] = {}
    for line, ticket in enumerate(rows, start=1):
        if ticket.problem:
            planted.setdefault(ticket.problem, []).append(line)
        if ticket.pii:
            planted.setdefault("pii", []).append(line)
    (HERE / "planted.json").write_text(json.dumps(planted, indent=1, sort_keys=True) + "\n")
    (HERE / "README.md").write_text(readme(rows, golden), encoding="utf-8")
    print(f"wrote {len(rows)} raw rows, {len(golden)} golden rows to {HERE}")


if __name__ == "__main__":
    main()
