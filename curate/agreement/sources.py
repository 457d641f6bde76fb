"""Read ratings (item id, annotator, label, optional score) from CSV/JSONL or workspace.db."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.errors import InputError
from curate.workspace import WorkspaceDB

ITEM = ("item_id", "id", "item", "example_id")
ANNOTATOR = ("annotator", "rater", "coder", "user")
LABEL = ("label", "verdict", "rating", "value")
SCORE = ("score",)
RATINGS_SCHEMA = {"item_id": pl.String, "annotator": pl.String, "label": pl.String,
                  "score": pl.Float64}  # fmt: skip


def empty_ratings() -> pl.DataFrame:
    return pl.DataFrame(schema=RATINGS_SCHEMA)


def read_ratings(path: Path) -> pl.DataFrame:
    """Long layout (item, annotator, label[, score]) or wide (item, then one column per
    annotator), detected from the header."""
    if not path.is_file():
        raise InputError("ratings file not found", file=path)
    try:
        if path.suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
        elif path.suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path, infer_schema_length=None)
        else:
            raise InputError("ratings must be a .csv or .jsonl file", file=path)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot parse: {exc}", file=path) from exc
    columns = {c.lower(): c for c in frame.columns}
    item = _pick(columns, ITEM)
    if item is None:
        raise InputError(
            f"no item id column (one of {', '.join(ITEM)}); found {', '.join(frame.columns)}",
            file=path,
        )
    annotator, label = _pick(columns, ANNOTATOR), _pick(columns, LABEL)
    if annotator and label:
        score = _pick(columns, SCORE)
        extra = set(frame.columns) - {item, annotator, label, score}
        if extra:
            raise InputError(
                f"unknown column(s) for the long layout: {', '.join(sorted(extra))}",
                file=path, field=sorted(extra)[0],
                hint="expected item_id, annotator, label and optionally score",
            )  # fmt: skip
        long = frame.select(
            pl.col(item).cast(pl.String).alias("item_id"),
            pl.col(annotator).cast(pl.String).alias("annotator"),
            pl.col(label).cast(pl.String).alias("label"),
            (pl.col(score).cast(pl.Float64) if score else pl.lit(None, pl.Float64)).alias("score"),
        )
    elif annotator or label:
        missing = "label" if annotator else "annotator"
        raise InputError(f"long layout without a {missing} column", file=path, field=missing)
    else:
        long = frame.unpivot(index=item, variable_name="annotator", value_name="label").select(
            pl.col(item).cast(pl.String).alias("item_id"),
            "annotator",
            pl.col("label").cast(pl.String),
            pl.lit(None, pl.Float64).alias("score"),
        )
    long = long.filter(pl.col("label").is_not_null() & (pl.col("label") != ""))
    check_ratings(long, path)
    return long


def _pick(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((columns[n] for n in names if n in columns), None)


def check_ratings(ratings: pl.DataFrame, where: Path | str) -> None:
    """At least two annotators, one rating per annotator and item."""
    annotators = ratings["annotator"].unique().to_list()
    if len(annotators) < 2:
        who = f" ({annotators[0]})" if annotators else ""
        raise InputError(
            f"agreement needs two annotators; found {len(annotators)}{who}",
            file=where, field="annotator",
        )  # fmt: skip
    dup = ratings.group_by("item_id", "annotator").len().filter(pl.col("len") > 1)
    if dup.height:
        row = dup.row(0, named=True)
        raise InputError(
            f"{row['annotator']} rated item {row['item_id']} {row['len']} times",
            file=where, field="item_id",
        )  # fmt: skip


def store_ratings(store: WorkspaceDB) -> pl.DataFrame:
    """Stored annotations (Label Studio, imports) plus the TUI's audit verdicts, latest per
    (item, annotator). Audit pass/fail read as GOOD/BAD so both speak the same labels."""
    rows = store.annotations.standing()
    audits = store.audits.standing_verdicts()
    seen = {(r[0], r[1]) for r in rows}
    rows += [
        (item, who, "GOOD" if verdict == "pass" else "BAD", None)
        for item, who, verdict in audits
        if (item, who) not in seen
    ]
    return pl.DataFrame(rows, schema=RATINGS_SCHEMA, orient="row")
