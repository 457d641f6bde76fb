"""The export step of a run: split files, rejected.jsonl, report.md, then manifest.json."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING

import orjson
import polars as pl

from curate import __version__
from curate.config.pipeline import Pipeline
from curate.io.atomic import atomic_dir, write_json
from curate.runs.export_files import export_run
from curate.runs.layout import RunLayout
from curate.runs.manifest import (
    ExportEntry,
    InputEntry,
    Manifest,
    PipelineEntry,
    SplitEntry,
    StageEntry,
    Totals,
)
from curate.runs.report import render_report
from curate.stages import StageConfig
from curate.stages.split import SPLITS, SplitConfig

if TYPE_CHECKING:
    from curate.runs.runner import Reporter


class AccountingError(RuntimeError):
    """A stage lost or duplicated rows: a bug, never a user mistake."""


@dataclass(frozen=True)
class PipelineSource:
    """Where a run's pipeline came from: a file and its sha256, or ``<python>`` and the
    digest of the configuration built in code."""

    path: str
    sha256: str


def export_and_record(
    pipeline: Pipeline,
    origin: PipelineSource,
    layout: RunLayout,
    run_id: str,
    export_print: str,
    stages: list[StageConfig],
    entries: list[StageEntry],
    kept: pl.DataFrame,
    rejected: pl.DataFrame,
    reporter: Reporter,
) -> Manifest:
    """Write ``export/`` atomically, check that every input row is accounted for, then the
    manifest (last, so that a manifest means a finished run)."""
    split_config = next(s for s in reversed(stages) if isinstance(s, SplitConfig))
    ingest_entry = entries[0]
    cfg = pipeline.export
    reporter.stage_started(len(entries), "export", kept.height)
    started = time.perf_counter()
    with atomic_dir(layout.export_dir) as tmp:
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
                path=origin.path,
                sha256=origin.sha256,
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
    write_json(layout.manifest_path, manifest.model_dump(mode="json"))
    return manifest


def complete_manifest(layout: RunLayout, export_print: str) -> Manifest | None:
    """The run's manifest if the run finished with this export fingerprint."""
    manifest = layout.manifest()
    if manifest is None or manifest.export.fingerprint != export_print:
        return None
    if not all((layout.export_dir / f.path).is_file() for f in manifest.export.files):
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


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("polars", "pyarrow", "pydantic", "orjson", "datasets"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out
