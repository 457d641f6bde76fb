"""A small support-chat workspace whose semantic_dedup stage finds three clusters at 0.9."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import near_duplicates
from tests.conftest import chat, write_jsonl
from tests.near_duplicates import BASE, OTHERS

PIPELINE = """\
name: dedup-demo
workspace: .
inputs:
  - data/chats.jsonl
stages:
  - validate
  - semantic_dedup: {threshold: 0.9, keep: first}
  # everything in train: the demo is about clusters, not held-out sets
  - split: {ratios: {train: 1.0, eval: 0.0, test: 0.0}}
"""

# a second rewording of the password question makes a cluster of three
REWORDED = [
    *near_duplicates.REWORDED,
    (
        "How would I reset my password?",
        "Open the sign-in page, select Forgot password and follow the link we send by email.",
    ),
]


def dedup_rows() -> list[dict[str, Any]]:
    """Six base chats, four rewordings of the first three, ten unrelated chats."""
    base = [chat(q, a, ticket=i) for i, (q, a) in enumerate(BASE)]
    twins = [chat(q, a, ticket=100 + i) for i, (q, a) in enumerate(REWORDED)]
    others = [chat(q, a, ticket=200 + i) for i, (q, a) in enumerate(OTHERS)]
    return base + twins + others


def write_dedup_workspace(root: Path) -> Path:
    """``<root>/data/chats.jsonl`` and ``<root>/pipeline.yaml``; returns ``root``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "data" / "chats.jsonl", dedup_rows())
    (root / "pipeline.yaml").write_text(PIPELINE)
    return root
