"""Run a pipeline over a workspace: ingest, overrides, stages, export; resumable at any point."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import orjson
import polars as pl

from curate import __version__
from curate.config.pipeline import Pipeline, load_pipeline
from curate.errors import CurateError
from curate.execute import executor_for
from curate.formats.convert import Format
from curate.io.atomic import remove_stale_temps, require_writable_folder
from curate.io.containers import not_found, size_of
from curate.io.ingest import INGEST_REASONS, InputSource, file_sha256, ingest
from curate.reasons import codes
from curate.runs.finish import (
    AccountingError,
    PipelineSource,
    complete_manifest,
    export_and_record,
)
from curate.runs.layout import RunLayout
from curate.runs.manifest import Manifest, StageEntry
from curate.runs.rewrite_check import REWRITE_REASONS, recheck_duplicates
from curate.runs.stage_store import (
    error_rows,
    errors_over_share,
    finished_entry,
    remove_stale_stages,
    reuse_from_other_runs,
    save_stage,
)
from curate.stages import RunContext, StageConfig, StageResult
from curate.stages.exact_dedup import ExactDedupConfig
from curate.stages.overrides import OVERRIDE_REASONS, ApplyOverrides, rescue_kept
from curate.stages.registry import stage_info
from curate.stages.split import SplitConfig
from curate.workspace import Override, WorkspaceDB

__all__ = [
    "AccountingError",
    "Reporter",
    "RunOutcome",
    "SilentReporter",
    "UndeclaredReasonError",
    "execute",
    "run_pipeline",
]


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


class _StageProgress:
    """Passes a stage's own progress to the reporter and counts it, so the bar ends at 100%."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.done = 0

    def __call__(self, rows: int) -> None:
        self.done += rows
        self.reporter.advance(rows)


@dataclass
class RunOutcome:
    """Where the run is and what its manifest says."""

    run_dir: Path
    manifest: Manifest
    already_complete: bool = False
    # stages whose error rows exceed their max_error_share: the CLI exits non-zero
    too_many_errors: list[str] = field(default_factory=list)


class UndeclaredReasonError(AccountingError):
    """A stage rejected rows with a reason code it did not declare: a bug in the stage."""


@dataclass
class _Step:
    """One step of a run: a name, a fingerprint, how to run it on a batch, and the reason
    codes it declared (those a person's force-keep may undo among them)."""

    name: str
    fingerprint: str
    run: Callable[[pl.DataFrame, RunContext], StageResult]
    declared: frozenset[str]
    always_run: bool = False
    rescuable: frozenset[str] = frozenset()
    recheck_normalized: bool | None = None  # after a rewrite: exact_dedup's setting, again


def fingerprint(*parts: object) -> str:
    """A short, stable digest of JSON-able parts."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def planned_stages(pipeline: Pipeline) -> list[StageConfig]:
    """The pipeline's stages, with a default split appended when it names none."""
    stages: list[StageConfig] = list(pipeline.stages)
    if not any(isinstance(s, SplitConfig) for s in stages):
        stages.append(SplitConfig())
    return stages


def workspace_of(pipeline: Pipeline, pipeline_path: Path) -> Path:
    """The folder holding runs/ and workspace.db."""
    return (pipeline_path.parent / pipeline.workspace).resolve()


def resolve_sources(
    pipeline: Pipeline, pipeline_path: Path, override: list[str] | None
) -> list[InputSource]:
    """Input files as given on the command line, or else in the pipeline file."""
    if override:
        specs = [(Path(p), p, None) for p in override]
    else:
        base = pipeline_path.parent
        specs = [(base / i.path, i.path, i.format) for i in pipeline.inputs]
    return input_sources(specs)


def input_sources(specs: list[tuple[Path, str, Format | None]]) -> list[InputSource]:
    """``(path, label, format)`` as input sources with their digests; a missing path is an
    error naming it."""
    sources = []
    for path, label, fmt in specs:
        if not path.exists():
            raise not_found(path, label)  # missing, a dangling link or a link loop
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
    """Run (or resume) the pipeline file; returns once the manifest is written."""
    pipeline = load_pipeline(pipeline_path)
    return execute(
        pipeline,
        resolve_sources(pipeline, pipeline_path, inputs),
        workspace_of(pipeline, pipeline_path),
        PipelineSource(str(pipeline_path), file_sha256(pipeline_path)),
        out=out,
        strict=strict,
        reporter=reporter,
    )


