"""``curate convert``: rewrite a data file in another row format."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from curate.errors import CurateError
from curate.formats.convert import ExportFormat, Format
from curate.io.atomic import atomic_path
from curate.io.ingest import InputSource, ingest
from curate.runs.export_files import render_rows


@dataclass
class ConvertResult:
    """Rows written, and a sentence for each row that could not be."""

    written: int
    skipped: list[str] = field(default_factory=list)


def convert_file(
    source: Path, target: Path, *, to: ExportFormat, source_format: Format | None = None
) -> ConvertResult:
    """Read ``source``, write ``target`` (.jsonl, .json or .parquet) in format ``to``."""
    suffix = target.suffix.lower()
    if suffix not in (".jsonl", ".json", ".parquet"):
        raise CurateError("output must end in .jsonl, .json or .parquet", file=target)
    examples, rejected, _ = ingest([InputSource(source, str(source), source_format)])
    lines, failures = render_rows(examples, to, include_id=False, include_meta=True)
    skipped = rejected["detail"].to_list()
    where = dict(zip(examples["row"].to_list(), examples["source"].to_list(), strict=True))
    skipped += [f"{where[row]}: {problem}" for row, problem in failures]
    with atomic_path(target) as tmp:
        if suffix == ".jsonl":
            tmp.write_bytes(b"".join(lines))
        elif suffix == ".json":
            rows = [orjson.loads(line) for line in lines]
            tmp.write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist([orjson.loads(line) for line in lines]), tmp)
    return ConvertResult(written=len(lines), skipped=skipped)
