"""select: cut the set to a target size, best rows first, each row left out explained.

Quality is the judge's score where a judge ran on every row, else IFD from a local model
(curate.selection.ifd); diversity is embedding cosine through semantic_dedup's cached
embeddings; balance gives each value of a meta field (or each topic cluster) an equal share.
A row left out is rejected as ``select.not_selected`` with its score, its rank and the
nearest chosen example, so a person can force-keep it like any other rejection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal, Self

import numpy as np
import polars as pl
from pydantic import Field, model_validator

from curate.dedup.embedding import NearDuplicateSpec, TextRoles
from curate.errors import CurateError
from curate.reasons import Reason
from curate.record import conversation_expr
from curate.selection import greedy_pick, group_quotas, ifd_scores, nearest_chosen, target_count
from curate.selection.clusters import topic_clusters
from curate.selection.greedy import Picked
from curate.stages.base import (
    Metric,
    RunContext,
    StageConfig,
    StageResult,
    no_rejections,
    partition,
)
from curate.stages.registry import register_stage

Strategy = Literal["quality", "diverse", "quality_diverse", "random"]
DIVERSE: frozenset[str] = frozenset({"diverse", "quality_diverse"})
RANKED: frozenset[str] = frozenset({"quality", "quality_diverse"})
DEFAULT_MAX_COSINE = 0.9
SELECT_COLUMNS: dict[str, pl.DataType] = {
    "select_quality": pl.Float64(),  # the judge score or IFD the row was ranked by
    "select_quality_source": pl.String(),  # judge | ifd
    "select_rank": pl.Int64(),  # 1 = first in the strategy's order
    "select_cosine": pl.Float32(),  # to the nearest chosen row other than itself
    "select_group": pl.String(),  # its balance group
}


@register_stage(
    reasons=(
        Reason(
            "select.not_selected",
            "Left out when the set was cut to its target size; the detail gives its quality "
            "score, its rank and the nearest chosen example.",
            rescuable=True,
        ),
    )
)
class SelectConfig(StageConfig):
    """Cut the set to a target size by quality (judge score or IFD), diversity, both
    (Deita-style) or at random. ``size`` rows or a ``share`` of them, optionally balanced over a
    meta field or topic clusters; put it before split, or run it on an exported train file."""

    stage: Literal["select"] = "select"
    size: int | None = Field(None, ge=1, description="rows to keep (all, if the set is smaller)")
    share: float | None = Field(None, gt=0, le=1, description="share of the rows to keep")
    strategy: Strategy = Field(
        "quality_diverse",
        description=(
            "quality (best score first), diverse (seeded order, none too close to a chosen "
            "row), quality_diverse (best first, none too close), random (seeded control)"
        ),
    )
    max_cosine: float | None = Field(
        None,
        gt=0,
        le=1,
        description=f"diverse strategies: skip a row above this cosine to a chosen one "
        f"(default {DEFAULT_MAX_COSINE})",
    )
    min_distance: float | None = Field(None, ge=0, lt=1, description="the same as 1 - max_cosine")
    balance: str | None = Field(
        None,
        description="a meta field whose values get equal places, or 'clusters' (topic clusters "
        "of the embeddings)",
        pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
    )
    clusters: int = Field(10, ge=2, description="topic clusters for balance: clusters")
    quality: Literal["auto", "judge", "ifd"] = Field(
        "auto",
        description="auto: the judge_score column when every row has one, else IFD",
    )
    model: str | None = Field(
        None,
        description="IFD model: a local Hugging Face folder; default the embedded SmolLM2-135M",
    )
    max_length: int = Field(512, ge=8, description="IFD: tokens per example (prompt cut first)")
    batch_size: int = Field(8, ge=1, description="IFD: examples per forward pass")
    embedding_model: str | None = Field(
        None, description="as semantic_dedup's model (the same one shares its cached embeddings)"
    )
    text: TextRoles = Field("both", description="the turns embedded for diversity")
    seed: int = 0

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.size is None) == (self.share is None):
            raise ValueError("give exactly one of size (rows) and share (0-1)")
        if self.max_cosine is not None and self.min_distance is not None:
            raise ValueError("give max_cosine or min_distance, not both")
        limited = self.max_cosine is not None or self.min_distance is not None
        if limited and self.strategy not in DIVERSE:
            raise ValueError(
                f"max_cosine/min_distance apply to strategies diverse and quality_diverse, "
                f"not {self.strategy}"
            )
        return self

    def cosine_limit(self) -> float:
        """The highest cosine a chosen row may have to another chosen row."""
        if self.min_distance is not None:
            return 1 - self.min_distance
        return self.max_cosine if self.max_cosine is not None else DEFAULT_MAX_COSINE

    def embedding_spec(self) -> NearDuplicateSpec:
        """semantic_dedup's embedding path, so the two stages share cached vectors."""
        return NearDuplicateSpec(self.embedding_model, self.text, self.cosine_limit())

    def build(self) -> Select:
        return Select(self)


