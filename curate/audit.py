"""Human spot-audits: a seeded sample of a run's train split, verdicts, and the gate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.errors import CurateError
from curate.runs.layout import RunLayout
from curate.workspace import AuditVerdict, WorkspaceDB

DEFAULT_SIZE = 50
DEFAULT_THRESHOLD = 0.95


@dataclass
class AuditItem:
    """One sampled example and its latest verdict (None until reviewed)."""

    position: int
    example_id: str
    verdict: AuditVerdict | None = None
    note: str = ""
    carried_from: str | None = None  # the earlier audit this verdict was carried from


@dataclass
class AuditStatus:
    """Progress and outcome of an audit. Skips do not count toward the rate."""

    audit_id: str
    run_id: str
    run_dir: str
    pipeline: str
    threshold: float
    items: list[AuditItem] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(i.verdict == "pass" for i in self.items)

    @property
    def failed(self) -> int:
        return sum(i.verdict == "fail" for i in self.items)

    @property
    def reviewed(self) -> int:
        return self.passed + self.failed

    @property
    def complete(self) -> bool:
        return all(i.verdict in ("pass", "fail") for i in self.items)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.reviewed if self.reviewed else None

    @property
    def outcome(self) -> str:
        """``pass``, ``fail`` or ``in progress``."""
        if not self.complete:
            return "in progress"
        rate = self.pass_rate or 0.0
        return "pass" if rate >= self.threshold else "fail"

    @property
    def carried(self) -> int:
        """Verdicts carried from an earlier audit and not changed here."""
        return sum(i.carried_from is not None and i.verdict is not None for i in self.items)

    @property
    def failing(self) -> list[AuditItem]:
        return [i for i in self.items if i.verdict == "fail"]


def train_split(run_dir: Path) -> pl.DataFrame:
    """The train rows of a run, from its latest stage output that carries a split."""
    latest = RunLayout(run_dir).latest(with_column="split")
    if latest is None:
        raise CurateError("this run has no split yet; run the pipeline first", file=run_dir)
    return pl.read_parquet(latest.kept).filter(pl.col("split") == "train")


def sample_ids(frame: pl.DataFrame, size: int, seed: int, stratify: str | None = None) -> list[str]:
    """A seeded sample of ids; with ``stratify``, each value gets its share (largest remainder)."""
    ids = frame["id"].unique(maintain_order=True).to_list()
    salt = f"{seed}\0".encode()
    rank = {i: hashlib.sha256(salt + i.encode()).hexdigest() for i in ids}
    if not stratify:
        return sorted(ids, key=rank.__getitem__)[:size]
    values = frame.select(
        "id", pl.col("meta").str.json_path_match(f"$.{stratify}").fill_null("(none)").alias("v")
    ).unique("id", keep="first", maintain_order=True)
    groups: dict[str, list[str]] = {}
    for example_id, value in values.iter_rows():
        groups.setdefault(value, []).append(example_id)
    total = len(ids)
    shares = {v: size * len(members) / total for v, members in groups.items()}
    quota = {v: int(s) for v, s in shares.items()}
    spare = min(size, total) - sum(quota.values())
    for value in sorted(shares, key=lambda v: (quota[v] - shares[v], v))[:spare]:
        quota[value] += 1
    chosen = []
    for value, members in sorted(groups.items()):
        chosen += sorted(members, key=rank.__getitem__)[: quota[value]]
    return sorted(chosen, key=rank.__getitem__)


def create_audit(
    store: WorkspaceDB,
    run_dir: Path,
    *,
    pipeline: str,
    size: int = DEFAULT_SIZE,
    seed: int = 0,
    stratify: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> AuditStatus:
    """Draw (or find again) the audit of ``run_dir`` with these parameters. A new draw takes
    over the verdicts earlier audits of ``pipeline`` gave its examples, so a re-audit after
    a failed gate costs only the examples nobody has judged."""
    run_id = run_dir.name
    audit_id = hashlib.sha256(f"{run_id}\0{size}\0{seed}\0{stratify}".encode()).hexdigest()[:12]
    if not store.audits.exists(audit_id):
        ids = sample_ids(train_split(run_dir), size, seed, stratify)
        store.audits.create(
            audit_id,
            run_dir,
            pipeline=pipeline,
            seed=seed,
            stratify=stratify,
            threshold=threshold,
            example_ids=ids,
        )
        store.audits.carry_verdicts(audit_id, pipeline)
    return audit_status(store, audit_id)


def record_verdict(
    store: WorkspaceDB, audit_id: str, example_id: str, verdict: AuditVerdict, note: str = ""
) -> None:
    """Commit a verdict now. A fail also force-drops the example; a later pass withdraws that."""
    store.audits.record_verdict(audit_id, example_id, verdict, note)


def audit_status(store: WorkspaceDB, audit_id: str) -> AuditStatus:
    """An audit's items with their latest verdicts."""
    head = store.audits.record(audit_id)
    if head is None:
        raise CurateError(f"no audit with id {audit_id}", file=store.path)
    items = [AuditItem(*row) for row in store.audits.items(audit_id)]
    return AuditStatus(audit_id, *head, items)


def latest_audit(
    store: WorkspaceDB, *, pipeline: str | None = None, run_id: str | None = None
) -> AuditStatus | None:
    """The newest audit of a pipeline (or of one run), or None."""
    found = store.audits.latest_id(pipeline=pipeline, run_id=run_id)
    return audit_status(store, found) if found is not None else None
