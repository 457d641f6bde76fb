"""decontaminate: remove training rows that overlap evaluation data.

Eval sources are files or save_to_disk folders in any container curate reads (a golden set,
a benchmark's questions, a production eval set), relative to the workspace. A row is
contaminated when its user turns (and its answers, with ``answers: true``) share a word
n-gram with an eval row: 13 words by default, as lm-evaluation-harness and Tülu 3 compare.
With ``semantic_threshold`` a row whose embedding is that close to an eval row goes too.
Each rejection names the eval file, its row and the overlapping span; the metrics give each
source's contamination rate (the share of its rows found in the training data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from curate.decontam.evals import EvalSet, read_eval_set
from curate.decontam.ngrams import NgramIndex
from curate.formats.convert import Format
from curate.reasons import Reason
from curate.record import role_text_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

SPAN_CHARS = 160  # of the overlapping span, in a rejection's detail


class EvalSource(BaseModel):
    """One evaluation file or dataset folder."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="file or save_to_disk folder; relative to the workspace")
    name: str | None = Field(None, description="how the report names it (default: the path)")
    fields: list[str] = Field(
        default_factory=list,
        description="text fields of rows that are not chat, Alpaca, ShareGPT or preference",
    )
    format: Format | None = None

    @property
    def label(self) -> str:
        return self.name or self.path


@register_stage(
    reasons=(
        Reason(
            "decontam.ngram",
            "The example shares a word n-gram with an eval row; the detail names the eval "
            "file, its row and the overlapping span.",
            rescuable=True,
        ),
        Reason(
            "decontam.semantic",
            "The example's embedding is at or above semantic_threshold cosine to an eval row; "
            "the detail names the row.",
            rescuable=True,
        ),
    )
)
class DecontaminateConfig(StageConfig):
    """Remove training rows that overlap evaluation data: word n-grams (13 by default), and
    optionally embedding cosine, against the eval files named."""

    stage: Literal["decontaminate"] = "decontaminate"
    evals: list[EvalSource] = Field(
        min_length=1, description="eval files or folders: a path, or {path, name, fields}"
    )
    ngram: int = Field(13, ge=3, le=64, description="words per n-gram")
    min_overlap: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of an eval row's n-grams a training row must hold; 0: any one "
        "shared n-gram (lm-evaluation-harness's rule)",
    )
    answers: bool = Field(False, description="compare the answers too, not only the user turns")
    semantic_threshold: float | None = Field(
        None, gt=0, le=1, description="also drop rows this close (cosine) to an eval row"
    )
    model: str | None = Field(None, description="embedding model, as semantic_dedup's")
    batch_size: int = Field(64, ge=1)

    @field_validator("evals", mode="before")
    @classmethod
    def _paths_as_sources(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"path": v} if isinstance(v, str) else v for v in value]
        return value

    def input_digests(self, workspace: Path) -> list[str]:
        from curate.io.containers import not_found
        from curate.io.ingest import file_sha256

        digests = []
        for source in self.evals:
            path = workspace / source.path
            if not path.exists():
                raise not_found(path, source.path, "eval file")
            digests.append(f"{source.path}:{file_sha256(path)}")
        return digests

    def build(self) -> Decontaminate:
        return Decontaminate(self)


