"""Shared test set-up: offline hubs, and small helpers to write data and pipeline files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")

REPO = Path(__file__).resolve().parent.parent


def chat(user: str, assistant: str, system: str | None = None, **meta: Any) -> dict[str, Any]:
    """A chat-format row."""
    turns = [{"role": "system", "content": system}] if system else []
    turns += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return {"messages": turns, **meta}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """Write rows as JSONL; a str row is written verbatim (for malformed lines)."""
    with open(path, "wb") as handle:
        for row in rows:
            handle.write(row.encode() if isinstance(row, str) else orjson.dumps(row))
            handle.write(b"\n")
    return path


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO
