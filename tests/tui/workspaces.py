"""Small, deterministic workspaces for the TUI tests: data files, a pipeline, a finished run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from curate.runs.runner import RunOutcome, run_pipeline
from tests.conftest import chat, write_jsonl

PIPELINE = """\
name: demo
workspace: .
inputs:
  - {input}
stages:
  - validate
  - exact_dedup:
      normalized: true
  - quality:
      min_assistant_chars: 20
      max_assistant_chars: 8000
  - split:
      seed: 0
      ratios: {{train: 0.8, eval: 0.1, test: 0.1}}
{gate}export:
  format: chat
"""

TOPICS = ("billing", "shipping", "returns", "accounts", "security")


def demo_rows(count: int = 200) -> list[dict[str, Any]]:
    """Support chats with a few exact duplicates and a few answers too short to keep."""
    rows = []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        answer = f"For {topic} case {i}, open Settings, choose {topic.title()} and follow step {i}."
        if i % 40 == 7:
            answer = "Ok."
        user = f"Question {i} about {topic}: what should I do?"
        system = "You are a patient support agent." if i % 3 == 0 else None
        rows.append(chat(user, " ".join([answer] * (1 + i % 4)), system, category=topic))
    for i in (10, 20, 30)[: count // 10]:
        rows.append(rows[i])
    return rows


def write_pipeline(
    root: Path, input_path: str = "data/train.jsonl", *, audit_gate: bool = False
) -> Path:
    """``<root>/pipeline.yaml`` reading ``input_path``; returns the workspace folder.

    With ``audit_gate`` the run stops before export until a spot-audit has passed.
    """
    root.mkdir(parents=True, exist_ok=True)
    gate = "  - audit_gate\n" if audit_gate else ""
    (root / "pipeline.yaml").write_text(PIPELINE.format(input=input_path, gate=gate))
    return root


def write_workspace(root: Path, rows: list[dict[str, Any]]) -> Path:
    """A workspace folder with ``data/train.jsonl`` and ``pipeline.yaml``; returns the folder."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "data" / "train.jsonl", rows)
    return write_pipeline(root)


def run_workspace(root: Path) -> RunOutcome:
    """Run the workspace's pipeline to completion."""
    return run_pipeline(root / "pipeline.yaml")


def write_many_chats(path: Path, count: int) -> None:
    """``count`` short, distinct chats as JSONL, written fast with orjson."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for i in range(count):
            row = {
                "messages": [
                    {"role": "user", "content": f"Question {i}: how do I finish task {i % 977}?"},
                    {"role": "assistant", "content": f"Answer {i}: task {i % 977} step by step."},
                ]
            }
            handle.write(orjson.dumps(row) + b"\n")