class _PhasedProgress:
    """The stage's bar counts rows once; each pass over the rows gets an equal part of it."""

    def __init__(self, progress: Callable[[int], None], phases: int) -> None:
        self.progress = progress
        self.phases = max(phases, 1)
        self.seen = 0
        self.reported = 0

    def __call__(self, rows: int) -> None:
        self.seen += rows
        now = self.seen // self.phases
        if now > self.reported:
            self.progress(now - self.reported)
            self.reported = now


class Select:
    """Ranks, walks the ranking greedily, and explains every row it leaves out."""

    name = "select"

    def __init__(self, config: SelectConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        frame = batch.sort("row")
        rows = frame.height
        target = target_count(rows, size=cfg.size, share=cfg.share)
        if target >= rows:
            ctx.log(f"select: the target ({target}) is the whole set of {rows} rows: all kept")
            kept = frame.with_columns(pl.lit(None, d).alias(c) for c, d in SELECT_COLUMNS.items())
            metrics = {"input": rows, "target": target, "selected": rows, "not_selected": 0}
            return StageResult(kept, no_rejections(kept), metrics)
        wants_vectors = cfg.strategy in DIVERSE or cfg.balance == "clusters"
        progress = _PhasedProgress(ctx.progress, (cfg.strategy in RANKED) + wants_vectors)
        metrics: dict[str, Metric] = {"input": rows, "target": target, "strategy": cfg.strategy}
        quality, source = None, None
        if cfg.strategy in RANKED:
            quality, source = self._quality(frame, ctx, progress, metrics)
        vectors = None
        if wants_vectors:
            vectors, embedded = cfg.embedding_spec().embed(frame, ctx.workspace, progress)
            metrics |= {"embedded": embedded, "embeddings_cached": rows - embedded}
        groups = self._groups(frame, vectors)
        order = self._order(rows, quality, source)
        picked = greedy_pick(
            order,
            target,
            vectors=vectors,
            max_cosine=cfg.cosine_limit() if cfg.strategy in DIVERSE else None,
            groups=groups,
            quotas=group_quotas(Counter(groups), target) if groups else None,
        )
        rank = np.empty(rows, dtype=np.int64)
        rank[order] = np.arange(1, rows + 1)
        nearest, cosine = (
            nearest_chosen(vectors, picked.chosen) if vectors is not None else (None, None)
        )
        frame = frame.with_columns(_select_columns(quality, source, rank, cosine, groups))
        ids = frame["id"].to_list()
        nearest_ids = [ids[j] if j >= 0 else None for j in nearest] if nearest is not None else None
        frame = frame.with_columns(
            _detail=pl.Series(self._details(frame, picked, nearest_ids, target), dtype=pl.String),
            _nearest=pl.Series(nearest_ids, dtype=pl.String)
            if nearest_ids is not None
            else pl.lit(None, pl.String),
            _chosen=pl.Series(picked.chosen),
        )
        reason = pl.when(~pl.col("_chosen")).then(pl.lit("select.not_selected"))
        kept, rejected = partition(frame, reason, pl.col("_detail"), pl.col("_nearest"))
        helpers = ("_detail", "_nearest", "_chosen")
        kept, rejected = kept.drop(helpers), rejected.drop(helpers)
        metrics |= self._outcome(kept, rejected, picked, groups)
        return StageResult(kept, rejected, metrics)

    def _quality(
        self,
        frame: pl.DataFrame,
        ctx: RunContext,
        progress: Callable[[int], None],
        metrics: dict[str, Metric],
    ) -> tuple[np.ndarray, str]:
        """Scores where higher is better in kind: judge scores, or IFD (ordered by _order)."""
        cfg = self.config
        judged = 0
        if "judge_score" in frame.columns:
            judged = frame.height - frame["judge_score"].null_count()
        if cfg.quality == "judge" or (cfg.quality == "auto" and judged == frame.height):
            if judged == 0:
                raise CurateError(
                    "select: quality: judge, but no row has a judge_score (put a judge stage "
                    "before select, or use quality: ifd)",
                    field="quality",
                )
            progress(frame.height)
            metrics |= {"quality_source": "judge", "judged": judged}
            return frame["judge_score"].cast(pl.Float64).fill_null(np.nan).to_numpy(), "judge"
        if judged:
            ctx.log(
                f"select: judge scores cover {judged} of {frame.height} rows, so every row is "
                "ranked by IFD (quality: judge ranks the unjudged last instead)"
            )
        conversations = frame.select(conversation_expr()).to_series().to_list()
        scores = ifd_scores(
            conversations,
            ctx.workspace,
            model=cfg.model,
            batch_size=cfg.batch_size,
            max_length=cfg.max_length,
            progress=progress,
        )
        metrics |= {
            "quality_source": "ifd",
            "ifd_model": scores.model_id,
            "ifd_computed": scores.computed,
            "ifd_cached": scores.cached,
            "ifd_at_or_above_1": int(np.sum(scores.ifd >= 1)),
        }
        return scores.ifd, "ifd"

    def _order(self, rows: int, quality: np.ndarray | None, source: str | None) -> np.ndarray:
        """Row positions, first choice first; seeded, so ties and random orders repeat."""
        shuffled = np.random.default_rng(self.config.seed).permutation(rows)
        if quality is None:
            return shuffled
        tiebreak = np.empty(rows, dtype=np.int64)
        tiebreak[shuffled] = np.arange(rows)
        missing = np.isnan(quality)
        if source == "ifd":
            # below 1, harder first; at or above 1 the prompt does not help: nearest 1 first
            useless = ~missing & (quality >= 1)
            bucket = np.where(missing, 2, np.where(useless, 1, 0))
            key = np.where(useless, quality, -quality)
        else:
            bucket = np.where(missing, 2, 0)
            key = -quality
        return np.lexsort((tiebreak, np.nan_to_num(key), bucket))

    def _groups(self, frame: pl.DataFrame, vectors: np.ndarray | None) -> list[str] | None:
        cfg = self.config
        if cfg.balance is None:
            return None
        if cfg.balance == "clusters":
            assert vectors is not None
            return [f"clusters={g}" for g in topic_clusters(vectors, cfg.clusters, seed=cfg.seed)]
        values = frame.select(
            pl.col("meta").str.json_path_match(f"$.{cfg.balance}").fill_null("(none)")
        ).to_series()
        return [f"{cfg.balance}={v}" for v in values.to_list()]

    def _details(
        self, frame: pl.DataFrame, picked: Picked, nearest_ids: list[str | None] | None, target: int
    ) -> list[str | None]:
        """Why each row was left out, with its evidence (None for chosen rows)."""
        cfg = self.config
        head = f"not selected ({cfg.strategy} kept {target} of {frame.height})"
        limit = cfg.cosine_limit()
        details: list[str | None] = []
        columns = ("source", "select_quality", "select_quality_source", "select_rank")
        columns += ("select_cosine", "select_group")
        for position, values in enumerate(frame.select(columns).iter_rows()):
            source, score, kind, rank, cosine, group = values
            why = picked.why_not[position]
            if why is None:
                details.append(None)
                continue
            label = "IFD" if kind == "ifd" else "judge score"
            scored = f"{label} {score:.3f}, " if score is not None else f"no {label}, "
            if not kind:
                scored = ""  # random and diverse rank by no score
            evidence = f"{scored}rank {rank}"
            near = nearest_ids[position] if nearest_ids is not None else None
            if why == "too_close":
                evidence += f"; cosine {cosine:.3f} to chosen {near} is above max_cosine {limit:g}"
            elif why == "group_full":
                evidence += f"; its balance group {group} was full"
            elif near is not None:
                evidence += f"; nearest chosen {near} at cosine {cosine:.3f}"
            details.append(f"{source}: {head}: {evidence}")
        return details

    def _outcome(
        self,
        kept: pl.DataFrame,
        rejected: pl.DataFrame,
        picked: Picked,
        groups: list[str] | None,
    ) -> dict[str, Metric]:
        why = Counter(w for w in picked.why_not if w is not None)
        metrics: dict[str, Metric] = {
            "selected": kept.height,
            "not_selected": rejected.height,
            "below_cut": why["cut"],
            "skipped_too_close": why["too_close"],
            "skipped_group_full": why["group_full"],
            "admitted_over_max_cosine": int(picked.over_threshold.sum()),
        }
        if self.config.strategy in DIVERSE:
            metrics["max_cosine"] = self.config.cosine_limit()
        means = {
            "mean_quality_selected": kept["select_quality"],
            "mean_quality_input": pl.concat([kept["select_quality"], rejected["select_quality"]]),
            "mean_nearest_cosine_selected": kept["select_cosine"],
        }
        for name, values in means.items():
            mean = values.drop_nulls().mean()
            if mean is not None:
                metrics[name] = round(float(mean), 4)  # type: ignore[arg-type]
        if groups:
            metrics["groups"] = len(set(groups))
        return metrics


def _select_columns(
    quality: np.ndarray | None,
    source: str | None,
    rank: np.ndarray,
    cosine: np.ndarray | None,
    groups: list[str] | None,
) -> list[pl.Expr | pl.Series]:
    """The SELECT_COLUMNS every row carries out of the stage, kept or not (null where unused)."""
    values = {
        "select_quality": pl.Series(quality).fill_nan(None) if quality is not None else None,
        "select_quality_source": pl.lit(source) if source else None,
        "select_rank": pl.Series(rank),
        "select_cosine": pl.Series(cosine).round(4).fill_nan(None) if cosine is not None else None,
        "select_group": pl.Series(groups) if groups else None,
    }
    return [
        (pl.lit(None) if value is None else value).cast(SELECT_COLUMNS[name]).alias(name)
        for name, value in values.items()
    ]
