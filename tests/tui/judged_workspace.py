"""A small support-chat workspace run through pii and an LLM judge (tests/llm_servers.py).

The judge's verdict follows marker words in the answers (see ``judged_answer``), so the
doubt order is known: the malformed answer (an error), the BAD verdict with high scores,
the borderline GOOD, the shaky GOOD, then the confident ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from curate.runs.runner import RunOutcome, run_pipeline
from tests.conftest import chat, write_jsonl
from tests.llm_servers import FakeLLMServer, default_answer, running_server

KEY = "sk-ant-api03-tui-tests-0123456789"

PIPELINE = """\
name: judged-demo
workspace: .
inputs:
  - data/chats.jsonl
stages:
  - validate
  - pii
  - judge:
      llm: {{model: claude-haiku-4-5, base_url: "{url}", max_retries: 0}}
  - split: {{ratios: {{train: 1.0, eval: 0.0, test: 0.0}}}}
"""

ROWS = [
    (
        "I'm Dana Whitfield, dana.w@example.com, phone (503) 555-0178. How do I reset my password?",
        "Open the sign-in page, choose Forgot password and follow the link we email you.",
    ),
    ("Call me at (503) 555-0199 about my order of John Muir tents.", "We will call you today."),
    ("Capital of France?", "WRONG: it is Berlin."),
    ("Is gift wrapping available?", "SHAKY: yes, for a few dollars."),
    ("Can I wash a down sleeping bag?", "BORDERLINE: yes, with some care."),
    ("Which stove fuel works at altitude?", "HARSH: any fuel is fine."),
    ("How are kayaks delivered?", "MALFORMED: by freight."),
    ("My order number is ZX-4471, where is it?", "It ships tomorrow morning."),
    ("Can students get a discount?", "Students get 10% off after verifying their email."),
]


def judged_answer(text: str, criteria: list[str]) -> dict[str, Any] | str:
    """``default_answer`` plus BORDERLINE (GOOD, mean 2.67) and HARSH (BAD, all 1s)."""
    if "BORDERLINE" in text:
        scores = dict.fromkeys(criteria, 3) | {"helpfulness": 2}
        return {"verdict": "GOOD", "scores": scores, "rationale": "Plausible but vague."}
    if "HARSH" in text:
        scores = dict.fromkeys(criteria, 1)
        return {"verdict": "BAD", "scores": scores, "rationale": "Unsafe and unhelpful."}
    return default_answer(text, criteria)


@contextmanager
def judge_server() -> Iterator[FakeLLMServer]:
    """The fake Anthropic API answering with ``judged_answer``."""
    with running_server() as server:
        server.answer = judged_answer
        yield server


def write_judged_workspace(root: Path, url: str) -> Path:
    """``<root>/data/chats.jsonl`` and ``<root>/pipeline.yaml`` judged at ``url``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    rows = [chat(q, a, ticket=i) for i, (q, a) in enumerate(ROWS)]
    write_jsonl(root / "data" / "chats.jsonl", rows)
    (root / "pipeline.yaml").write_text(PIPELINE.format(url=url))
    return root


def run_judged(workspace: Path) -> RunOutcome:
    """Run the workspace's pipeline with an API key set for the judge."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTHROPIC_API_KEY", KEY)
        return run_pipeline(workspace / "pipeline.yaml")
