"""How many planted wrong labels does label_issues find, and how many right ones does it doubt?

    python benchmarks/label_issues.py [--out /tmp/label_issues_bench]

Two labelled sets, each scored against the rows whose label was planted wrong:

- ``tickets``: the ticket demo (sample_data/tickets), run through pipelines/ticket_routing.yaml
  up to json_format; the label is the answer's ``team``; 30 wrong teams were planted by its
  generator (planted.json).
- ``zaragoza``: the English Q&A of the ``zaragoza-construction-faq`` wheel (503 rows, CC BY
  4.0, written by its authors, not by this project) with its own ``category`` as the label;
  this script plants wrong categories in 6% of the rows with a fixed seed.

Beside curate's stage (MiniLM embeddings from the workspace cache, logistic regression out
of fold, cleanlab), the peer is cleanlab used directly the plain way: TF-IDF word 1-2-grams,
logistic regression, 5-fold ``cross_val_predict``, ``find_label_issues`` with its defaults.
Needs the embed and labels extras; about a minute on 2 CPU cores once the embeddings are
cached.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from curate.io.ingest import InputSource, ingest
from curate.labels.fields import LabelField, read_labels
from curate.record import role_text_expr
from curate.runs.layout import RunLayout
from curate.runs.runner import run_pipeline
from curate.stages.base import RunContext
from curate.stages.label_issues import LabelIssuesConfig

REPO = Path(__file__).resolve().parent.parent
TICKETS = REPO / "sample_data" / "tickets"
PIPELINE = REPO / "pipelines" / "ticket_routing.yaml"
PLANT_SEED, PLANT_SHARE = 17, 0.06
TARGET = 0.9  # recall and precision wanted on the ticket team labels


def ticket_set(work: Path) -> tuple[pl.DataFrame, set[int], dict[str, Any]]:
    """The rows label_issues sees in the ticket demo, the planted lines, and the demo's
    label_issues settings."""
    spec = yaml.safe_load(PIPELINE.read_text())
    stages = spec["stages"]
    upto = next(i for i, s in enumerate(stages) if isinstance(s, dict) and "json_format" in s)
    settings = next(
        s["label_issues"] for s in stages if isinstance(s, dict) and "label_issues" in s
    )
    spec.update(workspace=str(work), inputs=[str(TICKETS / "tickets_raw.jsonl")])
    spec["stages"] = stages[: upto + 1]
    for stage in spec["stages"]:  # eval paths are relative to the demo's workspace, the repo
        if isinstance(stage, dict) and "decontaminate" in stage:
            evals = stage["decontaminate"]["evals"]
            stage["decontaminate"]["evals"] = [str(REPO / e) for e in evals]
    pipeline = work / "tickets_upto_json.yaml"
    pipeline.write_text(yaml.safe_dump(spec, sort_keys=False))
    outcome = run_pipeline(pipeline, out=work / "tickets_run")
    frame = pl.read_parquet(RunLayout(outcome.run_dir).require_stage("json_format").kept)
    planted = set(json.loads((TICKETS / "planted.json").read_text())["wrong_label"])
    return frame, planted, settings


def zaragoza_set(work: Path) -> tuple[pl.DataFrame, set[int]]:
    """The FAQ as chat rows with ``category`` in meta, wrong categories planted at random."""
    data = importlib.resources.files("zaragoza_construction_faq") / "data" / "faq-en.jsonl"
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    categories = sorted({r["category"] for r in rows})
    rng = random.Random(PLANT_SEED)
    planted = set(rng.sample(range(len(rows)), round(PLANT_SHARE * len(rows))))
    path = work / "zaragoza_planted.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i, r in enumerate(rows):
            category = r["category"]
            if i in planted:
                category = rng.choice([c for c in categories if c != category])
            chat = [{"role": "user", "content": r["q"]}, {"role": "assistant", "content": r["a"]}]
            out.write(json.dumps({"messages": chat, "category": category}) + "\n")
    frame, rejected, _ = ingest([InputSource(path, path.name)])
    assert rejected.height == 0
    return frame, {i + 1 for i in planted}  # source lines are 1-based


def stage_flags(
    frame: pl.DataFrame, work: Path, settings: dict[str, Any], field: str
) -> tuple[list[int], float]:
    """Source lines label_issues doubts on ``field``, most confidently wrong first, and its
    seconds."""
    config = LabelIssuesConfig.model_validate({**settings, "fields": [field]})
    started = time.perf_counter()
    result = config.build().run(frame, RunContext(run_dir=work, workspace=work))
    seconds = time.perf_counter() - started
    rows = pl.concat([result.kept, result.rejected], how="diagonal_relaxed")
    flagged = rows.filter(pl.col("label_suspect")).select("source_line", "label_issues")
    doubt = {line: json.loads(issues)[0]["given_probability"] for line, issues in flagged.rows()}
    return sorted(doubt, key=lambda line: (doubt[line], line)), seconds


def tfidf_flags(frame: pl.DataFrame, field: str, roles: tuple[str, ...]) -> tuple[list[int], float]:
    """Source lines plain cleanlab (TF-IDF + logistic regression) doubts, ranked by its
    self-confidence, and its seconds."""
    from cleanlab.filter import find_label_issues
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    started = time.perf_counter()
    labels = read_labels(frame, LabelField.parse(field))
    texts = frame.select(role_text_expr(roles)).to_series().to_list()
    keep = [i for i, label in enumerate(labels) if label is not None]
    classes = sorted({labels[i] for i in keep})  # type: ignore[type-var]
    y = np.array([classes.index(labels[i]) for i in keep])
    x = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(
        [texts[i] for i in keep]
    )
    probs = cross_val_predict(LogisticRegression(max_iter=2000), x, y, cv=5, method="predict_proba")
    ranked = find_label_issues(y, probs, return_indices_ranked_by="self_confidence")
    lines = frame["source_line"].to_list()
    return [lines[keep[i]] for i in ranked], time.perf_counter() - started


def scored(name: str, ranked: list[int], seconds: float, planted: set[int], seen: set[int]):
    """Precision and recall against the planted rows the method could see, and precision
    among its first len(planted) suspects (what a reviewer working down the list meets)."""
    truth = planted & seen
    flagged = set(ranked)
    hits = len(flagged & truth)
    top = ranked[: len(truth)]
    return {
        "method": name,
        "flagged": len(flagged),
        "planted": len(truth),
        "found": hits,
        "precision": round(hits / len(flagged), 3) if flagged else None,
        "recall": round(hits / len(truth), 3) if truth else None,
        "precision_at_planted": round(len(set(top) & truth) / len(top), 3) if top else None,
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="label_issues_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, Any]]] = {}

    frame, planted, settings = ticket_set(work)
    seen = set(frame["source_line"].to_list())
    runs: list[tuple[str, Callable[[], tuple[set[int], float]]]] = [
        ("label_issues (demo settings)", lambda: stage_flags(frame, work, settings, "answer.team")),
        (
            "label_issues (cleanlab default filter)",
            lambda: stage_flags(
                frame, work, {**settings, "filter_by": "prune_by_noise_rate"}, "answer.team"
            ),
        ),
        ("cleanlab + TF-IDF/LR", lambda: tfidf_flags(frame, "answer.team", ("user",))),
    ]
    results["tickets (team)"] = [scored(n, *run(), planted, seen) for n, run in runs]

    faq, faq_planted = zaragoza_set(work)
    faq_seen = set(faq["source_line"].to_list())
    faq_settings = {"text": "both", "filter_by": settings.get("filter_by", "prune_by_noise_rate")}
    runs = [
        (
            "label_issues (demo filter)",
            lambda: stage_flags(faq, work, faq_settings, "meta.category"),
        ),
        (
            "label_issues (cleanlab default filter)",
            lambda: stage_flags(faq, work, {"text": "both"}, "meta.category"),
        ),
        ("cleanlab + TF-IDF/LR", lambda: tfidf_flags(faq, "meta.category", ("user", "assistant"))),
    ]
    results["zaragoza (category)"] = [scored(n, *run(), faq_planted, faq_seen) for n, run in runs]

    header = f"{'set':22} {'method':40} {'flagged':>7} {'found':>9} {'P':>6} {'R':>6}"
    print(header + f" {'P@k':>6} {'s':>6}")
    for name, rows in results.items():
        for r in rows:
            print(
                f"{name:22} {r['method']:40} {r['flagged']:7} {r['found']:4}/{r['planted']:<4} "
                f"{r['precision'] or 0:6.3f} {r['recall'] or 0:6.3f} "
                f"{r['precision_at_planted'] or 0:6.3f} {r['seconds']:6.2f}"
            )
    demo = results["tickets (team)"][0]
    met = (demo["precision"] or 0) >= TARGET and (demo["recall"] or 0) >= TARGET
    print(
        f"target (P and R >= {TARGET} on ticket team, demo settings): {'met' if met else 'MISSED'}"
    )
    (work / "label_issues_results.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {work / 'label_issues_results.json'}")


if __name__ == "__main__":
    main()
