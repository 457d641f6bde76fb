"""semantic_dedup: paraphrases and near-duplicates by embedding similarity, each drop explained.

A pair whose numbers or names conflict is never linked, however close its embeddings
(``protect``, on by default): "wildfires in 2013? 29" and "wildfires in 2010? 17" are two
facts, not one fact said twice. The stage counts those pairs and shows a few in its metrics.
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
import orjson
import polars as pl
from pydantic import Field, model_validator

from curate.dedup.embedding import TEXT_ROLES, NearDuplicateSpec, TextRoles
from curate.dedup.protect import PROTECT_KINDS, ProtectKind, conflicting_pairs
from curate.reasons import Reason
from curate.record import conversation_expr, role_text_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

HELPER_COLUMNS = (
    "_cluster",
    "_pos",
    "_size",
    "_rank",
    "_rep",
    "_dropped",
    "_twin_id",
    "_twin_source",
)
PROTECTED_SHOWN = 5  # protected pairs listed in the metrics, for the report and a person


@register_stage(
    reasons=(
        Reason(
            "dedup.semantic",
            "A near-duplicate (embedding cosine at or above the threshold) was kept.",
            rescuable=True,
        ),
    )
)
class SemanticDedupConfig(StageConfig):
    """Embed each example, link pairs at or above ``threshold`` cosine unless their numbers or
    names conflict (``protect``), drop each example that is that close to one kept before it
    (best first, by ``keep``); a cluster is a split group."""

    stage: Literal["semantic_dedup"] = "semantic_dedup"
    model: str | None = Field(
        None,
        description=(
            "a local sentence-transformers folder or cached name; 'static' (model2vec, fast "
            "first pass) or 'minilm-onnx-int8' (int8 ONNX MiniLM); default: offline MiniLM"
        ),
    )
    text: TextRoles = "both"
    threshold: float = Field(0.92, gt=0, le=1)
    keep: str = Field(
        "longest",
        description="longest (assistant text), first (input order), or score:<column> (highest)",
        pattern=r"^(longest|first|score:[A-Za-z_][A-Za-z0-9_]*)$",
    )
    protect: list[ProtectKind] = Field(
        list(PROTECT_KINDS),
        description="never link a pair whose numbers or names (capitalised words inside a "
        "sentence) conflict, each text holding one the other lacks; [] links on cosine alone",
    )
    prefilter: Literal["static"] | None = Field(
        None,
        description="a cascade: static vectors propose the pairs at prefilter_threshold and "
        "`model` embeds only their texts and keeps those at threshold (same pairs, far fewer "
        "model embeddings); unset: `model` embeds every text",
    )
    prefilter_threshold: float = Field(
        0.85, gt=0, le=1, description="static cosine a pair needs to be rescored by `model`"
    )
    index: Literal["auto", "exact", "hnsw"] = "auto"
    exact_limit: int = Field(50_000, ge=2, description="above this many rows, search HNSW")
    batch_size: int = Field(64, ge=1)

    @model_validator(mode="after")
    def _prefilter_below_threshold(self) -> Self:
        if self.prefilter and self.prefilter_threshold > self.threshold:
            raise ValueError(
                f"prefilter_threshold {self.prefilter_threshold} is above threshold "
                f"{self.threshold}: the prefilter would drop pairs the model keeps"
            )
        return self

    def build(self) -> SemanticDedup:
        return SemanticDedup(self)

    def spec(self) -> NearDuplicateSpec:
        """The embedding and threshold settings, for the dedup library."""
        return NearDuplicateSpec(
            self.model,
            self.text,
            self.threshold,
            self.batch_size,
            prefilter=self.prefilter,
            prefilter_threshold=self.prefilter_threshold,
        )


class SemanticDedup:
    """Every drop names the example kept in its place and their cosine similarity."""

    name = "semantic_dedup"

    def __init__(self, config: SemanticDedupConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        from curate.dedup.neighbours import (
            clusters_from_pairs,
            direct_duplicates,
            near_duplicate_pairs,
        )

        cfg = self.config
        frame = batch.sort("row")
        spec = cfg.spec()
        if cfg.prefilter:
            from curate.dedup.cascade import cascade_pairs

            texts = spec.texts(frame)
            found = cascade_pairs(
                spec,
                texts,
                ctx.workspace,
                ctx.progress,
                index=cfg.index,
                exact_limit=cfg.exact_limit,
            )
            vectors, i, j, sims = found.vectors, found.i, found.j, found.sims
            embedding: dict[str, int | float | str] = {
                "embedded": found.embedded,
                "cached": found.rescored - found.embedded,
                "prefilter_pairs": found.candidates,
                "prefilter_embedded": found.prefilter_embedded,
                "rescored": found.rescored,
            }
        else:
            vectors, embedded = spec.embed(frame, ctx.workspace, ctx.progress)
            i, j, sims = near_duplicate_pairs(
                vectors, cfg.threshold, index=cfg.index, exact_limit=cfg.exact_limit
            )
            embedding = {"embedded": embedded, "cached": frame.height - embedded}
        i, j, sims = self._without_distinct(frame, i, j, sims, ctx)
        i, j, sims, protected = self._without_conflicts(frame, i, j, sims)
        labels = clusters_from_pairs(frame.height, i, j)
        frame = frame.with_columns(
            _cluster=pl.Series(labels, dtype=pl.Int64), _pos=pl.int_range(pl.len())
        )
        frame = frame.with_columns(_size=pl.len().over("_cluster"), _rank=self._rank_expr())
        representative = pl.col("_pos").sort_by("_rank", "row").first().over("_cluster")
        frame = frame.with_columns(_rep=representative)
        preference = frame.sort("_rank", "row")["_pos"].to_numpy()
        duplicate_of, cosine = direct_duplicates(preference, i, j, sims)
        # kept rows: cosine to their cluster's representative; drops: to the row they repeat
        # (a row alone in its cluster is its own representative: 1; the cascade never embedded
        # it with the model, and need not)
        clustered = frame["_size"].to_numpy() > 1
        rep = frame["_rep"].to_numpy()
        to_rep = np.ones(frame.height, dtype=np.float32)
        to_rep[clustered] = np.einsum("ij,ij->i", vectors[clustered], vectors[rep[clustered]])
        similarity = np.where(duplicate_of >= 0, cosine, to_rep).round(4)
        twin = np.where(duplicate_of >= 0, duplicate_of, frame["_pos"].to_numpy())
        rep_id = pl.col("id").sort_by("_rank", "row").first().over("_cluster")
        frame = frame.with_columns(
            similarity=pl.Series(similarity, dtype=pl.Float32),
            cluster_id=pl.when(pl.col("_size") > 1).then(rep_id),
            cluster_size=pl.col("_size").cast(pl.Int32),
            _dropped=pl.Series(duplicate_of >= 0),
            _twin_id=frame["id"].gather(twin),
            _twin_source=frame["source"].gather(twin),
        )
        # The set dedup merged: a kept example and the rows dropped as its twins (a person
        # may force-keep one). Split keeps these whole; a cluster (connected component) can
        # chain far apart texts through templated data, so it is not a split group.
        merged_into = pl.col("_twin_id").is_in(
            pl.col("_twin_id").filter(pl.col("_dropped")).implode()
        )
        frame = frame.with_columns(
            dedup_group=pl.when(pl.col("_dropped") | merged_into).then(pl.col("_twin_id"))
        )
        reason = pl.when(pl.col("_dropped")).then(pl.lit("dedup.semantic"))
        detail = pl.format(
            "{}: near-duplicate of {} (id {}), cosine {}",
            pl.col("source"),
            pl.col("_twin_source"),
            pl.col("_twin_id"),
            pl.col("similarity").round(3),
        )
        kept, rejected = partition(frame, reason, detail, pl.col("_twin_id"))
        kept, rejected = kept.drop(*HELPER_COLUMNS), rejected.drop(*HELPER_COLUMNS)
        clusters = frame.filter(pl.col("_size") > 1)["_cluster"].n_unique()
        metrics = {
            "pairs": len(i),
            **protected,
            "clusters": clusters,
            "dropped": rejected.height,
            **embedding,
            "threshold": cfg.threshold,
        }
        return StageResult(kept, rejected, metrics)

    @staticmethod
    def _without_distinct(
        frame: pl.DataFrame, i: np.ndarray, j: np.ndarray, sims: np.ndarray, ctx: RunContext
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Drop the links of examples a person marked distinct (a split cluster)."""
        if ctx.decisions is None or len(i) == 0:
            return i, j, sims
        distinct = {k for k, v in ctx.decisions.overrides().items() if v.action == "distinct"}
        if not distinct:
            return i, j, sims
        marked = frame["id"].is_in(list(distinct)).to_numpy()
        linked = ~(marked[i] | marked[j])
        return i[linked], j[linked], sims[linked]

    def _without_conflicts(
        self, frame: pl.DataFrame, i: np.ndarray, j: np.ndarray, sims: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int | str]]:
        """Drop the links of pairs whose numbers or names conflict, in the text that was
        embedded; returns the counts and a few of those pairs for the metrics."""
        kinds = list(dict.fromkeys(self.config.protect))
        if not kinds:
            return i, j, sims, {"protected_pairs": 0}
        texts = frame.select(role_text_expr(TEXT_ROLES[self.config.text])).to_series().to_list()
        found = conflicting_pairs(texts, zip(i.tolist(), j.tolist(), strict=True), kinds)
        conflicts = np.array([c is not None for c in found], dtype=bool)
        counts: dict[str, int | str] = {"protected_pairs": int(conflicts.sum())}
        for kind in kinds:
            counts[f"protected.{kind}"] = sum(1 for c in found if c is not None and c[0] == kind)
        shown = []
        sources = frame["source"]
        for at in np.flatnonzero(conflicts)[:PROTECTED_SHOWN]:
            kind, differs = found[at]  # type: ignore[misc]
            shown.append(
                f"{sources[int(i[at])]} ~ {sources[int(j[at])]} (cosine {sims[at]:.3f}): "
                f"{kind} differ, {differs}"
            )
        counts["protected_examples"] = orjson.dumps(shown).decode()
        linked = ~conflicts
        return i[linked], j[linked], sims[linked], counts

    def _rank_expr(self) -> pl.Expr:
        """Lower ranks first: the kept member of a cluster has the lowest (then the first row)."""
        keep = self.config.keep
        if keep == "first":
            return pl.col("row")
        if keep == "longest":
            answer_chars = conversation_expr().list.eval(
                pl.element()
                .filter(pl.element().struct.field("role") == "assistant")
                .struct.field("content")
                .str.len_chars()
            )
            return -answer_chars.list.sum().fill_null(0).cast(pl.Int64)
        column = keep.split(":", 1)[1]
        return -pl.col(column).cast(pl.Float64).fill_null(float("-inf"))
