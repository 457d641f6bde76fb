"""Run a pipeline over a workspace: ingest, stages, export, manifest; resumable at any point."""

from __future__ import annotations

import hashlib
import platform
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Protocol

import orjson
import polars as pl

from curate import __version__
from curate.errors import InputError
from curate.export import export_run
from curate.ingest import InputSource, file_sha256, ingest
from curate.io.atomic import atomic_dir, remove_stale_temps, write_json
from curate.io.containers import size_of
from curate.manifest import (
    ExportEntry,
    InputEntry,
    Manifest,
    PipelineEntry,
    SplitEntry,
    StageEntry,
    Totals,
)
from curate.pipeline import Pipeline, load_pipeline
from curate.report import render_report
from curate.run_store import (
    finished_entry,
    remove_stale_stages,
    reuse_from_other_runs,
    save_stage,
    stage_dir,
)
from curate.stages import RunContext, StageConfig
from curate.stages.split import SPLITS, SplitConfig


class AccountingError(RuntimeError):
    """A stage lost or duplicated rows: a bug, never a user mistake."""


class Reporter(Protocol):
    """Receives progress; the CLI draws bars with it, the TUI posts messages."""

    def stage_started(self, index: int, name: str, total: int) -> None: ...
    def advance(self, amount: int) -> None: ...
    def stage_finished(self, entry: StageEntry) -> None: ...
    def note(self, message: str) -> None: ...


class SilentReporter:
    """A reporter that reports nothing, for library use."""

    def stage_started(self, index: int, name: str, total: int) -> None: ...
    def advance(self, amount: int) -> None: ...
    def stage_finished(self, entry: StageEntry) -> None: ...
    def note(self, message: str) -> None: ...


@dataclass
class RunOutcome:
    """Where the run is and what its manifest says."""

    run_dir: Path
    manifest: Manifest
    already_complete: bool = False


def fingerprint(*parts: object) -> str:
    """A short, stable digest of JSON-able parts."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def planned_stages(pipeline: Pipeline) -> list[StageConfig]:
    """The pipeline's stages, with a default split appended when it names none."""
    stages: list[StageConfig] = list(pipeline.stages)
    if not any(isinstance(s, SplitConfig) for s in stages):
        stages.append(SplitConfig())
    return stages


def resolve_sources(
    pipeline: Pipeline, pipeline_path: Path, override: list[str] | None
) -> list[InputSource]:
    """Input files as given on the command line, or else in the pipeline file."""
    if override:
        specs = [(Path(p), p, None) for p in override]
    else:
        base = pipeline_path.parent
        specs = [(base / i.path, i.path, i.format) for i in pipeline.inputs]
    sources = []
    for path, label, fmt in specs:
        if not path.exists():
            raise InputError("input not found", file=label, hint=f"looked for {path.resolve()}")
        sources.append(InputSource(path, label, fmt, file_sha256(path)))
    return sources


