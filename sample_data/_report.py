"""README, planted.json and self-checks for generate.py (stdlib only)."""

from __future__ import annotations

import csv
import itertools
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import _agent

# Mirror of curate.io.inspect.REFUSAL_PATTERN (kept in sync by hand; stdlib only here).
REFUSAL_RE = re.compile(
    r"\bI (?:do not|don['’]t|dont) know\b"
    r"|\bI(?:['’]m| am) not (?:sure|able to|allowed to)\b"
    r"|\bI (?:can(?:no|['’])t|cannot|am unable to|['’]m unable to) "
    r"(?:help|assist|answer|provide|share|give|do that|comply|access|discuss)"
    r"|\bI(?:['’]m| am) sorry,? but I (?:can|cannot|won)"
    r"|\bas an AI\b|\bI (?:won['’]t|will not) be able to\b",
    re.IGNORECASE,
)
# Machine-detectable fake PII: emails, 555 phone numbers, SSNs, test cards, IPs, keys.
PII_RE = re.compile(
    r"[\w.+-]+@example\.(?:com|org|net)|\b\d{3}-\d{4}\b|\b\d{3}-\d{2}-\d{4}\b"
    r"|\b\d{4} \d{4,6} \d{4,5}(?: \d{4})?\b|\b\d{1,3}(?:\.\d{1,3}){3}\b|sk-live-|password:"
)
MACHINE_PII = {"email", "phone", "credit_card", "ssn", "ip", "api_key", "password"}

EXPECTED = {
    "exact_duplicate": 6,
    "normalized_duplicate": 5,
    "paraphrase_duplicate": 10,
    "popular_faq_paraphrase": 8,
    "empty_assistant": 3,
    "whitespace_user": 2,
    "starts_with_assistant": 2,
    "consecutive_user": 2,
    "ends_with_user": 1,
    "malformed_json": 2,
    "overlong_answer": 2,
    "short_answer": 3,
    "refusal": 10,
    "pii": 25,
    "orphan_tool_result": 1,
    "non_json_arguments": 1,
    "wrong_argument_type": 1,
    "undeclared_tool": 1,
    "pii_in_arguments": 1,
}
EXPECTED_PII = {"credit_card": 3, "ssn": 2, "ip": 1, "api_key": 1, "password": 1}
DESCRIPTIONS = {
    "exact_duplicate": "byte-identical messages to an earlier row (ticket may differ)",
    "normalized_duplicate": "same as an earlier row after lower-casing and removing "
    "punctuation/extra whitespace",
    "paraphrase_duplicate": "lightly re-worded question and answer (same meaning, a few "
    "word changes) of an earlier row",
    "popular_faq_paraphrase": "one FAQ (order tracking) asked 8 times with small wording changes",
    "empty_assistant": "assistant answer is the empty string",
    "whitespace_user": "user turn is only whitespace",
    "starts_with_assistant": "first turn is an assistant turn",
    "consecutive_user": "two user turns in a row",
    "ends_with_user": "conversation ends with a user turn",
    "malformed_json": "truncated line, not valid JSON",
    "overlong_answer": "assistant answer over 8,000 characters",
    "short_answer": "assistant answer under 20 characters",
    "refusal": "refusal-style answer (matches curate's refusal pattern)",
    "pii": "fake personal data in the text",
    "orphan_tool_result": "a tool turn answering a call id no assistant turn made",
    "non_json_arguments": "tool-call arguments that are not JSON",
    "wrong_argument_type": "a refund amount written as text where the tool's schema wants "
    "an integer",
    "undeclared_tool": "a call to a function the row's tools do not declare",
    "pii_in_arguments": "a customer email inside tool-call arguments",
}
FORMATS = {
    "support_chat.jsonl": "OpenAI chat JSONL: `messages`, `category`, `ticket`",
    "alpaca.json": "JSON array (indent 2) of `instruction`, `input`, `output`, `category`",
    "sharegpt.jsonl": "ShareGPT JSONL: `conversations` of `from`/`value`, `category`",
    "preference.jsonl": "preference JSONL: `prompt`, `chosen`, `rejected`, `category`",
    "faq.csv": "CSV, header `instruction,input,output,category` (alpaca-style)",
    _agent.AGENT: "OpenAI tool-calling chat JSONL: `tools`, `messages` with `tool_calls` and "
    "`tool` turns, `category`; some user turns hold an image part",
}


