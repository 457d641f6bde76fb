"""Text leaves the machine only after PII redaction, unless a pipeline says otherwise."""

from __future__ import annotations

from collections.abc import Sequence

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