def run_pipeline(
    pipeline_path: Path,
    *,
    inputs: list[str] | None = None,
    out: Path | None = None,
    strict: bool | None = None,
    reporter: Reporter | None = None,
) -> RunOutcome:
    """Run (or resume) the pipeline; returns once the manifest is written."""
    reporter = reporter or SilentReporter()
    pipeline = load_pipeline(pipeline_path)
    strict = pipeline.strict if strict is None else strict
    sources = resolve_sources(pipeline, pipeline_path, inputs)
    stages = planned_stages(pipeline)
    workspace = (pipeline_path.parent / pipeline.workspace).resolve()
    runs_root = workspace / "runs"

    prints = [
        fingerprint("ingest", __version__, strict, [(s.label, s.sha256, s.format) for s in sources])
    ]
    for config in stages:
        prints.append(fingerprint(prints[-1], __version__, config.model_dump(mode="json")))
    export_print = fingerprint(prints[-1], pipeline.export.model_dump(mode="json"))
    run_id = f"{_slug(pipeline.name)}-{export_print[:10]}"
    run_dir = out or runs_root / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(run_dir)
    remove_stale_temps(run_dir / "stages")

    complete = _complete_manifest(run_dir, export_print)
    if complete is not None:
        reporter.note(f"run {run_dir} is already complete; nothing to do")
        return RunOutcome(run_dir, complete, already_complete=True)

    names = ["ingest"] + [c.stage for c in stages]  # type: ignore[attr-defined]
    folders = [stage_dir(run_dir, i, name) for i, name in enumerate(names)]
    remove_stale_stages(run_dir, [f.name for f in folders])
    ctx = RunContext(run_dir=run_dir, workspace=workspace, log=reporter.note)

    entries: list[StageEntry] = []
    kept: pl.DataFrame | None = None
    for index, (name, folder, print_) in enumerate(zip(names, folders, prints, strict=True)):
        entry = finished_entry(folder, print_) or reuse_from_other_runs(runs_root, folder, print_)
        if entry is not None:
            entries.append(entry.model_copy(update={"cached": True}))
            reporter.stage_finished(entries[-1])
            kept = None  # the next stage that runs loads this one's output
            continue
        if kept is None and index > 0:
            kept = pl.read_parquet(folders[index - 1] / "kept.parquet")
        started = time.perf_counter()
        if index == 0:
            total = sum(size_of(s.path) for s in sources)
            reporter.stage_started(index, name, total)
            kept, rejected, summaries = ingest(sources, strict=strict, progress=reporter.advance)
            rejected = rejected.with_columns(stage=pl.lit("ingest"))
            _check_ingest_accounting(kept, rejected)
            metrics = {"inputs": orjson.dumps([vars(s) for s in summaries]).decode()}
            input_rows = kept.height + rejected.height
        else:
            assert kept is not None
            reporter.stage_started(index, name, kept.height)
            result = stages[index - 1].build().run(kept, ctx)
            rejected = result.rejected.with_columns(stage=pl.lit(name))
            check_accounting(name, kept, result.kept, rejected)
            reporter.advance(kept.height)
            input_rows, kept, metrics = kept.height, result.kept, result.metrics
        entry = StageEntry(
            index=index,
            name=name,
            fingerprint=print_,
            input=input_rows,
            kept=kept.height,
            rejected=rejected.height,
            seconds=round(time.perf_counter() - started, 3),
            cached=False,
            reasons=_reason_counts(rejected),
            metrics=metrics,
        )
        save_stage(folder, kept, rejected, entry)
        entries.append(entry)
        reporter.stage_finished(entry)

    if kept is None:
        kept = pl.read_parquet(folders[-1] / "kept.parquet")
    rejected_all = pl.concat(
        [pl.read_parquet(f / "rejected.parquet") for f in folders], how="diagonal_relaxed"
    )
    manifest = _export(
        pipeline,
        pipeline_path,
        run_dir,
        run_id,
        export_print,
        stages,
        entries,
        kept,
        rejected_all,
        reporter,
    )
    return RunOutcome(run_dir, manifest)


def check_accounting(
    name: str, batch: pl.DataFrame, kept: pl.DataFrame, rejected: pl.DataFrame
) -> None:
    """ids(input) = ids(kept) + ids(rejected), disjoint, keyed by the input row number."""
    out = pl.concat([kept["row"], rejected["row"]])
    if out.len() != batch.height or out.n_unique() != out.len():
        raise AccountingError(
            f"stage {name}: {batch.height} rows in, {kept.height} kept + {rejected.height} "
            f"rejected out ({out.len() - out.n_unique()} repeated)"
        )
    if not out.sort().equals(batch["row"].sort()):
        raise AccountingError(f"stage {name}: kept + rejected rows differ from its input rows")


def _check_ingest_accounting(kept: pl.DataFrame, rejected: pl.DataFrame) -> None:
    total = kept.height + rejected.height
    rows = pl.concat([kept["row"], rejected["row"]]).sort()
    if not rows.equals(pl.Series("row", range(total), dtype=pl.Int64)):
        raise AccountingError("ingest: row numbers are not 0..n-1 exactly once")


