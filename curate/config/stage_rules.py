"""Rules over a pipeline's stage list: text leaves the machine only after PII redaction, and
a teacher never judges its own answers."""

from __future__ import annotations

from collections.abc import Sequence

from curate.stages.registry import registered_stages


def unredacted_remote_stage(stages: Sequence[object]) -> str | None:
    """A message naming the first stage that sends text to a remote model with no ``pii``
    stage before it (and no explicit ``send_unredacted: true``), or None when every such
    stage sees redacted text. Which stages send text is each stage's own declaration."""
    registry = registered_stages()
    redacted = False
    for index, stage in enumerate(stages):
        name = getattr(stage, "stage", stage)
        info = registry.get(str(name))
        if name == "pii":
            redacted = True
        elif info and info.remote and not redacted and not getattr(stage, "send_unredacted", False):
            return (
                f"stages[{index}] ({name}) would send unredacted text to an LLM provider: put a "
                f"`pii` stage before it, or set `send_unredacted: true` on the {name} stage "
                "to send the text as it is"
            )
    return None


def teacher_judges_itself(stages: Sequence[object]) -> str | None:
    """A message naming a judge that follows a distill stage with the same provider and
    model, or None. A judge before the distill stage audits the source data, so it may be
    the same model."""
    teachers: dict[tuple[str, str], int] = {}
    for index, stage in enumerate(stages):
        llm = getattr(stage, "llm", None)
        if llm is None:
            continue
        pinned = (llm.provider, llm.model)
        name = getattr(stage, "stage", "")
        if name == "distill":
            teachers.setdefault(pinned, index)
        elif name == "judge" and pinned in teachers:
            return (
                f"stages[{index}] (judge) uses {pinned[0]}:{pinned[1]}, the teacher of "
                f"stages[{teachers[pinned]}] (distill): a model must not audit its own "
                "answers; give the judge another model"
            )
    return None
