"""Which files of a workspace are curate pipelines, and which one the TUI runs."""

from __future__ import annotations

from pathlib import Path

from curate.config.pipeline import load_pipeline
from curate.errors import CurateError
from curate.workspace import WorkspaceDB
from curate.workspace.preferences import TUI_PIPELINE

PIPELINE_SUFFIXES = (".yaml", ".yml")


def pipeline_files(workspace: Path) -> list[Path]:
    """YAML files in the workspace and its ``pipelines/`` folder that parse as a pipeline.

    Eval and train configs sit beside pipelines there; running one fails, so they are left out.
    """
    found = []
    for folder in (workspace, workspace / "pipelines"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix in PIPELINE_SUFFIXES and path.is_file() and is_pipeline(path):
                found.append(path.resolve())
    return found


def is_pipeline(path: Path) -> bool:
    """Whether ``path`` reads and validates as a curate pipeline."""
    try:
        load_pipeline(path)
    except (CurateError, OSError, UnicodeDecodeError):
        return False
    return True


def default_pipeline(workspace: Path, store: WorkspaceDB) -> Path | None:
    """The remembered choice if its file is still there, else ``pipeline.yaml``, else the
    only pipeline the workspace has; None where the reviewer must pick."""
    remembered = store.preferences.get(TUI_PIPELINE)
    if remembered:
        path = workspace / remembered
        if path.is_file():
            return path.resolve()
    direct = workspace / "pipeline.yaml"
    if direct.is_file():
        return direct.resolve()
    candidates = pipeline_files(workspace)
    return candidates[0] if len(candidates) == 1 else None


def remember_pipeline(workspace: Path, store: WorkspaceDB, pipeline: Path) -> None:
    """Store ``pipeline`` as the workspace's choice, relative to it where it lies inside, so
    the workspace folder can move."""
    pipeline = pipeline.resolve()
    value = pipeline.relative_to(workspace) if pipeline.is_relative_to(workspace) else pipeline
    store.preferences.set(TUI_PIPELINE, str(value))
