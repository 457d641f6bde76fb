"""The Python API: the same runs as ``curate run``, from a notebook, without YAML.

```python
import curate

result = curate.run(rows, stages=["validate", curate.ExactDedupConfig(normalized=True)])
result.kept        # every kept example, with its split
result.rejected    # every rejected row: stage, reason, detail, related_id
print(result.explain(result.rejected["id"][0]))
```
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from curate.config.pipeline import ExportConfig, Pipeline
from curate.errors import InputError
from curate.io.atomic import write_text
from curate.io.ingest import InputSource, file_sha256
from curate.runs.finish import AccountingError, PipelineSource
from curate.runs.layout import RunLayout
from curate.runs.manifest import Manifest
from curate.runs.runner import Reporter, execute, input_sources, run_pipeline
from curate.runs.views import load_examples
from curate.stages import StageConfig

StageLike = StageConfig | str | Mapping[str, Any]
REJECTED_COLUMNS = ("row", "id", "source", "stage", "reason", "detail", "related_id")


@dataclass
class RunResult:
    """A finished run: its folder, its manifest, and every example's fate."""

    run_dir: Path
    manifest: Manifest
    kept: pl.DataFrame  # canonical columns plus ``split``
    rejected: pl.DataFrame  # REJECTED_COLUMNS, one row per rejected input row

    @classmethod
    def read(cls, run_dir: Path) -> RunResult:
        """The result of a finished run folder; kept + rejected must equal the input."""
        manifest = RunLayout(run_dir).manifest()
        if manifest is None:
            raise InputError("this run has not finished (no manifest.json)", file=run_dir)
        frame = _with_export_rejections(load_examples(run_dir), run_dir)
        kept = frame.filter(pl.col("status") == "kept").drop(
            "status", "stage", "reason", "detail", "related_id", "prompt", "answer", "chars"
        )
        rejected = frame.filter(pl.col("status") == "rejected").select(REJECTED_COLUMNS)
        if kept.height + rejected.height != manifest.totals.input_rows:
            raise AccountingError(
                f"run {run_dir}: {kept.height} kept + {rejected.height} rejected != "
                f"{manifest.totals.input_rows} input rows"
            )
        return cls(run_dir, manifest, kept, rejected)

    @property
    def splits(self) -> dict[str, pl.DataFrame]:
        """The kept examples of each split."""
        return {s: self.kept.filter(pl.col("split") == s) for s in ("train", "eval", "test")}

    def explain(self, example_id: str) -> str:
        """Where every input row with this id went, and why (with the example it matched)."""
        lines = []
        for row in self.kept.filter(pl.col("id") == example_id).iter_rows(named=True):
            lines.append(f"{row['source']}: kept, in {row['split']}")
        for row in self.rejected.filter(pl.col("id") == example_id).iter_rows(named=True):
            line = f"{row['source']}: rejected by {row['stage']} ({row['reason']}): {row['detail']}"
            if row["related_id"]:
                line += f"; related example {row['related_id']} {self._fate(row['related_id'])}"
            lines.append(line)
        if not lines:
            raise KeyError(f"no example {example_id} in run {self.run_dir}")
        return "\n".join(lines)

    def _fate(self, example_id: str) -> str:
        split = self.kept.filter(pl.col("id") == example_id)["split"]
        return f"is kept in {split[0]}" if split.len() else "was rejected too"


def run(
    data: str | Path | Sequence[str | Path] | Sequence[Mapping[str, Any]],
    *,
    stages: Sequence[StageLike] = ("validate", "exact_dedup"),
    workspace: str | Path = "curate-workspace",
    name: str = "notebook",
    export: ExportConfig | None = None,
    strict: bool = False,
    reporter: Reporter | None = None,
) -> RunResult:
    """Run stages over data files or in-memory rows (chat, Alpaca, ShareGPT or preference
    dicts), in ``workspace``; resumable and cached exactly like ``curate run``."""
    root = Path(workspace).resolve()
    sources = _sources(data, root)
    pipeline = Pipeline.model_validate(
        {
            "name": name,
            "strict": strict,
            "inputs": [{"path": s.label} for s in sources],
            "stages": list(stages),
            "export": export or ExportConfig(),
        }
    )
    digest = hashlib.sha256(pipeline.model_dump_json().encode()).hexdigest()
    outcome = execute(
        pipeline, sources, root, PipelineSource("<python>", digest), reporter=reporter
    )
    return RunResult.read(outcome.run_dir)


def run_file(
    pipeline_path: str | Path, *, inputs: list[str] | None = None, reporter: Reporter | None = None
) -> RunResult:
    """Run (or resume) a pipeline file, as ``curate run`` does."""
    path = Path(pipeline_path)
    outcome = run_pipeline(path, inputs=inputs, reporter=reporter)
    return RunResult.read(outcome.run_dir)


def _sources(data: Any, workspace: Path) -> list[InputSource]:
    if isinstance(data, str | Path):
        data = [data]
    items = list(data)
    if not items:
        raise InputError("no data given: pass file paths or a non-empty list of rows")
    if all(isinstance(i, str | Path) for i in items):
        return input_sources([(Path(i), str(i), None) for i in items])
    if not all(isinstance(i, Mapping) for i in items):
        raise InputError("data must be file paths or a list of row dicts, not a mix")
    # rows are written once to a content-addressed JSONL file, so a rerun reuses every stage
    lines = b"".join(orjson.dumps(dict(i), option=orjson.OPT_SORT_KEYS) + b"\n" for i in items)
    digest = hashlib.sha256(lines).hexdigest()[:16]
    path = workspace / "inputs" / f"rows-{digest}.jsonl"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, lines.decode())
    return [InputSource(path, f"rows-{digest}.jsonl", None, file_sha256(path))]


def _with_export_rejections(frame: pl.DataFrame, run_dir: Path) -> pl.DataFrame:
    """Mark the kept rows that the export could not write as rejected by it."""
    path = RunLayout(run_dir).export_dir / "rejected.jsonl"
    if not path.is_file() or path.stat().st_size == 0:
        return frame
    export = pl.read_ndjson(path).filter(pl.col("stage") == "export")
    if export.height == 0:
        return frame
    marks = export.select("row", _reason="reason", _detail="detail")
    return (
        frame.join(marks, on="row", how="left", maintain_order="left")
        .with_columns(
            status=pl.when(pl.col("_reason").is_not_null())
            .then(pl.lit("rejected"))
            .otherwise(pl.col("status")),
            stage=pl.when(pl.col("_reason").is_not_null())
            .then(pl.lit("export"))
            .otherwise(pl.col("stage")),
            reason=pl.coalesce("reason", "_reason"),
            detail=pl.coalesce("detail", "_detail"),
        )
        .drop("_reason", "_detail")
    )


__all__ = ["RunResult", "run", "run_file"]