def fold(text: str) -> str:
    """Curate's normalised-dedup key for one text: lower case, no punctuation or symbols."""
    kept = "".join(c for c in text.lower() if unicodedata.category(c)[0] not in "PS")
    return " ".join(kept.split())


def fold_spaced(text: str) -> str:
    """Like fold, but punctuation becomes a space (another common normaliser)."""
    kept = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text.lower())
    return " ".join(kept.split())


def turns(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) turns of a row in any of the five formats, as chat roles."""
    if "messages" in data:
        return [(m["role"], _text(m["content"])) for m in data["messages"]]
    if "conversations" in data:
        names = {"human": "user", "gpt": "assistant", "system": "system"}
        return [(names[t["from"]], t["value"]) for t in data["conversations"]]
    if "prompt" in data:
        return [("user", data["prompt"]), ("assistant", data["chosen"])]
    user = data["instruction"] + ("\n\n" + data["input"] if data["input"] else "")
    return [("user", user), ("assistant", data["output"])]


def _text(content: Any) -> str:
    """A turn's text: a string, the text parts of a parts list, or '' for a calls-only turn."""
    if isinstance(content, list):
        return "".join(p["text"] for p in content if p.get("type") == "text")
    return content or ""


def where(file: str, row: int, line: int) -> str:
    """Human-readable location of a record."""
    if file.endswith(".jsonl"):
        return str(line)
    kind = "item" if file.endswith(".json") else "record"
    return f"{kind} {row} (line {line})"  # e.g. "item 12 (line 70)"


def spots(hits: list[dict[str, Any]]) -> str:
    """Locations of manifest entries, grouped by file; duplicates name their source."""
    by_file: dict[str, list[str]] = {}
    for e in hits:
        loc = where(e["file"], e["row"], e["line"])
        if "source_row" in e:
            loc += f" (= {where(e['file'], e['source_row'], e['source_line'])})"
        by_file.setdefault(e["file"], []).append(loc)
    parts = []
    for file, locs in by_file.items():
        label = ("lines " if len(locs) > 1 else "line ") if file.endswith(".jsonl") else ""
        parts.append(f"`{file}` {label}{', '.join(locs)}")
    return "; ".join(parts)


def entries(built: dict[str, list], starts: dict[str, list[int]]) -> list[dict[str, Any]]:
    """One manifest entry per planted problem per row."""
    out = []
    for file, rows in built.items():
        index = {id(r): i for i, r in enumerate(rows)}
        for i, row in enumerate(rows):
            for problem in row.problems:
                entry = {"file": file, "row": i + 1, "line": starts[file][i], "problem": problem}
                if row.source is not None:
                    j = index[id(row.source)]
                    entry |= {"source_row": j + 1, "source_line": starts[file][j]}
                if row.pii:
                    entry["pii"] = list(row.pii)
                out.append(entry)
    return out