def _export(
    pipeline: Pipeline,
    pipeline_path: Path,
    run_dir: Path,
    run_id: str,
    export_print: str,
    stages: list[StageConfig],
    entries: list[StageEntry],
    kept: pl.DataFrame,
    rejected: pl.DataFrame,
    reporter: Reporter,
) -> Manifest:
    split_config = next(s for s in reversed(stages) if isinstance(s, SplitConfig))
    cfg = pipeline.export
    reporter.stage_started(len(entries), "export", kept.height)
    started = time.perf_counter()
    with atomic_dir(run_dir / "export") as tmp:
        result = export_run(
            kept,
            rejected,
            tmp,
            fmt=cfg.format,
            include_id=cfg.include_id,
            include_meta=cfg.include_meta,
            hf_dataset=cfg.hf_dataset,
            group=split_config.group,
        )
        all_rejected = pl.concat([rejected, result.unrepresentable], how="diagonal_relaxed")
        ingest_entry = entries[0]
        totals = Totals(
            input_rows=ingest_entry.input,
            rejected=all_rejected.height,
            **{s: result.sizes[s] for s in SPLITS},
        )
        if sum(result.sizes.values()) + totals.rejected != totals.input_rows:
            raise AccountingError(f"export: splits + rejected do not add up to input: {totals}")
        manifest = Manifest(
            curate_version=__version__,
            run_id=run_id,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            pipeline=PipelineEntry(
                path=str(pipeline_path),
                sha256=file_sha256(pipeline_path),
                name=pipeline.name,
                config=pipeline.model_dump(mode="json"),
            ),
            inputs=[InputEntry(**s) for s in orjson.loads(ingest_entry.metrics["inputs"])],
            stages=entries,
            split=SplitEntry(
                seed=split_config.seed,
                sizes=result.sizes,
                stratify=split_config.stratify,
                distribution=_distribution(kept, split_config.stratify),
            ),
            export=ExportEntry(
                format=cfg.format,
                fingerprint=export_print,
                files=result.files,
                hf_dataset=result.hf_dataset,
            ),
            totals=totals,
            versions=_versions(),
        )
        (tmp / "report.md").write_text(render_report(manifest, all_rejected), encoding="utf-8")
    reporter.advance(kept.height)
    unrepresentable = result.unrepresentable.height if result.unrepresentable is not None else 0
    reporter.stage_finished(
        StageEntry(
            index=len(entries),
            name="export",
            fingerprint=export_print,
            input=kept.height,
            kept=kept.height - unrepresentable,
            rejected=unrepresentable,
            seconds=round(time.perf_counter() - started, 3),
            cached=False,
            reasons={"export.unrepresentable": unrepresentable} if unrepresentable else {},
        )
    )
    write_json(run_dir / "manifest.json", manifest.model_dump(mode="json"))
    return manifest


def _complete_manifest(run_dir: Path, export_print: str) -> Manifest | None:
    path = run_dir / "manifest.json"
    if not path.is_file():
        return None
    manifest = Manifest.model_validate(orjson.loads(path.read_bytes()))
    if manifest.export.fingerprint != export_print:
        return None
    if not all((run_dir / "export" / f.path).is_file() for f in manifest.export.files):
        return None
    return manifest


def _distribution(kept: pl.DataFrame, stratify: str | None) -> dict[str, dict[str, int]]:
    if not stratify:
        return {}
    value = pl.col("meta").str.json_path_match(f"$.{stratify}").fill_null("(none)")
    counts = kept.group_by("split", value.alias("value")).len().sort("split", "value")
    out: dict[str, dict[str, int]] = {s: {} for s in SPLITS}
    for split, val, n in counts.iter_rows():
        out[split][val] = n
    return out


def _reason_counts(rejected: pl.DataFrame) -> dict[str, int]:
    if rejected.height == 0:
        return {}
    return dict(sorted(rejected.group_by("reason").len().iter_rows()))


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("polars", "pyarrow", "pydantic", "orjson", "datasets"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "run"
