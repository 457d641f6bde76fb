"""One million chat examples through `curate run` with semantic_dedup on the static encoder.

The proof that memory stays flat at scale: the whole run (ingest, validate, semantic_dedup with
``model: static`` and an HNSW index, split, export) in a child process, its wall time and peak
RSS, and the stage seconds from the manifest.

    python benchmarks/semantic_scale.py [--rows 1000000] [--threshold 0.95]

Questions come from static_million.py's generator (1 in 10 rewords an earlier one). Data and
the run live under benchmarks/.data/ (git-ignored); the embedding cache is cleared first so
the embedding cost is counted.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from spine_scale import measure  # noqa: E402
from static_million import texts_for  # noqa: E402

PIPELINE = """\
name: semantic-scale
workspace: .
inputs: [data.jsonl]
stages:
  - validate
  - semantic_dedup: {{model: static, batch_size: 1024, threshold: {threshold}, text: user}}
  - split: {{seed: 7}}
"""


def generate(path: Path, rows: int, batch: int = 50_000) -> None:
    """Short two-turn chats whose user turns are the generated questions."""
    with open(path, "wb") as out:
        for start in range(0, rows, batch):
            for n, question in enumerate(texts_for(start, min(batch, rows - start)), start):
                answer = f"Open Account > Orders, pick the item and follow step {n % 7 + 1}."
                record = {
                    "messages": [
                        {"role": "user", "content": question},
                        {"role": "assistant", "content": answer},
                    ]
                }
                out.write(orjson.dumps(record) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threshold", type=float, default=0.95)
    args = parser.parse_args()
    work = HERE / ".data" / f"semantic-{args.rows}"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data.jsonl"
    if not data.exists():
        generate(data, args.rows)
    (work / "pipeline.yaml").write_text(PIPELINE.format(threshold=args.threshold))
    shutil.rmtree(work / "run", ignore_errors=True)
    shutil.rmtree(work / "cache" / "embeddings", ignore_errors=True)
    print(f"{args.rows:,} rows, {data.stat().st_size / 1024**2:.0f} MiB of JSONL")

    command = [sys.executable, "-m", "curate.cli", "run", "pipeline.yaml", "--out", "run"]
    seconds, rss = measure(command, work)
    manifest = orjson.loads((work / "run" / "manifest.json").read_bytes())
    stage = next(s for s in manifest["stages"] if s["name"] == "semantic_dedup")
    print(f"curate run: {seconds:.1f} s wall, peak RSS {rss:.2f} GiB")
    print("stage seconds:", {s["name"]: s["seconds"] for s in manifest["stages"]})
    print("semantic_dedup metrics:", stage["metrics"])
    print("totals:", manifest["totals"])


if __name__ == "__main__":
    main()
