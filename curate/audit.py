"""Human spot-audits: a seeded sample of a run's train split, verdicts, and the gate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.decisions import DecisionStore, Verdict, now
from curate.errors import CurateError
from curate.run.layout import RunLayout

DEFAULT_SIZE = 50
DEFAULT_THRESHOLD = 0.95


@dataclass
class AuditItem:
    """One sampled example and its latest verdict (None until reviewed)."""

    position: int
    example_id: str
    verdict: Verdict | None = None
    note: str = ""


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
    store: DecisionStore,
    run_dir: Path,
    *,
    pipeline: str,
    size: int = DEFAULT_SIZE,
    seed: int = 0,
    stratify: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> AuditStatus:
    """Draw (or find again) the audit of ``run_dir`` with these parameters."""
    run_id = run_dir.name
    audit_id = hashlib.sha256(f"{run_id}\0{size}\0{seed}\0{stratify}".encode()).hexdigest()[:12]
    db = store.connection
    if db.execute("SELECT 1 FROM audits WHERE audit_id = ?", (audit_id,)).fetchone() is None:
        ids = sample_ids(train_split(run_dir), size, seed, stratify)
        with store.transaction() as tx:
            tx.execute(
                "INSERT INTO audits (audit_id, run_id, run_dir, pipeline, size, seed, stratify, "
                "threshold, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    audit_id,
                    run_id,
                    str(run_dir),
                    pipeline,
                    len(ids),
                    seed,
                    stratify,
                    threshold,
                    store.annotator,
                    now(),
                ),
            )
            tx.executemany(
                "INSERT INTO audit_items (audit_id, position, example_id) VALUES (?, ?, ?)",
                [(audit_id, pos, example_id) for pos, example_id in enumerate(ids)],
            )
    return audit_status(store, audit_id)


def record_verdict(
    store: DecisionStore, audit_id: str, example_id: str, verdict: Verdict, note: str = ""
) -> None:
    """Commit a verdict now. A fail also force-drops the example; a later pass withdraws that."""
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO audit_verdicts (audit_id, example_id, verdict, note, annotator, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (audit_id, example_id, verdict, note, store.annotator, now()),
        )
        previous = tx.execute(
            "SELECT action, reason FROM overrides WHERE example_id = ? ORDER BY seq DESC LIMIT 1",
            (example_id,),
        ).fetchone()
        ours = previous is not None and previous[1].startswith(f"audit {audit_id}")
        if verdict == "fail":
            action, reason = "drop", f"audit {audit_id} failed" + (f": {note}" if note else "")
        elif ours and previous[0] == "drop":
            action, reason = "clear", f"audit {audit_id} verdict changed to {verdict}"
        else:
            return
        tx.execute(
            "INSERT INTO overrides (example_id, action, reason, annotator, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (example_id, action, reason, store.annotator, now()),
        )


def audit_status(store: DecisionStore, audit_id: str) -> AuditStatus:
    """An audit's items with their latest verdicts."""
    db = store.connection
    head = db.execute(
        "SELECT run_id, run_dir, pipeline, threshold FROM audits WHERE audit_id = ?", (audit_id,)
    ).fetchone()
    if head is None:
        raise CurateError(f"no audit with id {audit_id}", file=store.path)
    rows = db.execute(
        "SELECT i.position, i.example_id, v.verdict, v.note FROM audit_items i "
        "LEFT JOIN audit_verdicts v ON v.seq = (SELECT MAX(seq) FROM audit_verdicts "
        "WHERE audit_id = i.audit_id AND example_id = i.example_id) "
        "WHERE i.audit_id = ? ORDER BY i.position",
        (audit_id,),
    ).fetchall()
    items = [AuditItem(pos, eid, verdict, note or "") for pos, eid, verdict, note in rows]
    return AuditStatus(audit_id, head[0], head[1], head[2], head[3], items)


def latest_audit(
    store: DecisionStore, *, pipeline: str | None = None, run_id: str | None = None
) -> AuditStatus | None:
    """The newest audit of a pipeline (or of one run), or None."""
    query, args = "SELECT audit_id FROM audits WHERE 1 = 1", []
    if pipeline is not None:
        query, args = query + " AND pipeline = ?", [*args, pipeline]
    if run_id is not None:
        query, args = query + " AND run_id = ?", [*args, run_id]
    row = store.connection.execute(
        query + " ORDER BY created_at DESC, rowid DESC LIMIT 1", args
    ).fetchone()
    return audit_status(store, row[0]) if row else None
