"""The judge stage in whole runs: privacy rule, human overrides, the key kept out of every
output, and a judge skipped without a key that runs once a key is set."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest

from curate.config.pipeline import load_pipeline
from curate.config.stage_rules import unredacted_remote_stage
from curate.errors import PipelineError
from curate.runs.runner import run_pipeline
from curate.workspace import WorkspaceDB
from tests.conftest import chat, write_jsonl
from tests.llm_servers import FakeLLMServer

KEY = "sk-ant-api03-never-write-me-0123456789"

PIPELINE = """\
name: judged
inputs: [data.jsonl]
stages:
  - validate
  - judge:
      send_unredacted: true
      llm: {{model: claude-haiku-4-5, base_url: "{url}", max_retries: 0}}
  - split: {{seed: 3}}
"""


class Notes:
    """A reporter that keeps the run's notices."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def stage_started(self, index: int, name: str, total: int) -> None: ...
    def advance(self, amount: int) -> None: ...
    def stage_finished(self, entry: object) -> None: ...

    def note(self, message: str) -> None:
        self.notes.append(message)


def workspace(tmp_path: Path, server: FakeLLMServer) -> Path:
    rows = [chat(f"Question {i}?", f"A correct answer number {i}.") for i in range(6)]
    rows.append(chat("Capital of France?", "WRONG: it is Berlin."))
    write_jsonl(tmp_path / "data.jsonl", rows)
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE.format(url=server.url))
    return path


def rejected_reasons(run_dir: Path) -> dict[str, str]:
    lines = (run_dir / "export" / "rejected.jsonl").read_bytes().splitlines()
    rows = [orjson.loads(line) for line in lines]
    return {r.get("curate_id") or r.get("id"): r["reason"] for r in rows}


def test_a_judge_needs_an_earlier_pii_stage_or_an_explicit_opt_out(tmp_path):
    judge = {"stage": "judge"}
    assert unredacted_remote_stage(["validate", "pii", "judge"]) is None
    assert "stages[0] (judge)" in (unredacted_remote_stage(["judge", "pii"]) or "")
    opted_out = SimpleNamespace(stage="judge", send_unredacted=True)
    assert unredacted_remote_stage(["validate", opted_out]) is None
    assert unredacted_remote_stage([SimpleNamespace(**judge)]) is not None

    path = tmp_path / "p.yaml"
    path.write_text("inputs: [d.jsonl]\nstages:\n  - validate\n  - judge:\n      llm: {model: m}\n")
    with pytest.raises(PipelineError, match="send_unredacted: true") as caught:
        load_pipeline(path)
    assert "unredacted text" in str(caught.value) and "put a `pii` stage before it" in str(
        caught.value
    )
    path.write_text(path.read_text().replace("  - validate\n", "  - validate\n  - pii\n"))
    assert [s.stage for s in load_pipeline(path).stages] == ["validate", "pii", "judge"]


def test_a_person_keeping_an_example_wins_over_the_judge(tmp_path, server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    path = workspace(tmp_path, server)
    first = run_pipeline(path)
    reasons = rejected_reasons(first.run_dir)
    (bad_id,) = [i for i, r in reasons.items() if r == "judge.bad"]
    calls = server.count("/v1/messages")

    with WorkspaceDB(tmp_path) as store:
        store.set_override(bad_id, "keep", "the answer is right for our locale")
    second = run_pipeline(path)

    assert bad_id not in rejected_reasons(second.run_dir)
    judge = next(s for s in second.manifest.stages if s.name == "judge")
    assert judge.metrics["rescued_by_override"] == 1
    assert judge.metrics["cache_hits"] == 7
    assert server.count("/v1/messages") == calls  # the rerun asked the judge nothing
    assert second.manifest.totals.rejected == 0


def test_the_api_key_is_never_written_anywhere(tmp_path, server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    # the server answers one call with an error whose body repeats the request headers
    server.fail("/v1/messages", (400, {}, "echo"))
    path = workspace(tmp_path, server)
    notes = Notes()
    outcome = run_pipeline(path, reporter=notes)

    assert any(KEY in str(headers) for _, _, headers, _ in server.seen)  # it was sent
    assert "judge.error" in rejected_reasons(outcome.run_dir).values()
    error = next(
        orjson.loads(line)
        for line in (outcome.run_dir / "export" / "rejected.jsonl").read_bytes().splitlines()
        if b"judge.error" in line
    )
    assert "[redacted]" in error["detail"]  # the echoed key was blanked out
    assert not any(KEY in note for note in notes.notes)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in written)
    assert any(p.name.startswith("workspace.db") for p in written)
    for file in written:
        assert KEY.encode() not in file.read_bytes(), file


def test_a_judge_skipped_without_a_key_runs_once_a_key_is_set(tmp_path, server, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    path = workspace(tmp_path, server)
    notes = Notes()
    skipped = run_pipeline(path, reporter=notes)

    judge = next(s for s in skipped.manifest.stages if s.name == "judge")
    assert judge.metrics["skipped"] == "ANTHROPIC_API_KEY is not set"
    report = (skipped.run_dir / "export" / "report.md").read_text()
    assert "skipped: ANTHROPIC_API_KEY is not set" in report
    assert skipped.manifest.totals.rejected == 0
    assert any("judge: skipped" in note for note in notes.notes)
    assert server.seen == []

    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    judged = run_pipeline(path)
    assert judged.run_dir != skipped.run_dir
    assert list(rejected_reasons(judged.run_dir).values()) == ["judge.bad"]
    assert server.count("/v1/messages") == 7


PRIVATE = {
    "email": "mara.quill@example.org",
    "phone": "(415) 555-0142",
    "card": "4111 1111 1111 1111",
    "key": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
    "name": "Mara Quill",
}


@pytest.mark.parametrize("batch", [False, True])
def test_no_request_body_carries_pii_when_a_pii_stage_runs_first(
    tmp_path, server, monkeypatch, batch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    rows = [
        chat(
            f"Hi, I'm {PRIVATE['name']} ({PRIVATE['email']}, {PRIVATE['phone']}). "
            "Why was I charged twice?",
            "The second charge is a hold that your bank releases in 3-5 days.",
        ),
        chat(
            f"My card {PRIVATE['card']} was declined; my API key is {PRIVATE['key']}.",
            "Please check the card's expiry date and billing address.",
        ),
        chat("Do you ship tents to Canada?", "Yes, to every province; duties are included."),
    ]
    write_jsonl(tmp_path / "data.jsonl", rows)
    llm = f'{{model: claude-haiku-4-5, base_url: "{server.url}", max_retries: 0, batch: {batch}}}'
    (tmp_path / "pipeline.yaml").write_text(
        f"inputs: [data.jsonl]\nstages:\n  - validate\n  - pii\n  - judge:\n      llm: {llm}\n"
    )
    outcome = run_pipeline(tmp_path / "pipeline.yaml")

    bodies = [orjson.dumps(body).decode() for _, path, _, body in server.seen if body]
    judged = [b for b in bodies if "Why was I charged twice" in b]
    assert judged, "the judge was asked about the example"
    for value in PRIVATE.values():
        assert not any(value in body for body in bodies), value
    assert any("<EMAIL_ADDRESS>" in body for body in judged)
    judge = next(s for s in outcome.manifest.stages if s.name == "judge")
    assert judge.metrics.get("skipped") is None
