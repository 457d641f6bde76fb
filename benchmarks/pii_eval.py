"""PII quality, measured: recall and precision per entity type on labelled conversations.

Two labelled sets, both offline and seeded:
- ``support``: support-chat conversations written by this module's generator (Faker
  values planted in templates, spans known), plus PII-free turns for precision;
- ``presidio``: presidio-evaluator's sentence generator (its WikiData hospital provider
  is left out: it needs the network).

A gold span counts as found when a predicted span of the same type overlaps it ("leaked"
recall counts any type, since a span redacted as the wrong type still does not leak).

    python benchmarks/pii_eval.py [--n 400] [--presidio 400] [--sample-run runs/<id>]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curate.record import EXAMPLE_SCHEMA, content_id
from curate.stages.base import RunContext
from curate.stages.pii import PiiConfig

BRAND = "Tallowfern Outfitters"
SYSTEM = f"You are the support assistant for {BRAND}. Be friendly and concise."
PATTERN_TYPES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IP_ADDRESS",
    "API_KEY",
)


@dataclass
class Labelled:
    """One conversation with its gold spans: (turn, entity, start, end)."""

    turns: list[tuple[str, str]]
    spans: list[tuple[int, str, int, int]] = field(default_factory=list)


class _Turn:
    """Builds a turn's text piece by piece, recording where each planted value lands."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[tuple[str, int, int]] = []

    def add(self, piece: str, entity: str | None = None) -> _Turn:
        if entity:
            self.spans.append((entity, len(self.text), len(self.text) + len(piece)))
        self.text += piece
        return self


def _phone(rng: random.Random) -> str:
    area, exch, line = rng.randint(201, 989), rng.randint(201, 989), rng.randint(0, 9999)
    return rng.choice(
        [
            f"({area}) {exch}-{line:04d}",
            f"{area}-{exch}-{line:04d}",
            f"{area}.{exch}.{line:04d}",
            f"+1 {area} {exch} {line:04d}",
            f"555-01{rng.randint(0, 99):02d}",
        ]
    )


def _card(faker, rng: random.Random) -> str:  # type: ignore[no-untyped-def]
    number = faker.credit_card_number(card_type=rng.choice(["visa16", "mastercard", "amex"]))
    if rng.random() < 0.5 and len(number) == 16:
        number = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def _key(rng: random.Random) -> str:
    def chars(n: int, pool: str = string.ascii_letters + string.digits) -> str:
        return "".join(rng.choice(pool) for _ in range(n))

    return rng.choice(
        [
            "sk-" + chars(48),
            "sk-ant-api03-" + chars(40) + "-" + chars(20),
            "sk-proj-" + chars(40),
            "ghp_" + chars(36),
            "AKIA" + chars(16, string.ascii_uppercase + string.digits),
            "xoxb-" + chars(11, string.digits) + "-" + chars(24),
        ]
    )


def support_conversations(n: int, seed: int = 7) -> list[Labelled]:
    """Seeded support chats: about two thirds carry PII in the user turn, echoed back."""
    from faker import Faker

    faker = Faker("en_US")
    faker.seed_instance(seed)
    rng = random.Random(seed)
    clean = [
        "Where is my order TF-{n}? It was due on Monday.",
        "Does the Ridgeline 4 tent fit on a 2.5 m platform?",
        "Can I return boots after 30 days if they are unworn?",
        "My Trail app shows version 4.2.1; is that the latest?",
        "How much is shipping to Canada for a $120 order?",
    ]
    out = []
    for _ in range(n):
        user, bot = _Turn(), _Turn()
        first, last = faker.first_name(), faker.last_name()
        kinds = rng.sample(
            ["name", "email", "phone", "card", "ssn", "ip", "key", "password", "address", "iban"],
            k=rng.choice([0, 1, 1, 2, 3]),
        )
        if not kinds:
            user.add(rng.choice(clean).format(n=rng.randint(100000, 999999)))
            bot.add(f"Happy to help! {BRAND} support can check that for you today.")
        for kind in kinds:
            if kind == "name":
                user.add("Hi, this is ").add(f"{first} {last}", "PERSON").add(". ")
                bot.add("Thanks, ").add(first, "PERSON").add(". ")
            elif kind == "email":
                email = f"{first}.{last}@{faker.free_email_domain()}".lower()
                user.add("My email is ").add(email, "EMAIL_ADDRESS").add(". ")
                bot.add("I've sent the link to ").add(email, "EMAIL_ADDRESS").add(". ")
            elif kind == "phone":
                phone = _phone(rng)
                user.add("Please call me at ").add(phone, "PHONE_NUMBER").add(" today. ")
                bot.add("We'll call ").add(phone, "PHONE_NUMBER").add(" within the hour. ")
            elif kind == "card":
                user.add("Charge my card ").add(_card(faker, rng), "CREDIT_CARD").add(" again. ")
                bot.add("Please never share full card numbers in chat. ")
            elif kind == "ssn":
                user.add("My SSN is ").add(faker.ssn(), "US_SSN").add(" if you need it. ")
                bot.add("We never need a Social Security number. ")
            elif kind == "ip":
                ip = faker.ipv4_public()
                user.add("The login came from ").add(ip, "IP_ADDRESS").add(", not me. ")
                bot.add("I've blocked sign-ins from ").add(ip, "IP_ADDRESS").add(". ")
            elif kind == "key":
                user.add("The API rejects my key ").add(_key(rng), "API_KEY").add(". ")
                bot.add("Please rotate that key now that it is in chat. ")
            elif kind == "password":
                user.add("My password is ").add(faker.password(special_chars=False), "PASSWORD")
                user.add(" and it fails. ")
                bot.add("Please reset your password; never share it. ")
            elif kind == "address":
                address = (
                    f"{faker.street_address()}, {faker.city()}, {faker.state_abbr()} "
                    f"{faker.zipcode()}"
                )
                user.add("Ship it to ").add(address, "STREET_ADDRESS").add(" please. ")
                bot.add("Done, it ships to ").add(address, "STREET_ADDRESS").add(". ")
            elif kind == "iban":
                user.add("Refund to IBAN ").add(faker.iban(), "IBAN_CODE").add(". ")
                bot.add("Refunds go to the original payment method. ")
        convo = Labelled([("system", SYSTEM), ("user", user.text), ("assistant", bot.text)])
        for turn, built in ((1, user), (2, bot)):
            convo.spans += [(turn, e, s, t) for e, s, t in built.spans]
        out.append(convo)
    return out


