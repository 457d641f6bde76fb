"""label_issues: wrong labels found by confident learning (cleanlab), each with its evidence.

A label is a key of the JSON answer (``answer.team``) or a field of the source row
(``meta.category``). A classifier over the cached embeddings of the prompt predicts each row
out of fold; cleanlab's ``find_label_issues`` names the rows whose label it doubts. Each
suspect carries its given label, the suggested one, the model's confidence and the nearest
examples that carry the suggested label. ``flag`` keeps them for review (``curate tui``,
key l), ``drop`` rejects them (``label.suspect``), ``relabel`` writes the suggested label
where the model is at least ``min_confidence`` sure. A person's keep / drop / relabel
(workspace.db) applies on every run and outranks the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Self

import orjson
import polars as pl
from pydantic import Field, model_validator

from curate.dedup.embedding import NearDuplicateSpec, TextRoles
from curate.errors import CurateError
from curate.labels.confident import FilterBy, LabelCheck, check_labels
from curate.labels.fields import FieldSpec, LabelField, read_labels, relabelled
from curate.reasons import Reason
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

# Columns added to every row: label_suspect (some label field of the row is doubted) and
# label_issues (JSON list, one entry per doubted or decided field; null when none).
SHOWN = 5  # suspects listed in the metrics, for the report and a person


@register_stage(
    reasons=(
        Reason(
            "label.suspect",
            "Confident learning doubts the label (action drop); the detail names the "
            "suggested label, the model's confidence and the nearest examples carrying it.",
            rescuable=True,
        ),
        Reason("label.dropped", "A person reviewing label suspects dropped the example."),
    ),
    rewrites_text=True,
)
class LabelIssuesConfig(StageConfig):
    """Find wrong labels with cleanlab's confident learning on out-of-fold predictions of a
    classifier over the cached prompt embeddings; flag (default), drop or relabel them."""

    stage: Literal["label_issues"] = "label_issues"
    fields: list[FieldSpec] = Field(
        min_length=1,
        description="label fields, each checked: answer.<key> (a key of the final answer's "
        "JSON object) or meta.<key> (a field of the source row)",
    )
    action: Literal["flag", "drop", "relabel"] = Field(
        "flag",
        description="flag (keep, queue for review), drop (label.suspect), or relabel to the "
        "suggested label (needs min_confidence; the rest are flagged)",
    )
    min_confidence: float | None = Field(
        None, gt=0, le=1, description="relabel only where the suggested label is this likely"
    )
    filter_by: FilterBy = Field(
        "prune_by_noise_rate",
        description="cleanlab's find_label_issues method; predicted_neq_given flags every row "
        "the out-of-fold model labels otherwise (best with a strong classifier)",
    )
    folds: int = Field(
        5, ge=2, le=20, description="cross-validation folds; smaller classes are not checked"
    )
    repeats: int = Field(3, ge=1, le=20, description="cross-validation rounds, averaged")
    seed: int = 0
    neighbours: int = Field(3, ge=0, le=20, description="nearest examples shown as evidence")
    model: str | None = Field(None, description="embedding model, as semantic_dedup's")
    text: TextRoles = Field(
        "user",
        description="turns the classifier reads; keep the answer out when it holds the label",
    )
    batch_size: int = Field(64, ge=1)

    @model_validator(mode="after")
    def _relabel_needs_confidence(self) -> Self:
        if self.action == "relabel" and self.min_confidence is None:
            raise ValueError("action relabel needs min_confidence (say 0.9)")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("fields repeat a label field")
        return self

    def build(self) -> LabelIssues:
        return LabelIssues(self)


@dataclass
class _RowOutcome:
    """What happens to one row across its label fields."""

    issues: list[dict[str, Any]]
    relabel: dict[str, str]  # field -> new label
    reason: str | None = None
    detail: str = ""
    related: str | None = None


class LabelIssues:
    """Checks each label field, then applies people's decisions, then the configured action."""

    name = "label_issues"

    def __init__(self, config: LabelIssuesConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        cfg = self.config
        frame = batch.sort("row")
        spec = NearDuplicateSpec(cfg.model, cfg.text, batch_size=cfg.batch_size)
        vectors, embedded = spec.embed(frame, ctx.workspace, ctx.progress)
        decisions = self._decisions(ctx)
        outcomes = [_RowOutcome([], {}) for _ in range(frame.height)]
        metrics: dict[str, float | int | str] = {"embedded": embedded}
        summary, shown = [], []
        for spec_text in cfg.fields:
            field = LabelField.parse(spec_text)
            labels = read_labels(frame, field)
            if frame.height and all(label is None for label in labels):
                raise _no_labels(field, frame)
            check = check_labels(
                vectors,
                labels,
                folds=cfg.folds,
                repeats=cfg.repeats,
                seed=cfg.seed,
                filter_by=cfg.filter_by,
                neighbours=cfg.neighbours,
            )
            if check.notice:
                ctx.log(f"label_issues: {field.name}: {check.notice}")
            counts = self._apply(field, frame, labels, check, decisions, outcomes)
            metrics.update({f"{field.name}.{k}": v for k, v in counts.items()})
            metrics[f"{field.name}.checked"] = check.checked
            metrics[f"{field.name}.unlabelled"] = check.unlabelled
            if check.accuracy is not None:
                metrics[f"{field.name}.accuracy"] = round(check.accuracy, 4)
            if check.notice:
                metrics[f"{field.name}.notice"] = check.notice
            summary.append(_summary(field, check, counts))
            shown += [e for o in outcomes for e in o.issues if e["field"] == field.name][:SHOWN]
        frame = self._relabel(frame, outcomes)
        frame = frame.with_columns(
            label_suspect=pl.Series([any(e["suspect"] for e in o.issues) for o in outcomes]),
            label_issues=pl.Series(
                [orjson.dumps(o.issues).decode() if o.issues else None for o in outcomes],
                dtype=pl.String,
            ),
            _reason=pl.Series([o.reason for o in outcomes], dtype=pl.String),
            _detail=pl.Series([o.detail for o in outcomes], dtype=pl.String),
            _related=pl.Series([o.related for o in outcomes], dtype=pl.String),
        )
        kept, rejected = partition(
            frame,
            pl.col("_reason"),
            pl.format("{}: {}", pl.col("source"), pl.col("_detail")),
            pl.col("_related"),
        )
        helper = ["_reason", "_detail", "_related"]
        metrics["summary"] = "; ".join(summary)
        metrics["suspects_shown"] = orjson.dumps(shown).decode()
        return StageResult(kept.drop(helper), rejected.drop(helper), metrics)

    @staticmethod
    def _decisions(ctx: RunContext) -> dict[tuple[str, str], Any]:
        if ctx.decisions is None:
            return {}
        from curate.workspace.label_decisions import LabelDecisionStore

        return LabelDecisionStore(ctx.decisions).standing()

    def _apply(
        self,
        field: LabelField,
        frame: pl.DataFrame,
        labels: list[str | None],
        check: LabelCheck,
        decisions: dict[tuple[str, str], Any],
        outcomes: list[_RowOutcome],
    ) -> dict[str, int]:
        """Record each suspect and decision of ``field`` on its row; count what was done."""
        cfg = self.config
        ids, sources = frame["id"].to_list(), frame["source"].to_list()
        counts = {"suspects": len(check.suspects), "flagged": 0, "dropped": 0, "relabelled": 0}
        counts.update({"decided_keep": 0, "decided_drop": 0, "decided_relabel": 0})
        entries: dict[int, dict[str, Any]] = {}
        for rank, suspect in enumerate(check.suspects, start=1):
            entries[suspect.position] = {
                "field": field.name,
                "suspect": True,
                "rank": rank,
                "given": suspect.given,
                "suggested": suspect.suggested,
                "confidence": suspect.confidence,
                "given_probability": suspect.given_probability,
                "neighbours": [
                    {"id": ids[p], "source": sources[p], "cosine": c} for p, c in suspect.neighbours
                ],
            }
        for position, example_id in enumerate(ids):
            decision = decisions.get((example_id, field.name))
            entry = entries.get(position)
            if decision is None and entry is None:
                continue
            if entry is None:  # decided earlier, no longer doubted: the decision still stands
                entry = {"field": field.name, "suspect": False, "given": labels[position]}
            outcome = outcomes[position]
            if decision is not None:
                entry["decision"] = decision.action
                entry["decided_by"] = decision.annotator
                counts[f"decided_{decision.action}"] += 1
                if decision.action == "drop" and outcome.reason is None:
                    outcome.reason, outcome.detail = (
                        "label.dropped",
                        (
                            f"{field.name} {labels[position]!r}: dropped by {decision.annotator} "
                            f"on {decision.created_at[:10]}"
                            + (f": {decision.note}" if decision.note else "")
                        ),
                    )
                elif decision.action == "relabel":
                    outcome.relabel[field.name] = decision.label
                    entry["relabelled_to"] = decision.label
            elif cfg.action == "drop":
                counts["dropped"] += 1
                if outcome.reason is None:
                    outcome.reason, outcome.detail = "label.suspect", _evidence(entry)
                    neighbours = entry["neighbours"]
                    outcome.related = neighbours[0]["id"] if neighbours else None
            elif cfg.action == "relabel" and entry["confidence"] >= (cfg.min_confidence or 1):
                counts["relabelled"] += 1
                outcome.relabel[field.name] = entry["suggested"]
                entry["decision"], entry["decided_by"] = "relabel", "label_issues"
                entry["relabelled_to"] = entry["suggested"]
            else:
                counts["flagged"] += 1
            outcome.issues.append(entry)
        return counts

    @staticmethod
    def _relabel(frame: pl.DataFrame, outcomes: list[_RowOutcome]) -> pl.DataFrame:
        rows = frame["row"].to_list()
        by_field: dict[str, dict[int, str]] = {}
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.reason is None:
                for name, label in outcome.relabel.items():
                    by_field.setdefault(name, {})[row] = label
        for name, new in by_field.items():
            frame = relabelled(frame, LabelField.parse(name), new)
        return frame


def _evidence(entry: dict[str, Any]) -> str:
    """The sentence a dropped or flagged suspect carries."""
    text = (
        f"{entry['field']} is {entry['given']!r} but the classifier suggests "
        f"{entry['suggested']!r} (p={entry['confidence']:.2f}; p({entry['given']})="
        f"{entry['given_probability']:.2f})"
    )
    if entry["neighbours"]:
        near = ", ".join(f"{n['source']} (cosine {n['cosine']:.2f})" for n in entry["neighbours"])
        text += f"; nearest {entry['suggested']!r} examples: {near}"
    return text


def _summary(field: LabelField, check: LabelCheck, counts: dict[str, int]) -> str:
    if check.skipped:
        return f"{field.name}: not checked ({check.notice})"
    text = (
        f"{field.name}: {counts['suspects']} suspect labels in {check.checked} rows "
        f"(out-of-fold accuracy {check.accuracy:.1%})"
    )
    done = [f"{counts[k]} {k}" for k in ("flagged", "dropped", "relabelled") if counts[k]]
    decided = sum(counts[k] for k in counts if k.startswith("decided_"))
    if decided:
        done.append(f"{decided} decided by a person")
    return text + (": " + ", ".join(done) if done else "")


def _no_labels(field: LabelField, frame: pl.DataFrame) -> CurateError:
    where = (
        "a key of the final answer's JSON object"
        if field.place == "answer"
        else ("a field of the source rows")
    )
    first = frame["source"][0]
    return CurateError(
        f"label_issues: no row has a label at {field.name} ({where}); {frame.height} rows "
        f"read, first {first}",
        field="label_issues.fields",
        hint='name a field the rows carry, e.g. answer.team for {"team": ...} answers or '
        "meta.category for a `category` column",
    )