def execute(
    pipeline: Pipeline,
    sources: list[InputSource],
    workspace: Path,
    origin: PipelineSource,
    *,
    out: Path | None = None,
    strict: bool | None = None,
    reporter: Reporter | None = None,
) -> RunOutcome:
    """Run (or resume) ``pipeline`` over ``sources`` in ``workspace``; ``origin`` names where
    the pipeline came from, for the manifest."""
    reporter = reporter or SilentReporter()
    strict = pipeline.strict if strict is None else strict
    stages = planned_stages(pipeline)
    require_writable_folder(workspace, "workspace")  # a file or read-only: one clear error
    with WorkspaceDB(workspace) as store:
        overrides = store.overrides()
        ingest_print = fingerprint(
            "ingest", __version__, strict, [(s.label, s.sha256, s.format) for s in sources]
        )
        steps = _plan(stages, ingest_print, overrides, store.overrides_fingerprint(), workspace)
        export_print = fingerprint(steps[-1].fingerprint, pipeline.export.model_dump(mode="json"))
        run_id = f"{_slug(pipeline.name)}-{export_print[:10]}"
        layout = RunLayout(out or workspace / "runs" / run_id)
        run_dir = layout.root
        run_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(run_dir)
        remove_stale_temps(layout.stages_dir)

        complete = complete_manifest(layout, export_print)
        if complete is not None and not any(error_rows(s) for s in complete.stages):
            reporter.note(f"run {run_dir} is already complete; nothing to do")
            return RunOutcome(run_dir, complete, already_complete=True)

        executor = executor_for(pipeline.executor)  # a missing extra: one line, before the run
        store.record_run(run_id, run_dir, pipeline.name, "running")
        ctx = RunContext(
            run_dir=run_dir,
            workspace=workspace,
            log=reporter.note,
            decisions=store,
            pipeline=pipeline.name,
            executor=executor,
        )
        try:
            entries, kept, rejected = _run_steps(
                steps, sources, strict, layout, workspace / "runs", ctx, overrides, reporter
            )
            manifest = export_and_record(
                pipeline,
                origin,
                layout,
                run_id,
                export_print,
                stages,
                entries,
                kept,
                rejected,
                reporter,
            )
        except CurateError as exc:
            store.record_run(run_id, run_dir, pipeline.name, "stopped", str(exc).splitlines()[0])
            raise
        except BaseException as exc:
            store.record_run(run_id, run_dir, pipeline.name, "failed", repr(exc)[:500])
            raise
        finally:
            executor.close()
        store.record_run(run_id, run_dir, pipeline.name, "complete")
        return RunOutcome(run_dir, manifest, too_many_errors=errors_over_share(entries))


def _plan(
    stages: list[StageConfig],
    ingest_print: str,
    overrides: dict[str, Override],
    overrides_print: str,
    workspace: Path,
) -> list[_Step]:
    """The run's steps with their chained fingerprints."""
    steps = [_Step("ingest", ingest_print, _never, codes(INGEST_REASONS))]
    apply = ApplyOverrides(overrides)
    apply_print = fingerprint(ingest_print, "overrides", overrides_print)
    steps.append(_Step("overrides", apply_print, apply.run, codes(OVERRIDE_REASONS)))
    dedup: ExactDedupConfig | None = None
    for config in stages:
        info = stage_info(config.stage)  # type: ignore[attr-defined]
        stage = config.build_in(stages)  # first: building may add to the config's fingerprint
        parts: list[object] = [steps[-1].fingerprint, __version__, config.model_dump(mode="json")]
        parts.extend(config.input_digests(workspace))  # files it reads: eval sets, ratings
        declared, rescuable, recheck = info.codes, info.rescuable, None
        if isinstance(config, ExactDedupConfig):
            dedup = config
        elif info.rewrites_text and dedup is not None:
            recheck = dedup.normalized
            parts.append(("recheck", recheck))
            declared |= codes(REWRITE_REASONS)
            rescuable |= codes(REWRITE_REASONS, rescuable_only=True)
        steps.append(
            _Step(
                info.name,
                fingerprint(*parts),
                stage.run,
                declared,
                always_run=info.always_runs,
                rescuable=rescuable,
                recheck_normalized=recheck,
            )
        )
    return steps