# presidio-evaluator's types -> curate's; the rest are not in curate's default list.
PRESIDIO_TYPES = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "IBAN_CODE": "IBAN_CODE",
    "DOMAIN_NAME": "URL",
}


def presidio_sentences(n: int, seed: int = 7) -> list[Labelled]:
    """presidio-evaluator's templated sentences as one-turn conversations."""
    import contextlib
    import io

    from presidio_evaluator.data_generator import PresidioSentenceFaker
    from presidio_evaluator.data_generator.faker_extensions import HospitalProvider
    from presidio_evaluator.data_generator.presidio_sentence_faker import (
        presidio_additional_entity_providers as providers,
    )

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        faker = PresidioSentenceFaker(
            "en_US",
            lower_case_ratio=0.05,
            entity_providers=[p for p in providers if p is not HospitalProvider],
            random_seed=seed,
        )
        samples = faker.generate_new_fake_sentences(n)
    out = []
    for sample in samples:
        spans = [
            (0, PRESIDIO_TYPES[s.entity_type], s.start_position, s.end_position)
            for s in sample.spans
            if s.entity_type in PRESIDIO_TYPES
        ]
        out.append(Labelled([("user", sample.full_text)], spans))
    return out


def as_batch(convos: list[Labelled]) -> pl.DataFrame:
    """Conversations as a canonical batch (what ingest would give)."""
    rows = []
    for i, convo in enumerate(convos):
        messages = [{"role": r, "content": c} for r, c in convo.turns]
        rows.append(
            {
                "row": i,
                "id": content_id(messages),
                "messages": messages,
                "chosen": None,
                "rejected": None,
                "meta": "{}",
                "format": "chat",
                "source_file": "eval",
                "source_line": i + 1,
                "source": f"eval line {i + 1}",
                "utf8_ok": True,
            }
        )
    return pl.DataFrame(rows, schema=EXAMPLE_SCHEMA)


def curate_predictions(
    convos: list[Labelled], config: PiiConfig
) -> tuple[list[list[tuple[int, str, int, int]]], float]:
    """Spans the pii stage finds per conversation, and the seconds it took."""
    batch = as_batch(convos)
    config.build().run(batch.head(2), RunContext(Path("."), Path(".")))  # load the model first
    started = time.perf_counter()
    result = config.build().run(batch, RunContext(Path("."), Path(".")))
    seconds = time.perf_counter() - started
    frame = pl.concat([result.kept, result.rejected.select(result.kept.columns)]).sort("row")
    predicted = [
        [(f["turn"], f["entity"], f["start"], f["end"]) for f in spans]
        for spans in frame["pii"].to_list()
    ]
    return predicted, seconds


