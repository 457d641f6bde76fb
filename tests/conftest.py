"""Shared test set-up: offline hubs, and small helpers to write data and pipeline files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

if TYPE_CHECKING:
    from tests.llm_servers import FakeLLMServer

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


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    """A local HTTP server speaking the Anthropic Messages (and Batches) and OpenAI APIs."""
    from tests.llm_servers import running_server

    with running_server() as srv:
        yield srv


def manifest_json(stage_names: list[str], run_id: str = "r") -> str:
    """A valid manifest whose run had these stages."""
    from curate.runs.manifest import Manifest

    stage = {"fingerprint": "f", "input": 1, "kept": 1, "rejected": 0, "seconds": 0.0}
    return Manifest.model_validate(
        {
            "curate_version": "0",
            "run_id": run_id,
            "created_at": "2026-01-01T00:00:00+00:00",
            "pipeline": {"path": "p.yaml", "sha256": "0", "name": "p", "config": {}},
            "inputs": [],
            "stages": [
                {"index": i, "name": n, "cached": False, **stage} for i, n in enumerate(stage_names)
            ],
            "split": {"seed": 0, "sizes": {}},
            "export": {"format": "chat", "fingerprint": "f", "files": []},
            "totals": {"input_rows": 1, "train": 1, "eval": 0, "test": 0, "rejected": 0},
            "versions": {},
        }
    ).model_dump_json()
