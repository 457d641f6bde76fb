"""The run manifest: what went in, what each stage did, what came out."""

from __future__ import annotations

from pydantic import BaseModel, Field

Metric = float | int | str


class InputEntry(BaseModel):
    """One input file as ingest saw it."""

    path: str
    sha256: str
    container: str
    rows: int
    parsed: int
    rejected: int
    formats: dict[str, int]


class StageEntry(BaseModel):
    """One stage of the run; ``cached`` when a finished output was reused."""

    index: int
    name: str
    fingerprint: str
    input: int
    kept: int
    rejected: int
    seconds: float
    cached: bool
    reasons: dict[str, int] = Field(default_factory=dict)
    metrics: dict[str, Metric] = Field(default_factory=dict)


class FileEntry(BaseModel):
    """A file the export wrote."""

    path: str
    rows: int
    sha256: str


class SplitEntry(BaseModel):
    """Split sizes, and the stratify field's distribution per split."""

    seed: int
    sizes: dict[str, int]
    stratify: str | None = None
    distribution: dict[str, dict[str, int]] = Field(default_factory=dict)


class ExportEntry(BaseModel):
    """The export's format and files."""

    format: str
    fingerprint: str
    files: list[FileEntry]
    hf_dataset: str | None = None


class PipelineEntry(BaseModel):
    """The pipeline file as run."""

    path: str
    sha256: str
    name: str
    config: dict


class Totals(BaseModel):
    """Every input row ends in exactly one of these."""

    input_rows: int
    train: int
    eval: int
    test: int
    rejected: int


class Manifest(BaseModel):
    """``runs/<run-id>/manifest.json``."""

    schema_version: int = 1
    curate_version: str
    run_id: str
    created_at: str
    pipeline: PipelineEntry
    inputs: list[InputEntry]
    stages: list[StageEntry]
    split: SplitEntry
    export: ExportEntry
    totals: Totals
    versions: dict[str, str]