class Decontaminate:
    """n-gram overlap first; the embedding match only for rows no n-gram caught."""

    name = "decontaminate"

    def __init__(self, config: DecontaminateConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        roles = ("user", "assistant") if cfg.answers else ("user",)
        frame = batch.sort("row")
        texts = frame.select(role_text_expr(roles)).to_series().fill_null("").to_list()
        sets = [self._read(source, ctx.workspace) for source in cfg.evals]
        owners = [(s, i) for s in range(len(sets)) for i in range(len(sets[s].texts))]
        eval_texts = [t for s in sets for t in s.texts]
        index = NgramIndex(eval_texts, cfg.ngram)
        named = [f" ({e.name})" if e.name else "" for e in cfg.evals]
        reasons: list[str | None] = [None] * frame.height
        details: list[str | None] = [None] * frame.height
        matched: list[int | None] = [None] * frame.height  # the eval text each row matched
        for at, text in enumerate(texts):
            overlap = index.overlap(text, cfg.min_overlap)
            if overlap is None:
                continue
            s, i = owners[overlap.eval_text]
            span = (
                overlap.span if len(overlap.span) <= SPAN_CHARS else overlap.span[:SPAN_CHARS] + "…"
            )
            reasons[at], matched[at] = "decontam.ngram", overlap.eval_text
            details[at] = (
                f"shares {overlap.ngrams} word {cfg.ngram}-gram(s) ({overlap.share:.0%} of "
                f'them) with {sets[s].sources[i]}{named[s]}: "{span}"'
            )
        embedded = 0
        if cfg.semantic_threshold is not None:
            embedded = self._semantic(
                frame, eval_texts, owners, sets, named, (reasons, details, matched), ctx
            )
        frame = frame.with_columns(
            _reason=pl.Series(reasons, dtype=pl.String), _detail=pl.Series(details, dtype=pl.String)
        )
        kept, rejected = partition(
            frame, pl.col("_reason"), pl.format("{}: {}", pl.col("source"), pl.col("_detail"))
        )
        metrics = self._metrics(sets, owners, reasons, matched, frame.height)
        metrics.update({"ngram": cfg.ngram, "eval_ngrams": len(index), "embedded": embedded})
        return StageResult(
            kept.drop("_reason", "_detail"), rejected.drop("_reason", "_detail"), metrics
        )

    @staticmethod
    def _read(source: EvalSource, workspace: Path) -> EvalSet:
        return read_eval_set(
            workspace / source.path,
            source.path,
            name=source.label,
            fields=source.fields,
            fmt=source.format,
            answers=False,
        )

    def _semantic(
        self,
        frame: pl.DataFrame,
        eval_texts: list[str],
        owners: list[tuple[int, int]],
        sets: list[EvalSet],
        named: list[str],
        marks: tuple[list[str | None], list[str | None], list[int | None]],
        ctx: RunContext,
    ) -> int:
        """Mark rows whose embedding reaches the threshold against an eval row; returns how
        many texts were newly embedded."""
        from curate.dedup.embedding import NearDuplicateSpec
        from curate.embed import EmbeddingCache, load_encoder

        cfg = self.config
        reasons, details, matched = marks
        threshold = float(cfg.semantic_threshold or 1)
        spec = NearDuplicateSpec(
            cfg.model, "both" if cfg.answers else "user", batch_size=cfg.batch_size
        )
        vectors, embedded = spec.embed(frame, ctx.workspace, ctx.progress)
        encoder = load_encoder(cfg.model, batch_size=cfg.batch_size)
        cache = EmbeddingCache(ctx.workspace / "cache" / "embeddings", encoder.model_id)
        evals, new = cache.get_or_embed(eval_texts, encoder.encode, encoder.dim)
        best_at = np.zeros(len(vectors), dtype=np.int64)
        best = np.full(len(vectors), -1.0, dtype=np.float32)
        for start in range(0, len(evals), 4096):  # bounded memory for large eval sets
            sims = vectors @ evals[start : start + 4096].T
            top = sims.argmax(1)
            value = sims[np.arange(len(vectors)), top]
            better = value > best
            best[better], best_at[better] = value[better], top[better] + start
        for at in np.flatnonzero(best >= threshold - 1e-6).tolist():
            if reasons[at] is not None:
                continue
            s, i = owners[int(best_at[at])]
            reasons[at], matched[at] = "decontam.semantic", int(best_at[at])
            details[at] = (
                f"embedding cosine {best[at]:.3f} to {sets[s].sources[i]}{named[s]}, "
                f"at or above {threshold}"
            )
        return embedded + new

    @staticmethod
    def _metrics(
        sets: list[EvalSet],
        owners: list[tuple[int, int]],
        reasons: list[str | None],
        matched: list[int | None],
        rows: int,
    ) -> dict[str, float | int | str]:
        """Per eval source: its rows, how many the training data holds, and the rate."""
        metrics: dict[str, float | int | str] = {
            "decontam.ngram": sum(r == "decontam.ngram" for r in reasons),
            "decontam.semantic": sum(r == "decontam.semantic" for r in reasons),
        }
        summary = []
        for s, found in enumerate(sets):
            hit_rows = {owners[m][1] for m in matched if m is not None and owners[m][0] == s}
            removed = sum(1 for m in matched if m is not None and owners[m][0] == s)
            rate = len(hit_rows) / len(found.texts)
            metrics[f"{found.name}.eval_rows"] = len(found.texts)
            metrics[f"{found.name}.contaminated_eval_rows"] = len(hit_rows)
            metrics[f"{found.name}.contamination"] = round(rate, 4)
            metrics[f"{found.name}.train_rows_removed"] = removed
            if found.unreadable:
                metrics[f"{found.name}.unreadable_rows"] = found.unreadable
            summary.append(
                f"{found.name}: {len(hit_rows)} of {len(found.texts)} eval rows ({rate:.1%}) "
                f"in the training data, {removed} of {rows} training rows removed"
            )
        metrics["summary"] = "contamination " + "; ".join(summary)
        return metrics
