"""pairs.jsonl: 40 preference pairs for Brightloom thermostat support replies, with planted
problems for the ``preference`` stage (stdlib only, fixed seed, byte-identical output).

    python sample_data/ticket_preferences/make_pairs.py

- 28 clean pairs: a helpful reply against a wrong or unhelpful one of about the same length
  (the script checks the ratio stays under 2x), 12 of them carry judge scores
  (``score_chosen``/``score_rejected``), 3 of those the wrong way round (planted
  ``judge_inverted``);
- 8 length-biased pairs: the chosen reply is at least twice the rejected one's length;
- 4 identical pairs: rejected equals chosen (2 byte for byte, 2 only in case and punctuation).

planted.json records the line of every planted pair.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from _pair_texts import CLEAN, IDENTICAL_EXACT, IDENTICAL_FOLDED, LONG

HERE = Path(__file__).resolve().parent
SEED = 20
LENGTH_RATIO = 2.0

# judge scores (chosen, rejected) for 12 clean pairs; three are the wrong way round
SCORES = [(4.6, 1.8), (4.2, 2.1), (4.8, 1.5), (3.9, 2.4), (4.4, 1.9), (4.1, 2.6), (4.7, 1.2),
          (4.0, 2.2), (4.5, 1.7)]  # fmt: skip
INVERTED = [(2.0, 4.3), (1.6, 3.9), (2.4, 4.1)]


def pair(team: str, ticket: str, chosen: str, rejected: str, **extra: float) -> dict:
    return {"prompt": ticket, "chosen": chosen, "rejected": rejected, "team": team, **extra}


def build() -> tuple[list[dict], dict[str, list[int]]]:
    """The rows in their file order and the lines of each planted problem."""
    rng = random.Random(SEED)
    for _, ticket, chosen, rejected in CLEAN:
        ratio = len(chosen) / len(rejected)
        if not 1 / LENGTH_RATIO < ratio < LENGTH_RATIO:
            raise SystemExit(f"clean pair {ticket!r} has length ratio {ratio:.2f}")
    for _, ticket, chosen, rejected in LONG:
        if len(chosen) < LENGTH_RATIO * len(rejected):
            raise SystemExit(f"length-biased pair {ticket!r} is not {LENGTH_RATIO}x")
    scored = rng.sample(range(len(CLEAN)), len(SCORES) + len(INVERTED))
    scores = dict(zip(scored, SCORES + INVERTED, strict=True))
    tagged: list[tuple[str | None, dict]] = []
    for i, row in enumerate(CLEAN):
        extra = {}
        if i in scores:
            extra = {"score_chosen": scores[i][0], "score_rejected": scores[i][1]}
        kind = "judge_inverted" if i in scores and scores[i] in INVERTED else None
        tagged.append((kind, pair(*row, **extra)))
    tagged += [("length_biased", pair(*row)) for row in LONG]
    tagged += [("identical", pair(team, q, a, a)) for team, q, a in IDENTICAL_EXACT]
    tagged += [("identical", pair(*row)) for row in IDENTICAL_FOLDED]
    rng.shuffle(tagged)
    planted: dict[str, list[int]] = {"identical": [], "judge_inverted": [], "length_biased": []}
    for line, (kind, _) in enumerate(tagged, start=1):
        if kind is not None:
            planted[kind].append(line)
    return [row for _, row in tagged], planted


def main() -> None:
    rows, planted = build()
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (HERE / "pairs.jsonl").write_text(lines, encoding="utf-8")
    (HERE / "planted.json").write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k} {len(v)}" for k, v in planted.items())
    print(f"wrote {len(rows)} pairs to {HERE / 'pairs.jsonl'} (planted: {counts})")


if __name__ == "__main__":
    main()
