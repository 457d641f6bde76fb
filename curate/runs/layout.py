"""The one owner of a run folder's layout: stage folders, export, the typed manifest.

```
runs/<run-id>/
  manifest.json              written last: its presence means a finished run
  stages/<NN>_<name>/        kept.parquet, rejected.parquet, metrics.json
  export/                    train/eval/test.jsonl, rejected.jsonl, report.md
```

When a stage repeats (``[judge, distill, judge]`` is a valid pipeline), "the judge stage" of
a run is its **last** judge folder: that one decided the rows that were exported. The CLI,
the TUI and judge calibration all ask ``RunLayout.stage(name)`` and so agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import orjson
import polars as pl
import pydantic

from curate.errors import CurateError
from curate.runs.manifest import Manifest, StageEntry
from curate.workspace import WorkspaceDB

STAGE_FILES = ("kept.parquet", "rejected.parquet", "metrics.json")
_STAGE_FOLDER = re.compile(r"(\d+)_(.+)")


@dataclass(frozen=True)
class StageFolder:
    """One ``stages/NN_name`` folder of a run."""

    index: int
    name: str
    path: Path

    @property
    def kept(self) -> Path:
        return self.path / "kept.parquet"

    @property
    def rejected(self) -> Path:
        return self.path / "rejected.parquet"

    @property
    def metrics(self) -> Path:
        return self.path / "metrics.json"

    @property
    def finished(self) -> bool:
        """Its kept and rejected rows are there (a stage folder is swapped in whole)."""
        return self.kept.is_file() and self.rejected.is_file()

    @property
    def complete(self) -> bool:
        """All of its files are there, its record included."""
        return all((self.path / name).is_file() for name in STAGE_FILES)

    def entry(self) -> StageEntry:
        """The stage's record from its ``metrics.json``."""
        return StageEntry.model_validate(orjson.loads(self.metrics.read_bytes()))


class RunLayout:
    """Where everything of one run lives; nothing else globs stage folders or parses the
    manifest."""

    def __init__(self, run_dir: Path) -> None:
        self.root = run_dir

    @property
    def stages_dir(self) -> Path:
        return self.root / "stages"

    @property
    def export_dir(self) -> Path:
        return self.root / "export"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def stage_folder(self, index: int, name: str) -> StageFolder:
        """``stages/NN_name``, the folder of the step at ``index``."""
        return StageFolder(index, name, self.stages_dir / f"{index:02d}_{name}")

    def stage_folders(self) -> list[StageFolder]:
        """Every stage folder, in run order (finished or not)."""
        if not self.stages_dir.is_dir():
            return []
        folders = []
        for path in self.stages_dir.iterdir():
            match = _STAGE_FOLDER.fullmatch(path.name)
            if match and path.is_dir():
                folders.append(StageFolder(int(match[1]), match[2], path))
        return sorted(folders, key=lambda f: f.index)

    def finished_stages(self) -> list[StageFolder]:
        """The finished stage folders, in run order."""
        return [f for f in self.stage_folders() if f.finished]

    def stage(self, name: str) -> StageFolder | None:
        """The run's finished stage called ``name``; the last one when it repeats."""
        matches = [f for f in self.finished_stages() if f.name == name]
        return matches[-1] if matches else None

    def require_stage(self, name: str, hint: str | None = None) -> StageFolder:
        """``stage(name)``, or an error naming the run when it has none."""
        folder = self.stage(name)
        if folder is None:
            raise CurateError(
                f"this run has no finished {name} stage",
                file=self.root,
                hint=hint or f"add `- {name}` to the pipeline's stages and run it",
            )
        return folder

    def before(self, folder: StageFolder) -> StageFolder | None:
        """The finished stage folder just before ``folder`` (its input)."""
        earlier = [f for f in self.finished_stages() if f.index < folder.index]
        return earlier[-1] if earlier else None

    def latest(self, *, with_column: str | None = None) -> StageFolder | None:
        """The last finished stage (whose kept rows are the run's current examples);
        with ``with_column``, the last whose kept rows carry that column."""
        for folder in reversed(self.finished_stages()):
            if with_column is None or with_column in pl.read_parquet_schema(folder.kept):
                return folder
        return None

    def stage_entries(self) -> list[StageEntry]:
        """The records of the finished stages, in run order."""
        return [f.entry() for f in self.finished_stages() if f.metrics.is_file()]

    def manifest(self) -> Manifest | None:
        """The run's manifest, or None while the run is unfinished; an unreadable manifest
        is an error naming the file."""
        try:
            data = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CurateError(f"cannot read the manifest: {exc}", file=self.manifest_path) from None
        try:
            return Manifest.model_validate(orjson.loads(data))
        except (orjson.JSONDecodeError, pydantic.ValidationError) as exc:
            raise CurateError(
                f"the manifest is not a curate manifest: {str(exc).splitlines()[0]}",
                file=self.manifest_path,
                hint="run the pipeline again to rewrite it",
            ) from None

    def workspace(self) -> Path:
        """``<workspace>/runs/<id>`` gives ``<workspace>``; a run elsewhere is its parent's."""
        run_dir = self.root.resolve()
        if not self.stages_dir.is_dir():
            raise CurateError("not a run folder (it has no stages/)", file=run_dir)
        return run_dir.parent.parent if run_dir.parent.name == "runs" else run_dir.parent

    def unredacted_reason(self) -> str | None:
        """Why this run's exported text would leave the machine unredacted (it passed no
        ``pii`` stage, or its manifest cannot say), or None when it was redacted."""
        try:
            manifest = self.manifest()
        except CurateError:
            manifest = None
        if manifest is not None and any(s.name == "pii" for s in manifest.stages):
            return None
        why = "has no pii stage" if manifest is not None else "has no readable manifest.json"
        return (
            f"run {self.root} {why}, so its text would reach the judge unredacted: add a `pii` "
            "stage to the pipeline, or set `send_unredacted: true` under judge:"
        )


def workspace_of_run(run_dir: Path) -> Path:
    """The workspace a run folder belongs to."""
    return RunLayout(run_dir).workspace()


def pipeline_of_run(store: WorkspaceDB, run_dir: Path) -> str:
    """The pipeline name a run was made by, from the runs index or its manifest."""
    for run in store.runs():
        if Path(run["run_dir"]).resolve() == run_dir.resolve():
            return run["pipeline"]
    manifest = RunLayout(run_dir).manifest()
    if manifest is not None:
        return manifest.pipeline.name
    raise CurateError(
        "this run is not in the workspace's runs index",
        file=run_dir,
        hint="run it again with `curate run` so the workspace records it",
    )
