"""What every screen works on: the workspace, its decision store, its pipeline, cached frames."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.runs.layout import RunLayout
from curate.runs.views import load_examples
from curate.workspace import WorkspaceDB
from curate_tui.pipeline_choice import default_pipeline, remember_pipeline


def _freshness(run_dir: Path) -> tuple[int, ...]:
    """Changes when the run's stages change, so a resumed run is not served stale."""
    layout = RunLayout(run_dir)
    stages, manifest = layout.stages_dir, layout.manifest_path
    return (
        stages.stat().st_mtime_ns if stages.exists() else 0,
        manifest.stat().st_mtime_ns if manifest.exists() else 0,
    )


class ExamplesCache:
    """The last few runs' example frames; safe to call from worker threads."""

    def __init__(self, capacity: int = 2) -> None:
        self.capacity = capacity
        self._frames: OrderedDict[Path, tuple[tuple[int, ...], pl.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, run_dir: Path) -> pl.DataFrame | None:
        """The run's frame if it is loaded and still current, without loading it."""
        key, stamp = run_dir.resolve(), _freshness(run_dir)
        with self._lock:
            cached = self._frames.get(key)
            if cached is not None and cached[0] == stamp:
                self._frames.move_to_end(key)
                return cached[1]
        return None

    def examples(self, run_dir: Path) -> pl.DataFrame:
        """Every example of the run, loaded once per version of the run."""
        cached = self.cached(run_dir)
        if cached is not None:
            return cached
        key, stamp = run_dir.resolve(), _freshness(run_dir)
        frame = load_examples(run_dir)
        with self._lock:
            self._frames[key] = (stamp, frame)
            self._frames.move_to_end(key)
            while len(self._frames) > self.capacity:
                self._frames.popitem(last=False)
        return frame


@dataclass
class Session:
    """The open workspace; screens receive it instead of reaching into the app."""

    workspace: Path
    store: WorkspaceDB
    pipeline: Path | None = None
    examples: ExamplesCache = field(default_factory=ExamplesCache)

    @classmethod
    def open(cls, workspace: Path, pipeline: Path | None = None) -> Session:
        """Open ``workspace`` (creating workspace.db if needed) with ``pipeline``, else the
        one chosen there before, else its default (see ``default_pipeline``)."""
        workspace = workspace.resolve()
        store = WorkspaceDB(workspace)
        chosen = pipeline.resolve() if pipeline is not None else default_pipeline(workspace, store)
        return cls(workspace, store, chosen)

    def choose_pipeline(self, pipeline: Path) -> None:
        """Run ``pipeline`` from now on, and remember it for the next TUI over this workspace."""
        self.pipeline = pipeline.resolve()
        remember_pipeline(self.workspace, self.store, self.pipeline)
