"""Kill-and-resume fault battery: ``curate run`` on the sample data, killed with SIGKILL at
seeded random moments, rerun to completion, and compared byte for byte with a run that was
never interrupted.

    python benchmarks/faults.py --trials 3     # about 2 minutes a trial on 2 busy cores

The pipeline is pipelines/sample.yaml without its judge (so it runs offline): validate,
exact_dedup, semantic_dedup (MiniLM), pii (Presidio + spaCy), quality, split, and the chat
and HF dataset export. Every trial gets a fresh workspace (a cold embedding cache, an empty
workspace.db) under a temp folder, is killed 1 to ``--max-kills`` times, each at a delay drawn
uniformly over most of the reference run's duration, then run once more to the end. A trial
survives when that last run exits 0, every export file but report.md (it holds timings)
equals the reference's, the manifest's counts match, no temp file is left, and the runs index
said ``interrupted`` after each kill that came after the run was recorded (``complete`` after
one that came as it exited) and ``complete`` at the end. Rows lost are reference export lines
missing from the resumed export. A kill drawn after the run had already ended is not counted.

The reference and the trials must run the same code: the script fingerprints curate's source
at the start and at the end and voids the result if it changed (someone edited the tree).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "pipelines" / "sample.yaml"
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "0"}
ROW_FILES = ("train.jsonl", "eval.jsonl", "test.jsonl", "rejected.jsonl")
AFTER_MANIFEST = "after the manifest"
UNCOMPARED = {"report.md"}  # timings and the creation time differ on every run


def offline_sample_pipeline() -> str:
    """sample.yaml with absolute inputs, its own workspace, and no stage that calls an API."""
    config = yaml.safe_load(SAMPLE.read_text())
    config["workspace"] = "."
    config["inputs"] = [str((SAMPLE.parent / path).resolve()) for path in config["inputs"]]
    remote = {"judge", "distill"}
    names = [stage if isinstance(stage, str) else next(iter(stage)) for stage in config["stages"]]
    config["stages"] = [s for s, n in zip(config["stages"], names, strict=True) if n not in remote]
    return yaml.safe_dump(config, sort_keys=False)


def source_fingerprint() -> str:
    """A hash over the source of the curate package the runs import."""
    import curate

    digest = hashlib.sha256()
    for path in sorted(Path(curate.__file__).parent.rglob("*.py")):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def new_workspace(root: Path, pipeline: str) -> Path:
    root.mkdir(parents=True)
    (root / "pipeline.yaml").write_text(pipeline)
    return root


def start_run(workspace: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "curate.cli", "run", "pipeline.yaml", "--out", "run"],
        cwd=workspace,
        env={**os.environ, **OFFLINE_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_to_end(workspace: Path) -> tuple[int, float, str]:
    """Exit code, seconds and the stderr tail of one uninterrupted run."""
    began = time.monotonic()
    proc = start_run(workspace)
    _, stderr = proc.communicate(timeout=1800)
    return proc.returncode, time.monotonic() - began, stderr.decode()[-2000:]


def export_files(run_dir: Path) -> dict[str, bytes]:
    export = run_dir / "export"
    return {
        str(path.relative_to(export)): path.read_bytes()
        for path in sorted(export.rglob("*"))
        if path.is_file() and path.name not in UNCOMPARED
    }


def manifest_counts(run_dir: Path) -> tuple[object, ...]:
    from curate.runs.layout import RunLayout

    manifest = RunLayout(run_dir).manifest()
    if manifest is None:
        return ()
    stages = tuple((s.name, s.input, s.kept, s.rejected) for s in manifest.stages)
    return (manifest.totals.model_dump_json(), stages)


def phase_at(run_dir: Path, planned: list[str]) -> str:
    """Where a killed run was: the first planned stage without a finished output."""
    from curate.runs.layout import RunLayout

    layout = RunLayout(run_dir)
    done = {folder.name for folder in layout.finished_stages()} if run_dir.exists() else set()
    for name in planned:
        if name not in done:
            return name
    return "export" if not layout.manifest_path.exists() else AFTER_MANIFEST


def indexed_status(workspace: Path) -> str | None:
    from curate.workspace import WorkspaceDB

    if not (workspace / "workspace.db").exists():
        return None
    with WorkspaceDB(workspace) as store:
        rows = [r for r in store.runs() if Path(r["run_dir"]).name == "run"]
    return rows[0]["status"] if rows else None


def lines(files: dict[str, bytes]) -> Counter[bytes]:
    return Counter(line for name in ROW_FILES for line in files.get(name, b"").splitlines())


@dataclass
class Trial:
    number: int
    kills: list[tuple[float, str]] = field(default_factory=list)  # (delay s, phase)
    finished_first: int = 0  # kill moments drawn after the run had already ended
    index_misses: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows_lost: int = 0
    rows_extra: int = 0

    @property
    def survived(self) -> bool:
        return not self.problems and not self.index_misses


def kill_at(workspace: Path, delay: float, planned: list[str], trial: Trial) -> None:
    """Start the run and SIGKILL it ``delay`` seconds in, unless it ends first."""
    proc = start_run(workspace)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    if proc.poll() is not None:
        proc.communicate()
        trial.finished_first += 1
        return
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    phase = phase_at(workspace / "run", planned)
    trial.kills.append((delay, phase))
    status = indexed_status(workspace)
    # None: killed before the run was recorded; complete: killed as it exited
    expected = {"complete"} if phase == AFTER_MANIFEST else {"interrupted", None}
    if status not in expected:
        trial.index_misses.append(f"after a kill in {phase} the index said {status!r}")


def run_trial(
    number: int,
    root: Path,
    pipeline: str,
    reference: dict[str, bytes],
    reference_counts: tuple[object, ...],
    planned: list[str],
    duration: float,
    rng: random.Random,
    max_kills: int,
) -> Trial:
    trial = Trial(number)
    workspace = new_workspace(root / f"trial-{number:03d}", pipeline)
    for _ in range(rng.randint(1, max_kills)):
        # a rerun is a little faster than the cold reference run
        kill_at(workspace, rng.uniform(0.2, duration * 0.95), planned, trial)
    code, _, stderr = run_to_end(workspace)
    if code != 0:
        trial.problems.append(f"the resumed run exited {code}: {stderr.strip()[-300:]}")
        return trial
    resumed = export_files(workspace / "run")
    for name in sorted(reference.keys() | resumed.keys()):
        if reference.get(name) != resumed.get(name):
            trial.problems.append(f"export/{name} differs from the reference")
    if manifest_counts(workspace / "run") != reference_counts:
        trial.problems.append("the manifest's counts differ from the reference")
    if leftovers := [str(p) for p in (workspace / "run").rglob(".*.tmp")]:
        trial.problems.append(f"temp files left: {leftovers[:3]}")
    if (status := indexed_status(workspace)) != "complete":
        trial.index_misses.append(f"after the resumed run the index said {status!r}")
    want, got = lines(reference), lines(resumed)
    trial.rows_lost = sum((want - got).values())
    trial.rows_extra = sum((got - want).values())
    return trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=3, help="killed-and-resumed runs")
    parser.add_argument("--max-kills", type=int, default=3, help="kills per trial, at most")
    parser.add_argument("--seed", type=int, default=0, help="seeds the kill moments")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="curate-faults-"))
    pipeline = offline_sample_pipeline()
    code_before = source_fingerprint()
    try:
        reference_ws = new_workspace(root / "reference", pipeline)
        code, duration, stderr = run_to_end(reference_ws)
        if code != 0:
            sys.exit(f"the reference run failed ({code}):\n{stderr}")
        reference = export_files(reference_ws / "run")
        counts = manifest_counts(reference_ws / "run")
        from curate.runs.layout import RunLayout

        planned = [f.name for f in RunLayout(reference_ws / "run").finished_stages()]
        print(f"reference run: {duration:.1f} s, stages {', '.join(planned)}", flush=True)

        rng = random.Random(args.seed)
        trials = []
        for number in range(args.trials):
            trial = run_trial(
                number, root, pipeline, reference, counts, planned, duration, rng, args.max_kills
            )
            trials.append(trial)
            where = ", ".join(f"{phase} @{delay:.1f}s" for delay, phase in trial.kills) or "-"
            verdict = (
                "survived"
                if trial.survived
                else "FAILED: " + "; ".join(trial.problems + trial.index_misses)
            )
            print(f"trial {number}: kills [{where}] -> {verdict}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)

    faults = sum(len(t.kills) for t in trials)
    survived = sum(len(t.kills) for t in trials if t.survived)
    phases = Counter(phase for t in trials for _, phase in t.kills)
    late = sum(t.finished_first for t in trials)
    identical = sum(t.survived for t in trials)
    print()
    print(f"faults tried:    {faults} SIGKILLs in {len(trials)} trials ({late} drawn too late)")
    print(
        f"faults survived: {survived} of {faults} ({identical} of {len(trials)} trials identical)"
    )
    lost, extra = sum(t.rows_lost for t in trials), sum(t.rows_extra for t in trials)
    print(f"rows lost:       {lost} (extra rows: {extra})")
    print("kills by phase:  " + ", ".join(f"{p} {n}" for p, n in sorted(phases.items())))
    if source_fingerprint() != code_before:
        sys.exit("curate's source changed while the benchmark ran: the result is void")
    sys.exit(0 if all(t.survived for t in trials) else 1)


if __name__ == "__main__":
    main()
