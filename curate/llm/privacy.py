"""Text leaves the machine only after PII redaction, unless a pipeline says otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import orjson

# stages that send example text to an LLM provider
LLM_STAGES = ("judge", "distill")


def unredacted_llm_stage(stages: Sequence[object]) -> str | None:
    """A message naming the first LLM stage with no ``pii`` stage before it (and no explicit
    ``send_unredacted: true``), or None when every LLM stage sees redacted text."""
    redacted = False
    for index, stage in enumerate(stages):
        name = getattr(stage, "stage", stage)
        if name == "pii":
            redacted = True
        elif name in LLM_STAGES and not redacted and not getattr(stage, "send_unredacted", False):
            return (
                f"stages[{index}] ({name}) would send unredacted text to an LLM provider: put a "
                f"`pii` stage before it, or set `send_unredacted: true` on the {name} stage "
                "to send the text as it is"
            )
    return None


def unredacted_run(run_dir: Path) -> str | None:
    """A message when a run's exported text did not pass a ``pii`` stage (or its manifest
    cannot say), for callers about to send that text to an LLM provider; None when it did."""
    manifest = run_dir / "manifest.json"
    try:
        stages = orjson.loads(manifest.read_bytes()).get("stages", [])
    except (OSError, orjson.JSONDecodeError, AttributeError):
        stages = None
    if stages is not None and any(stage.get("name") == "pii" for stage in stages):
        return None
    why = "has no pii stage" if stages is not None else "has no readable manifest.json"
    return (
        f"run {run_dir} {why}, so its text would reach the judge unredacted: add a `pii` "
        "stage to the pipeline, or set `send_unredacted: true` under judge:"
    )