def score(
    convos: list[Labelled], predicted: list[list[tuple[int, str, int, int]]]
) -> dict[str, dict[str, float]]:
    """Per type: gold, recall (same type), leaked-recall complement, precision."""
    gold_n, hit, any_hit, pred_n, pred_ok = Counter(), Counter(), Counter(), Counter(), Counter()

    def overlap(a: tuple, b: tuple) -> bool:
        return a[0] == b[0] and a[2] < b[3] and b[2] < a[3]

    for convo, preds in zip(convos, predicted, strict=True):
        for g in convo.spans:
            gold_n[g[1]] += 1
            hit[g[1]] += any(overlap(g, p) and p[1] == g[1] for p in preds)
            any_hit[g[1]] += any(overlap(g, p) for p in preds)
        for p in preds:
            pred_n[p[1]] += 1
            pred_ok[p[1]] += any(overlap(g, p) and p[1] == g[1] for g in convo.spans)
    table = {}
    for entity in sorted(set(gold_n) | set(pred_n)):
        table[entity] = {
            "gold": gold_n[entity],
            "recall": hit[entity] / gold_n[entity] if gold_n[entity] else float("nan"),
            "covered": any_hit[entity] / gold_n[entity] if gold_n[entity] else float("nan"),
            "predicted": pred_n[entity],
            "precision": pred_ok[entity] / pred_n[entity] if pred_n[entity] else float("nan"),
        }
    return table


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'entity':<16}{'gold':>6}{'recall':>9}{'covered':>9}{'pred':>6}{'precision':>11}")
    for entity, m in table.items():
        print(
            f"{entity:<16}{m['gold']:>6}{m['recall']:>9.3f}{m['covered']:>9.3f}"
            f"{m['predicted']:>6}{m['precision']:>11.3f}"
        )


# ---- the sample run: no planted email, phone, card or key may reach the exported splits ----

PLANTED_PATTERNS = {
    "email": r"[\w.+-]+@[\w-]+\.[\w.]+",
    "phone": r"\(\d{3}\)\s?\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b|\b\d{3}-\d{4}\b",
    "credit_card": r"\b\d{4}[ -]?\d{4,6}[ -]?\d{4,5}(?:[ -]?\d{4})?\b",
    "api_key": r"\b(?:sk|ghp|AKIA|xox[a-z])[-_A-Za-z0-9]{10,}",
}


def planted_values(sample_dir: Path) -> list[tuple[str, int, str, str]]:
    """(file, row, type, value) of every planted email, phone, card and key."""
    import csv

    planted = json.loads((sample_dir / "planted.json").read_text())["planted"]
    out = []
    for item in planted:
        kinds = [k for k in item.get("pii", []) if k in PLANTED_PATTERNS]
        if item["problem"] != "pii" or not kinds:
            continue
        path = sample_dir / item["file"]
        if path.suffix == ".jsonl":
            raw = path.read_text(encoding="utf-8").splitlines()[item["line"] - 1]
        elif path.suffix == ".json":
            raw = json.dumps(json.loads(path.read_text())[item["row"] - 1])
        else:
            raw = " ".join(list(csv.reader(path.open(encoding="utf-8")))[item["row"]])
        for kind in kinds:
            for value in dict.fromkeys(re.findall(PLANTED_PATTERNS[kind], raw)):
                out.append((item["file"], item["row"], kind, value))
    return out


def check_sample_run(run_dir: Path, sample_dir: Path) -> int:
    """Print every planted value found in the exported splits; returns how many survived."""
    values = planted_values(sample_dir)
    text = "".join(
        (run_dir / "export" / f"{split}.jsonl").read_text(encoding="utf-8")
        for split in ("train", "eval", "test")
    )
    survivors = [v for v in values if v[3] in text]
    print(f"\nsample run {run_dir}: {len(values)} planted values (email, phone, card, key)")
    print(Counter(v[2] for v in values))
    for file, row, kind, value in survivors:
        print(f"  SURVIVED {kind} from {file} row {row}: {value}")
    print(f"{len(survivors)} survived in train/eval/test")
    return len(survivors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="support conversations")
    parser.add_argument("--presidio", type=int, default=400, help="presidio-evaluator sentences")
    parser.add_argument("--sample-run", type=Path, help="a finished run of pipelines/sample.yaml")
    args = parser.parse_args()
    config = PiiConfig(allow_list=[BRAND])
    support = support_conversations(args.n)
    predicted, seconds = curate_predictions(support, config)
    print_table(f"support conversations (n={args.n}, {seconds:.1f} s)", score(support, predicted))
    if args.presidio:
        sentences = presidio_sentences(args.presidio)
        predicted, seconds = curate_predictions(sentences, config)
        table = score(sentences, predicted)
        print_table(f"presidio-evaluator sentences (n={args.presidio}, {seconds:.1f} s)", table)
    if args.sample_run:
        root = Path(__file__).resolve().parent.parent
        sys.exit(1 if check_sample_run(args.sample_run, root / "sample_data") else 0)


if __name__ == "__main__":
    main()
