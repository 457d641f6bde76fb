"""A model must not audit its own answers: the teacher cannot judge distilled data."""

from __future__ import annotations

from collections.abc import Sequence


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