def _run_steps(
    steps: list[_Step],
    sources: list[InputSource],
    strict: bool,
    layout: RunLayout,
    runs_root: Path,
    ctx: RunContext,
    overrides: dict[str, Override],
    reporter: Reporter,
) -> tuple[list[StageEntry], pl.DataFrame, pl.DataFrame]:
    """Run or reuse every step; returns their records, the last kept batch, all rejections."""
    folders = [layout.stage_folder(i, step.name) for i, step in enumerate(steps)]
    remove_stale_stages(layout, folders)
    entries: list[StageEntry] = []
    kept: pl.DataFrame | None = None
    reran = False  # a step ran again: later outputs, found by fingerprint, may be stale
    for index, (step, folder) in enumerate(zip(steps, folders, strict=True)):
        entry = None
        if not step.always_run and not reran:
            entry = finished_entry(folder, step.fingerprint) or reuse_from_other_runs(
                runs_root, folder, step.fingerprint
            )
        if entry is not None:
            entries.append(entry.model_copy(update={"cached": True}))
            reporter.stage_finished(entries[-1])
            kept = None  # the next step that runs loads this one's output
            continue
        # A step with an unchanged fingerprint runs again when its output held error rows;
        # its new rows differ, so nothing after it may be reused (always-run steps are
        # re-checks whose rows are otherwise the same).
        reran = reran or not step.always_run
        if kept is None and index > 0:
            kept = pl.read_parquet(folders[index - 1].kept)
        started = time.perf_counter()
        if index == 0:
            reporter.stage_started(index, step.name, sum(size_of(s.path) for s in sources))
            kept, rejected, summaries = ingest(
                sources, strict=strict, progress=reporter.advance, require_rows=True
            )
            _check_ingest_accounting(kept, rejected)
            check_declared_reasons(step.name, rejected, step.declared)
            result = StageResult(
                kept, rejected, {"inputs": orjson.dumps([vars(s) for s in summaries]).decode()}
            )
            input_rows = kept.height + rejected.height
        else:
            assert kept is not None
            reporter.stage_started(index, step.name, kept.height)
            progress = _StageProgress(reporter)
            result = step.run(kept, dataclasses.replace(ctx, progress=progress))
            if step.recheck_normalized is not None:
                result = recheck_duplicates(
                    kept, result, step.name, normalized=step.recheck_normalized
                )
            check_accounting(step.name, kept, result.kept, result.rejected)
            check_declared_reasons(step.name, result.rejected, step.declared)
            result, rescued = rescue_kept(result, overrides, step.rescuable)
            if rescued:
                result.metrics["rescued_by_override"] = rescued
            if kept.height > progress.done:
                reporter.advance(kept.height - progress.done)
            input_rows = kept.height
        kept = result.kept
        rejected = result.rejected.with_columns(stage=pl.lit(step.name))
        entry = StageEntry(
            index=index,
            name=step.name,
            fingerprint=step.fingerprint,
            input=input_rows,
            kept=kept.height,
            rejected=rejected.height,
            seconds=round(time.perf_counter() - started, 3),
            cached=False,
            reasons=_reason_counts(rejected),
            metrics=result.metrics,
        )
        save_stage(folder, kept, rejected, entry)
        entries.append(entry)
        reporter.stage_finished(entry)
    if kept is None:
        kept = pl.read_parquet(folders[-1].kept)
    rejected_all = pl.concat([pl.read_parquet(f.rejected) for f in folders], how="diagonal_relaxed")
    return entries, kept, rejected_all


def _never(batch: pl.DataFrame, ctx: RunContext) -> StageResult:
    raise AssertionError("ingest runs through ingest(), not as a stage")


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


def check_declared_reasons(name: str, rejected: pl.DataFrame, declared: frozenset[str]) -> None:
    """Every reason code on ``rejected`` is one the step declared (so it has a meaning in the
    report and in ``curate reasons``, and a known rescue rule)."""
    if rejected.height == 0:
        return
    undeclared = sorted(set(rejected["reason"].unique().to_list()) - declared)
    if undeclared:
        raise UndeclaredReasonError(
            f"stage {name} rejected rows with undeclared reason codes: {', '.join(undeclared)}; "
            "declare them in its @register_stage(reasons=...)"
        )


def _check_ingest_accounting(kept: pl.DataFrame, rejected: pl.DataFrame) -> None:
    total = kept.height + rejected.height
    rows = pl.concat([kept["row"], rejected["row"]]).sort()
    if not rows.equals(pl.Series("row", range(total), dtype=pl.Int64)):
        raise AccountingError("ingest: row numbers are not 0..n-1 exactly once")


def _reason_counts(rejected: pl.DataFrame) -> dict[str, int]:
    if rejected.height == 0:
        return {}
    return dict(sorted(rejected.group_by("reason").len().iter_rows()))


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "run"
