"""workspace.db's SQL lives in curate/workspace/ only, and each table in one store module."""

from __future__ import annotations

import re
from pathlib import Path

from curate.workspace.database import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = ROOT / "curate" / "workspace"
SCANNED = ("curate", "tui", "benchmarks", "sample_data")
# issuing SQL: a cursor/connection call, or a connection of one's own
SQL_CALL = re.compile(r"\.execute(many|script)?\s*\(|\bsqlite3\.connect\b|from\s+sqlite3\s+import")


def sources(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py") if p.is_file())


def test_no_module_outside_curate_workspace_issues_sql() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources(*SCANNED)
        if WORKSPACE not in path.parents
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if SQL_CALL.search(line)
    ]
    assert not offenders, "SQL outside curate/workspace/ (use a store):\n" + "\n".join(offenders)


def test_each_table_is_read_and_written_by_one_store_module() -> None:
    tables = re.findall(r"CREATE TABLE (\w+)", "".join(MIGRATIONS))
    tables = sorted({t.removesuffix("_v2") for t in tables})
    owners: dict[str, set[str]] = {}
    for path in sources("curate/workspace"):
        if path.name == "database.py":  # the migrations
            continue
        text = path.read_text()
        for table in tables:
            if re.search(rf"\b(FROM|INTO|UPDATE|JOIN)\s+{table}\b", text):
                owners.setdefault(table, set()).add(path.name)
    assert set(owners) == set(tables)
    shared = {table: names for table, names in owners.items() if len(names) > 1}
    assert not shared, f"tables with more than one store module: {shared}"
