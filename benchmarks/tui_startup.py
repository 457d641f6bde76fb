"""How fast the TUI opens: a fresh process to a usable Home, and a 100k-row run in Browse.

    python benchmarks/tui_startup.py [--rows 100000] [--repeat 5]

Builds two throwaway workspaces (200 and ``--rows`` chats), runs their pipelines, then drives
the real app headless with Textual's Pilot at 100x30 and prints median timings. The first
figure is what a person waits for: a new interpreter importing the TUI and painting Home with
the big run's histogram, measured in a child process so no import is already warm.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from curate.runs.runner import run_pipeline
from curate.runs.views import load_examples
from curate_tui.app import CurateApp
from curate_tui.screens.browse_screen import BrowseScreen
from curate_tui.session import ExamplesCache
from curate_tui.widgets.example_table import ExampleTable

SIZE = (100, 30)
PIPELINE = """\
name: bench
workspace: .
inputs: [data/train.jsonl]
stages: [validate, exact_dedup, quality, split]
export: {format: chat}
"""


def build_workspace(root: Path, rows: int) -> Path:
    """A workspace with ``rows`` short chats, run to completion; returns the run folder."""
    (root / "data").mkdir(parents=True)
    with open(root / "data" / "train.jsonl", "wb") as handle:
        for i in range(rows):
            turns = [
                {"role": "user", "content": f"Question {i}: how do I finish task {i % 977}?"},
                {"role": "assistant", "content": f"Answer {i}: task {i % 977}, step by step."},
            ]
            handle.write(orjson.dumps({"messages": turns}) + b"\n")
    (root / "pipeline.yaml").write_text(PIPELINE)
    return run_pipeline(root / "pipeline.yaml").run_dir


# Run in a child interpreter: imports, the app, Home with its runs and histogram, then exit.
USABLE_HOME = """
import asyncio, sys, time
from pathlib import Path
from curate_tui.app import CurateApp
from curate_tui.widgets.length_histogram import LengthHistogram

async def main():
    app = CurateApp(Path(sys.argv[1]))
    async with app.run_test(size=(100, 30)) as pilot:
        while app.screen.query_one(LengthHistogram).bins is None or not app.screen.query(
            "#runs"
        ) or app.screen.query_one("#runs").row_count == 0:
            await pilot.pause()

asyncio.run(main())
"""


def process_to_usable_home(workspace: Path) -> float:
    """Seconds from starting a fresh Python to Home showing the run and its histogram."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", USABLE_HOME, str(workspace)], check=True)
    return time.perf_counter() - started


async def first_home_paint(workspace: Path) -> float:
    """Seconds from creating the app to its Home table holding the run."""
    started = time.perf_counter()
    app = CurateApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        while not app.screen.query("#runs") or app.screen.query_one("#runs").row_count == 0:
            await pilot.pause()
        elapsed = time.perf_counter() - started
        await app.workers.wait_for_complete()
    return elapsed


async def open_browse(workspace: Path, *, cold: bool) -> float:
    """Seconds from pressing ``b`` on Home to the first paint of the example table."""
    app = CurateApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # Home's histogram has loaded the run by now
        if cold:
            app.session.examples = ExamplesCache()
        started = time.perf_counter()
        await pilot.press("b")
        while True:
            screen = app.screen
            if isinstance(screen, BrowseScreen):
                table = screen.query_one(ExampleTable)
                if table.row_count and table.render_calls:
                    break
            await pilot.pause()
        return time.perf_counter() - started


def median(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("CURATE_ANNOTATOR", "bench")

    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        build_workspace(small, 200)
        began = time.perf_counter()
        big_run = build_workspace(big, args.rows)
        print(f"built a {args.rows:,}-row run in {time.perf_counter() - began:.1f} s")

        loads = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            load_examples(big_run)
            loads.append(time.perf_counter() - began)
        homes = [asyncio.run(first_home_paint(small)) for _ in range(args.repeat)]
        starts = [process_to_usable_home(big) for _ in range(args.repeat)]
        colds = [asyncio.run(open_browse(big, cold=True)) for _ in range(args.repeat)]
        warms = [asyncio.run(open_browse(big, cold=False)) for _ in range(args.repeat)]

    print(f"new process to usable Home ({args.rows:,}-row run):  {median(starts)}")
    print(f"app start to first Home paint (200-row run):      {median(homes)}")
    print(f"load_examples, {args.rows:,} rows:                  {median(loads)}")
    print(f"Browse {args.rows:,} rows, cold (load + first paint): {median(colds)}")
    print(f"Browse {args.rows:,} rows, frame cached by Home:      {median(warms)}")


if __name__ == "__main__":
    main()
