"""The ticket-routing demo data: regenerates byte for byte, and the rule stages catch its noise."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter

import orjson

from curate.runs.runner import run_pipeline
from tests.conftest import REPO

TICKETS = REPO / "sample_data" / "tickets"
# Planted problems the rule-based stages catch, and the reasons they give (semantic
# near-duplicates need the embedding model; pipelines/ticket_routing.yaml covers them).
EXPECTED = {
    "exact_duplicate": {"dedup.exact"},
    "invalid_json": {"format.invalid_json"},
    "unknown_team": {"format.schema_mismatch"},
    "bad_priority": {"format.schema_mismatch"},
    "missing_key": {"format.schema_mismatch", "quality.too_short"},
    "short_answer": {"quality.too_short"},
    "empty_assistant": {"schema.empty_content"},
    "whitespace_user": {"schema.empty_content"},
    "ends_with_user": {"schema.bad_last_role"},
    "consecutive_user": {"schema.bad_role_order"},
}


def _generator():
    spec = importlib.util.spec_from_file_location("make_tickets", TICKETS / "make_tickets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_tickets"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_generator_reproduces_the_committed_files():
    gen = _generator()
    rows, golden = gen.build()
    lines = (TICKETS / "tickets_raw.jsonl").read_text().splitlines()
    assert [json.loads(x) for x in lines] == [t.row(i + 1) for i, t in enumerate(rows)]
    assert len(golden) == 40
    raw_users = {t.text for t in rows}
    assert not any(t.text in raw_users for t in golden)  # never verbatim in the raw file
    # a few leak reworded, appended last so that no other planted line moves
    copies = [t for t in rows if t.problem == "golden_copy"]
    assert len(copies) == 5 and rows[-5:] == copies
    assert (TICKETS / "tickets_raw.jsonl").stat().st_size < 1_000_000


def test_rule_stages_catch_every_planted_problem_and_keep_label_noise(tmp_path):
    pipeline = tmp_path / "tickets.yaml"
    ticket_schema = (REPO / "pipelines" / "ticket_routing.yaml").read_text()
    schema_block = ticket_schema[ticket_schema.index("  - json_format:") :]
    schema_block = schema_block[: schema_block.index("  - split:")]
    pipeline.write_text(
        f"inputs: [{TICKETS / 'tickets_raw.jsonl'}]\nworkspace: {tmp_path}\nstages:\n"
        "  - validate\n  - exact_dedup: {normalized: true}\n"
        "  - quality: {min_assistant_chars: 20, max_assistant_chars: 200}\n" + schema_block
    )
    result = run_pipeline(pipeline, out=tmp_path / "run")
    rejected = {}
    for line in (result.run_dir / "export" / "rejected.jsonl").read_bytes().splitlines():
        row = orjson.loads(line)
        rejected[row["source"]["line"]] = row["reason"]
    planted = json.loads((TICKETS / "planted.json").read_text())
    for problem, reasons in EXPECTED.items():
        got = Counter(rejected.get(line, "KEPT") for line in planted[problem])
        assert set(got) <= reasons, (problem, got)
    assert not set(planted["wrong_label"]) & set(rejected)
