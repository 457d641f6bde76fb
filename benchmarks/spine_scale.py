"""Scale check of the spine: N short chat examples through validate, exact_dedup, quality,
split and export, timed against a hand-written pure-Python script doing the same job.

    python benchmarks/spine_scale.py --rows 1000000 [--profile] [--executor ray]

Data is generated under benchmarks/.data/ (git-ignored). Peak RSS is the child process's.
``--profile`` runs curate once more with a sampler thread and prints each step's peak RSS
(ingest, every stage, then export), to show where the memory goes.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import psutil

HERE = Path(__file__).parent
TOPICS = ["order", "refund", "invoice", "password", "delivery", "warranty", "coupon", "address"]
VERBS = ["change", "track", "cancel", "update", "check", "find", "fix", "renew"]

PIPELINE = """\
name: scale
workspace: .
executor: {executor}
inputs: [data.jsonl]
stages:
  - validate
  - exact_dedup
  - quality
  - split: {seed: 7, stratify: topic}
"""


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Short chats; about 3% exact repeats, 1% case/punctuation variants, 1% invalid."""
    rng = random.Random(seed)
    recent: list[bytes] = []
    with open(path, "wb") as out:
        for i in range(rows):
            roll = rng.random()
            if roll < 0.03 and recent:
                out.write(rng.choice(recent))
                continue
            topic, verb = rng.choice(TOPICS), rng.choice(VERBS)
            question = f"How do I {verb} my {topic} number {rng.randint(0, 10**9)}?"
            if roll < 0.04:
                question = question.upper().replace("?", " ?!")
            answer = f"To {verb} your {topic}, open Settings and follow the steps for item {i}."
            if roll > 0.99:
                answer = " "
            record = {
                "messages": [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": answer},
                ],
                "topic": topic,
            }
            line = orjson.dumps(record) + b"\n"
            if len(recent) < 1000:
                recent.append(line)
            out.write(line)


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024**2


class _MemoryByStep:
    """A reporter that samples this process's RSS and keeps the peak of each step."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.step = "start"
        self.peaks: dict[str, float] = {}
        self.done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self.done.wait(0.02):
            rss = self.process.memory_info().rss / 1024**3
            self.peaks[self.step] = max(self.peaks.get(self.step, 0.0), rss)

    def stage_started(self, index: int, name: str, total: int) -> None:
        self.step = name

    def advance(self, amount: int) -> None: ...

    def stage_finished(self, entry: object) -> None:
        self.step = "export"  # until the next stage starts: the last one is followed by export

    def note(self, message: str) -> None: ...


def profile_child(work: Path) -> None:
    """Run the pipeline in this process and print each step's peak RSS as JSON."""
    from curate.runs.runner import run_pipeline

    reporter = _MemoryByStep()
    os.chdir(work)
    run_pipeline(Path("pipeline.yaml"), out=Path("run-profile"), reporter=reporter)
    reporter.done.set()
    print(orjson.dumps({k: round(v, 2) for k, v in reporter.peaks.items()}).decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--executor", choices=("local", "ray"), default="local")
    parser.add_argument("--profile", action="store_true", help="peak RSS of each step")
    parser.add_argument("--profile-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_child:
        return profile_child(args.profile_child)
    work = HERE / ".data" / f"spine-{args.rows}"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data.jsonl"
    if not data.exists():
        generate(data, args.rows)
    (work / "pipeline.yaml").write_text(PIPELINE.replace("{executor}", args.executor))
    size = data.stat().st_size / 1024**2
    print(f"{args.rows:,} rows, {size:.0f} MiB of JSONL")

    peer_s, peer_rss = measure([sys.executable, str(HERE / "naive_spine.py"), str(data)], work)
    curate = [sys.executable, "-m", "curate.cli", "run", "pipeline.yaml", "--out", "run"]
    subprocess.run(["rm", "-rf", str(work / "run")], check=True)
    ours_s, ours_rss = measure(curate, work)
    manifest = orjson.loads((work / "run" / "manifest.json").read_bytes())
    totals = manifest["totals"]

    print(f"{'':<22}{'seconds':>10}{'peak RSS GiB':>14}")
    print(f"{'curate run':<22}{ours_s:>10.1f}{ours_rss:>14.2f}")
    print(f"{'naive Python script':<22}{peer_s:>10.1f}{peer_rss:>14.2f}")
    print(f"ratio curate/naive: time {ours_s / peer_s:.2f}x, memory {ours_rss / peer_rss:.2f}x")
    print("stage seconds:", {s["name"]: s["seconds"] for s in manifest["stages"]})
    print("totals:", totals)
    if args.profile:
        subprocess.run(["rm", "-rf", str(work / "run-profile")], check=True)
        child = [sys.executable, __file__, "--profile-child", str(work)]
        peaks = subprocess.run(child, check=True, capture_output=True, text=True).stdout
        print("peak RSS GiB by step:", peaks.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
