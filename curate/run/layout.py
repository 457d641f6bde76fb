"""Find a run's workspace and pipeline name from its folder."""

from __future__ import annotations

from pathlib import Path

import orjson

from curate.decisions import DecisionStore
from curate.errors import CurateError


def workspace_of_run(run_dir: Path) -> Path:
    """``<workspace>/runs/<id>`` gives ``<workspace>``; a run elsewhere is its own parent's."""
    run_dir = run_dir.resolve()
    if not (run_dir / "stages").is_dir():
        raise CurateError("not a run folder (it has no stages/)", file=run_dir)
    return run_dir.parent.parent if run_dir.parent.name == "runs" else run_dir.parent


def pipeline_of_run(store: DecisionStore, run_dir: Path) -> str:
    """The pipeline name a run was made by, from the runs index or its manifest."""
    for run in store.runs():
        if Path(run["run_dir"]).resolve() == run_dir.resolve():
            return run["pipeline"]
    manifest = run_dir / "manifest.json"
    if manifest.is_file():
        return str(orjson.loads(manifest.read_bytes())["pipeline"]["name"])
    raise CurateError(
        "this run is not in the workspace's runs index",
        file=run_dir,
        hint="run it again with `curate run` so the workspace records it",
    )