def write(here: Path, built: dict[str, list], starts: dict[str, list[int]]) -> None:
    """Write planted.json and README.md from what was built."""
    planted = entries(built, starts)
    counts = Counter(e["problem"] for e in planted)
    pii_counts = Counter(t for e in planted for t in e.get("pii", []))
    manifest = {
        "about": "Ground truth for the planted problems; written by generate.py. 'row' is the "
        "1-based record (JSONL line, JSON array item, CSV data record without header); 'line' "
        "is the physical line where it starts.",
        "counts": dict(sorted(counts.items())),
        "pii_type_counts": dict(sorted(pii_counts.items())),
        "planted": planted,
        "row_labels": {f: [r.intent for r in rows] for f, rows in built.items()},
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    (here / "planted.json").write_text(text, encoding="utf-8", newline="\n")
    (here / "README.md").write_text(readme(built, planted), encoding="utf-8", newline="\n")


def readme(built: dict[str, list], planted: list[dict[str, Any]]) -> str:
    """The README text."""
    chat = built["support_chat.jsonl"]
    multi = sum(
        1
        for r in chat
        if sum(m["role"] == "user" for m in r.data["messages"]) == 2 and not r.problems
    )
    with_input = sum(1 for r in built["alpaca.json"] if r.data["input"])
    notes = {
        "support_chat.jsonl": f"{multi} clean multi-turn rows; most rows have a system prompt",
        "alpaca.json": f"{with_input} items have a non-empty `input`",
        "sharegpt.jsonl": "some multi-turn; about 60% have a system turn",
        "preference.jsonl": "`rejected` is a curt, wrong or unhelpful answer",
        "faq.csv": "numbered multi-line answers, quotes and commas (needs CSV quoting)",
        _agent.AGENT: "lookup_order, list_orders, issue_refund, escalate_to_human; parallel "
        "calls, a row that ends on a call, three rows with a photo (image part by URL)",
    }
    out = [
        "# sample_data",
        "",
        "Synthetic customer-support data for an invented outdoor-gear retailer, **Tallowfern "
        "Outfitters** (tents, packs, apparel, Cobble GPS watches, Lumen-X headlamps and the "
        "Trail app). Categories: billing, shipping, returns, account, technical. All text, "
        "people and contact details are made up; card numbers are public test numbers, emails "
        "use example.com/.org/.net and phone numbers the 555-01xx range.",
        "",
        "Regenerate with `python sample_data/generate.py` (stdlib only, fixed seed, "
        "byte-identical output). Text templates are in `_templates.py`; this README, "
        "`planted.json` and the self-checks come from `_report.py`.",
        "",
        "## Files",
        "",
        "| file | format | rows | notes |",
        "|---|---|---|---|",
    ]
    for file, rows in built.items():
        out.append(f"| `{file}` | {FORMATS[file]} | {len(rows)} | {notes[file]} |")
    out += [
        "| `planted.json` | ground truth: every planted problem with file/row/line, plus a "
        "label (intent template id) for every row | - | not a dataset |",
        "",
        "## Planted problems",
        "",
        "JSONL locations are line numbers; `alpaca.json` uses 1-based item numbers and "
        "`faq.csv` 1-based data records (header excluded), each with the line where the record "
        "starts. `(= …)` names the earlier row a duplicate copies.",
        "",
        "| problem | count | meaning | where |",
        "|---|---|---|---|",
    ]
    for problem, meaning in DESCRIPTIONS.items():
        hits = [e for e in planted if e["problem"] == problem]
        out.append(f"| {problem} | {len(hits)} | {meaning} | {spots(hits)} |")
    out += [
        "",
        "PII by type (a row can hold several types):",
        "",
        "| type | rows | where |",
        "|---|---|---|",
    ]
    types = sorted({t for e in planted for t in e.get("pii", [])})
    for kind in types:
        hits = [e for e in planted if kind in e.get("pii", [])]
        out.append(f"| {kind} | {len(hits)} | {spots(hits)} |")
    out += [
        "",
        "## Notes",
        "",
        "- Normalised duplicates collide with their source under curate's `exact_dedup` "
        "normaliser (lower-case, drop `\\p{P}`/`\\p{S}`, collapse whitespace) and also when "
        "punctuation is replaced by a space; the system prompt is left unchanged.",
        "- Clean rows are filled from about 100 intent templates (product, order number and "
        "wording vary). Rows from the same intent are topical siblings, not planted "
        "paraphrases; `planted.json` → `row_labels` gives each row's intent so a semantic-dedup "
        "test can tell them apart. No clean question repeats word for word, but some siblings "
        "ask the same thing with another order number or date (MiniLM cosine 0.92-0.997, "
        "about a dozen pairs; `_check_similarity.py` lists them): unplanted near-duplicates "
        "of the kind real support logs hold, which semantic dedup rightly clusters.",
        "- The 8 popular-FAQ rows form one cluster (keep one, 7 are redundant). Paraphrase "
        "originals are clean rows labelled `paraphrase.N`, like their paraphrase.",
        "- Problems do not overlap: each planted row has exactly one problem, and every other "
        "row passes the checks in `_report.verify` (valid structure, assistant turns 40-900 "
        "characters, no refusal phrase, no machine-detectable PII).",
        "- Refusals include appropriate ones (another customer's data, legal, tax and medical "
        "advice) and unhelpful ones (\"I don't know\"); the preference file's `rejected` "
        "answers avoid refusal phrases and are at least 20 characters.",
        "",
    ]
    return "\n".join(out)


def structure_ok(ts: list[tuple[str, str]]) -> bool:
    """System optional, then user/assistant alternating from user, ending on assistant."""
    body = ts[1:] if ts and ts[0][0] == "system" else ts
    roles = [r for r, _ in body]
    expected = ["user", "assistant"] * (len(roles) // 2)
    return bool(roles) and roles == expected and all(t.strip() for _, t in ts)


def check_row(row: Any, ts: list[tuple[str, str]], src: list[tuple[str, str]] | None) -> None:
    """Raise if a row doesn't carry exactly what it claims."""
    answers = [t for r, t in ts if r == "assistant"]
    text = "\n".join(t for _, t in ts) + "\n" + str(row.data.get("rejected", ""))
    rules = {
        "": lambda: (
            structure_ok(ts)
            and all(40 <= len(a) <= 900 for a in answers)
            and not any(REFUSAL_RE.search(a) for a in answers)
            and not PII_RE.search(text)
        ),
        "refusal": lambda: bool(REFUSAL_RE.search(answers[-1])) and len(answers[-1]) >= 20,
        "short_answer": lambda: 0 < len(answers[-1]) < 20,
        "overlong_answer": lambda: max(map(len, answers)) > 8000 and len(text) < 32000,
        "pii": lambda: not (set(row.pii) & MACHINE_PII) or bool(PII_RE.search(text)),
        "exact_duplicate": lambda: ts == src,
        "normalized_duplicate": lambda: (
            ts != src
            and [fold(t) for _, t in ts] == [fold(t) for _, t in src]
            and [fold_spaced(t) for _, t in ts] == [fold_spaced(t) for _, t in src]
        ),
        "empty_assistant": lambda: "" in answers,
        "whitespace_user": lambda: any(r == "user" and t and not t.strip() for r, t in ts),
        "starts_with_assistant": lambda: ts[0][0] == "assistant",
        "consecutive_user": lambda: any(a[0] == b[0] == "user" for a, b in itertools.pairwise(ts)),
        "ends_with_user": lambda: ts[-1][0] == "user",
        "malformed_json": lambda: structure_ok(ts),
        "paraphrase_duplicate": lambda: structure_ok(ts) and fold(ts[-1][1]) != fold(src[-1][1]),
        "popular_faq_paraphrase": lambda: structure_ok(ts),
    }
    problem = row.problems[0] if row.problems else ""
    if len(row.problems) > 1 or not rules[problem]():
        raise ValueError(f"check failed for {problem or 'clean'} row: {row.data}")
    if "rejected" in row.data and (
        len(row.data["rejected"]) < 20 or REFUSAL_RE.search(row.data["rejected"])
    ):
        raise ValueError(f"weak rejected answer: {row.data}")


def read_back(here: Path, file: str) -> list[Any]:
    """Re-read one written file into rows (None for a line that is not valid JSON)."""
    text = (here / file).read_text(encoding="utf-8")
    if "\r" in text:
        raise ValueError(f"{file}: CR line endings")
    if file.endswith(".json"):
        return json.loads(text)
    if file.endswith(".csv"):
        with (here / file).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            out.append(None)
    return out


def verify(here: Path, built: dict[str, list]) -> None:
    """Re-read every file and check each row and the planted totals; print a summary."""
    seen: dict[str, str] = {}
    for file, rows in built.items():
        parsed = read_back(here, file)
        if len(parsed) != len(rows):
            raise ValueError(f"{file}: {len(parsed)} rows read, {len(rows)} built")
        for row, back in zip(rows, parsed, strict=True):
            if (back is None) != ("malformed_json" in row.problems):
                raise ValueError(f"{file}: JSON validity mismatch for {row.data}")
            if back is not None and back != row.data:
                raise ValueError(f"{file}: round trip changed {row.data}")
            ts = turns(row.data)
            if file != _agent.AGENT:  # tool rows have their own rules (_agent.check)
                check_row(row, ts, turns(row.source.data) if row.source else None)
            if set(row.problems) & {"exact_duplicate", "normalized_duplicate"}:
                continue
            key = fold(" ".join(t for r, t in ts if r != "system"))
            if key in seen:
                raise ValueError(f"unplanned duplicate in {file} of row from {seen[key]}")
            seen[key] = file
    _agent.check(built[_agent.AGENT])
    counts = Counter(p for rows in built.values() for r in rows for p in r.problems)
    pii = Counter(t for rows in built.values() for r in rows for t in r.pii)
    if dict(counts) != EXPECTED or any(pii[k] != n for k, n in EXPECTED_PII.items()):
        raise ValueError(f"planted counts {dict(counts)} / {dict(pii)} differ from the brief")
    total = 0
    for file, rows in built.items():
        size = (here / file).stat().st_size
        total += size
        print(f"{file:20} {len(rows):4} rows {size / 1024:7.1f} KiB")
    if total > 400_000:
        raise ValueError(f"data files total {total} bytes, over 400 KB")
    print(f"{'total':20} {'':9} {total / 1024:7.1f} KiB; all checks passed")
