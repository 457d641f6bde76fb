"""consistency: near-identical prompts whose answers disagree, shown side by side.

Prompts (the user turns) are linked at or above ``threshold`` embedding cosine. In a group
the answers must agree: on the label ``fields`` named, else as JSON values when every answer
is JSON, else in meaning (answer embeddings at least ``answer_threshold`` apart in cosine).
``flag`` keeps every row and marks its group; ``drop_minority`` rejects the rows whose answer
is not the group's majority answer (``consistency.conflict``); a tied group is only flagged.
Put it before semantic_dedup, which would otherwise drop one side of the conflict unseen.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import orjson
import polars as pl
from pydantic import Field

from curate.dedup.embedding import NearDuplicateSpec
from curate.labels.consistency import ConflictGroup, conflicts, prompt_groups
from curate.labels.fields import FieldSpec, LabelField, final_answer_expr, read_labels
from curate.reasons import Reason
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

SHOWN = 5  # conflict groups listed in the metrics, side by side
ANSWER_CHARS = 120


@register_stage(
    reasons=(
        Reason(
            "consistency.conflict",
            "A near-identical prompt got another answer from the majority of its group "
            "(action drop_minority); the detail names the group and the majority answer.",
            rescuable=True,
        ),
    )
)
class ConsistencyConfig(StageConfig):
    """Find near-identical prompts whose answers disagree (another label, JSON value or
    meaning); flag each conflict group, or drop all but its majority answer."""

    stage: Literal["consistency"] = "consistency"
    threshold: float = Field(0.95, gt=0, le=1, description="prompt cosine that makes a group")
    fields: list[FieldSpec] = Field(
        default_factory=list,
        description="compare these labels (answer.<key>, meta.<key>) instead of whole answers",
    )
    answer_threshold: float = Field(
        0.8, gt=0, le=1, description="text answers at or above this cosine agree"
    )
    action: Literal["flag", "drop_minority"] = "flag"
    model: str | None = Field(None, description="embedding model, as semantic_dedup's")
    batch_size: int = Field(64, ge=1)

    def build(self) -> Consistency:
        return Consistency(self)


class Consistency:
    """Groups by prompt, compares answers, then flags or drops the outvoted rows."""

    name = "consistency"

    def __init__(self, config: ConsistencyConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        frame = batch.sort("row")
        prompts, embedded = NearDuplicateSpec(cfg.model, "user", batch_size=cfg.batch_size).embed(
            frame, ctx.workspace, ctx.progress
        )
        groups = prompt_groups(prompts, cfg.threshold)
        answers = frame.select(final_answer_expr()).to_series().to_list()
        label_keys = None
        if cfg.fields:
            columns = [read_labels(frame, LabelField.parse(f)) for f in cfg.fields]
            label_keys = [
                orjson.dumps(list(values)).decode() for values in zip(*columns, strict=True)
            ]

        def answer_vectors(members: list[int]) -> np.ndarray:
            spec = NearDuplicateSpec(cfg.model, "assistant", batch_size=cfg.batch_size)
            return spec.embed(frame[members], ctx.workspace)[0]

        found = conflicts(
            groups,
            answers,
            label_keys=label_keys,
            answer_vectors=answer_vectors,
            answer_threshold=cfg.answer_threshold,
        )
        frame = self._marked(frame, found, answers)
        reason = pl.when(pl.col("_outvoted")).then(pl.lit("consistency.conflict"))
        detail = pl.format(
            "{}: {} near-identical prompts (cosine >= {}) disagree; the majority answered {}",
            pl.col("source"),
            pl.col("conflict_size"),
            pl.lit(cfg.threshold),
            pl.col("_majority"),
        )
        kept, rejected = partition(frame, reason, detail, pl.col("_majority_id"))
        helper = ["_outvoted", "_majority", "_majority_id"]
        metrics = self._metrics(frame, found, answers, len(groups), rejected.height)
        metrics["embedded"] = embedded
        return StageResult(kept.drop(helper), rejected.drop(helper), metrics)

    def _marked(
        self, frame: pl.DataFrame, found: list[ConflictGroup], answers: list[str | None]
    ) -> pl.DataFrame:
        """``conflict_group`` (the group's first row id) and ``conflict_size`` on every row,
        plus the helper columns that decide and explain a drop."""
        ids = frame["id"].to_list()
        group: list[str | None] = [None] * frame.height
        size: list[int | None] = [None] * frame.height
        outvoted = [False] * frame.height
        majority: list[str | None] = [None] * frame.height
        majority_id: list[str | None] = [None] * frame.height
        drop = self.config.action == "drop_minority"
        for g in found:
            first_majority = min(g.majority) if g.majority else None
            for m in g.members:
                group[m], size[m] = ids[g.members[0]], len(g.members)
            for m in g.outvoted if drop else []:
                outvoted[m] = True
                majority[m] = _short(answers[first_majority]) if first_majority is not None else ""
                majority_id[m] = ids[first_majority] if first_majority is not None else None
        return frame.with_columns(
            conflict_group=pl.Series(group, dtype=pl.String),
            conflict_size=pl.Series(size, dtype=pl.Int32),
            _outvoted=pl.Series(outvoted, dtype=pl.Boolean),
            _majority=pl.Series(majority, dtype=pl.String),
            _majority_id=pl.Series(majority_id, dtype=pl.String),
        )

    def _metrics(
        self,
        frame: pl.DataFrame,
        found: list[ConflictGroup],
        answers: list[str | None],
        groups: int,
        dropped: int,
    ) -> dict[str, float | int | str]:
        sources, prompts = frame["source"].to_list(), _prompts(frame)
        shown = [
            {
                "kind": g.kind,
                "prompt_similarity": g.prompt_similarity,
                "tied": not g.majority,
                "rows": [
                    {
                        "source": sources[m],
                        "prompt": _short(prompts[m]),
                        "answer": _short(answers[m]),
                        "majority": m in g.majority,
                    }
                    for m in g.members
                ],
            }
            for g in found[:SHOWN]
        ]
        rows = sum(len(g.members) for g in found)
        tied = sum(1 for g in found if not g.majority)
        summary = f"{len(found)} conflict groups ({rows} rows) among {groups} prompt groups"
        if tied:
            summary += f", {tied} tied (flagged, not dropped)"
        return {
            "prompt_groups": groups,
            "conflict_groups": len(found),
            "conflict_rows": rows,
            "tied_groups": tied,
            "dropped": dropped,
            "threshold": self.config.threshold,
            "summary": summary,
            "conflicts_shown": orjson.dumps(shown).decode(),
        }


def _prompts(frame: pl.DataFrame) -> list[str]:
    from curate.record import role_text_expr

    return frame.select(role_text_expr(("user",))).to_series().fill_null("").to_list()


def _short(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= ANSWER_CHARS else flat[: ANSWER_CHARS - 1] + "…"
