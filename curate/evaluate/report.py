"""The verdict table (rich, for the terminal) and the files: report, results, predictions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import orjson
from rich import box
from rich.table import Table

from curate.evaluate.decision import golden_words, rule_text
from curate.evaluate.decoding import generation_config_fields
from curate.evaluate.report_sections import (
    adversarial_lines,
    adversarial_section,
    comparison_line,
    comparison_section,
    golden_section,
    judge_section,
    per_class_section,
)
from curate.evaluate.stats import Interval
from curate.io.atomic import atomic_path, write_json, write_text

if TYPE_CHECKING:
    from curate.evaluate.run import EvalResult, VariantResult

LABELS = {"prompted": "prompted", "few_shot": "few-shot", "tuned": "tuned"}
# terminal headers; the markdown report spells them out
SHORT = {"valid JSON": "valid", "all fields": "exact", "ref loss": "loss", "s/example": "s/ex"}


@dataclass(frozen=True)
class Column:
    """One metric column: its header, the metric key (as in ``intervals``), its format."""

    header: str
    key: str
    style: Literal["pct", "f3", "f2"]

    def value(self, variant: VariantResult) -> float:
        if self.key == "loss":
            return variant.loss
        if self.key == "perplexity":
            return variant.perplexity
        if self.key == "seconds":
            return variant.seconds_per_example
        if self.key.startswith("fields."):
            return float(variant.metrics["fields"][self.key.removeprefix("fields.")])
        return float(variant.metrics[self.key])

    def interval(self, variant: VariantResult) -> Interval | None:
        if self.key == "perplexity":  # exp is monotone: the loss interval, exponentiated
            loss = variant.intervals.get("loss")
            return Interval(_exp(loss.low), _exp(loss.high)) if loss else None
        return variant.intervals.get(self.key)

    def fmt(self, value: float) -> str:
        if self.style == "pct":
            return f"{value:.1%}"
        return f"{value:.3f}" if self.style == "f3" else f"{value:.2f}"

    def cell(self, variant: VariantResult, *, markdown: bool) -> str:
        """The value, with its 95% interval below it (terminal) or beside it (markdown)."""
        text = self.fmt(self.value(variant))
        ci = self.interval(variant)
        if ci is None or math.isnan(ci.low):
            return text
        if self.style == "pct":
            low, high = f"{ci.low * 100:.1f}", f"{ci.high * 100:.1f}"
        else:
            low, high = self.fmt(ci.low), self.fmt(ci.high)
        return f"{text} [{low}, {high}]" if markdown else f"{text}\n[dim]{low}-{high}[/dim]"


def _exp(value: float) -> float:
    return math.exp(value) if value < 50 else math.inf


def _columns(result: EvalResult) -> list[Column]:
    """The metric columns this task type has, in table order."""
    task = result.config.task
    cols: list[Column] = []
    if task.type == "classification":
        cols += [Column("accuracy", "accuracy", "pct"), Column("macro-F1", "macro_f1", "f3")]
    elif task.type == "json":
        cols += [Column("valid JSON", "valid_rate", "pct")]
        if task.json_schema is not None:
            cols += [Column("schema", "schema_rate", "pct")]
        if task.fields:
            cols += [Column("all fields", "exact_match", "pct")]
            cols += [Column(name, f"fields.{name}", "pct") for name in task.fields]
            cols += [Column(f"{task.label()} F1", "macro_f1", "f3")]
    else:
        cols += [Column("ROUGE-L", "rouge_l", "f3")]
    cols += [Column("ref loss", "loss", "f3"), Column("ppl", "perplexity", "f2")]
    return [*cols, Column("s/example", "seconds", "f2")]


def _extras(result: EvalResult, name: str) -> tuple[str, str]:
    """The golden and judge cells: only the tuned row has them."""
    golden = judge = "-"
    g = result.golden
    if name == "tuned" and g is not None and g.base_right:
        golden = f"{g.tuned_score:.1%} of {g.base_right}"
        if g.too_small:
            golden += " (too small to judge)"
        elif g.regressed:
            golden += " REGRESSED"
    if name == "tuned" and result.judge is not None and result.judge.win_rate is not None:
        judge = f"{result.judge.win_rate:.1%}"
    return golden, judge


def verdict_table(result: EvalResult) -> Table:
    """Rows prompted / few-shot / tuned with 95% intervals under each value; the caption
    holds the paired tests, the golden check and the adversarial summary."""
    cols = _columns(result)
    title = (
        f"eval: {len(result.rows)} test rows, primary metric {_primary_label(result)}, "
        "95% bootstrap intervals"
    )
    caption = [comparison_line(c, LABELS) for c in result.comparisons]
    if result.golden is not None and result.golden.base_right:
        caption.append(f"golden: drop {golden_words(result.golden)}")
    caption += adversarial_lines(result, LABELS)
    table = Table(
        title=title,
        title_justify="left",
        caption="\n".join(caption) or None,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("variant", no_wrap=True)
    for col in cols:
        table.add_column(SHORT.get(col.header, col.header), justify="right", no_wrap=True)
    table.add_column("golden", justify="right")
    table.add_column("judge", justify="right", no_wrap=True)
    for name, variant in result.variants.items():
        golden, judge = _extras(result, name)
        if result.golden is not None and result.golden.regressed and name == "tuned":
            golden = f"[bold red]{golden}[/bold red]"
        cells = [c.cell(variant, markdown=False) for c in cols]
        table.add_row(LABELS[name], *cells, golden, judge)
    return table


def _primary_label(result: EvalResult) -> str:
    first = next(iter(result.variants.values()), None)
    return first.metrics["primary"] if first else "-"


def decision_line(result: EvalResult) -> str:
    """The verdict in words."""
    d = result.decision
    words = {"worth_it": "WORTH IT", "not_worth_it": "NOT WORTH IT", "undecided": "UNDECIDED"}
    return f"{words[d.verdict]}: {d.reason}"


def markdown(result: EvalResult) -> str:
    """eval_report.md: settings, the verdict table with intervals, the paired tests,
    per-class scores, golden, adversarial checks, judge, rule."""
    cfg = result.config
    preset_name, preset = cfg.preset()
    fields = orjson.dumps(generation_config_fields(preset)).decode()
    cols = _columns(result)
    lines = [
        "# Evaluation report",
        "",
        f"- run: `{cfg.run}` ({len(result.rows)} test rows"
        + (f", limited to {cfg.limit}" if cfg.limit else "")
        + ")",
        f"- task: {cfg.task.type}; primary metric: {_primary_label(result)}",
        f"- decoding: preset {preset_name} ({fields}), seed {preset.seed}, "
        f"max_new_tokens {cfg.max_new_tokens}",
        f"- intervals: 95% bootstrap over test rows ({cfg.bootstrap_resamples} resamples, "
        f"seed {cfg.seed})",
    ]
    for name, variant in result.variants.items():
        lines.append(f"- {LABELS[name]}: `{variant.model}`")
    header = ["variant", *(c.header for c in cols), "golden (base right)", "judge win rate"]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, variant in result.variants.items():
        cells = [LABELS[name], *(c.cell(variant, markdown=True) for c in cols)]
        lines.append("| " + " | ".join([*cells, *_extras(result, name)]) + " |")
    lines += ["", f"**Decision: {decision_line(result)}.**", ""]
    lines += [f"Rule: {rule_text(cfg.decision)}."]
    lines += comparison_section(result, LABELS)
    lines += per_class_section(result, LABELS) + golden_section(result, LABELS)
    lines += adversarial_section(result, LABELS) + judge_section(result)
    if result.notices:
        lines += ["", "## Notices", ""] + [f"- {n}" for n in result.notices]
    return "\n".join(lines) + "\n"


def write_outputs(result: EvalResult) -> None:
    """eval_report.md, eval_results.json and predictions.jsonl, each written atomically."""
    out = result.out_dir
    with atomic_path(out / "predictions.jsonl") as tmp, open(tmp, "wb") as handle:
        for name, variant in result.variants.items():
            for row, answer, score in zip(
                result.rows, variant.predictions, variant.scores, strict=True
            ):
                record = {
                    "set": "test",
                    "variant": name,
                    "id": row.id,
                    "prediction": answer,
                    "reference": row.reference,
                    "score": score,
                }
                handle.write(orjson.dumps(record) + b"\n")
        for name, answers in result.golden_predictions.items():
            for row, answer in zip(result.golden_rows, answers, strict=True):
                record = {"set": "golden", "variant": name, "id": row.id, "prediction": answer}
                handle.write(orjson.dumps(record | {"reference": row.reference}) + b"\n")
        for check in result.adversarial:
            for row_id, answer in zip(check.ids, check.answers, strict=True):
                record = {"set": f"adversarial:{check.set}", "variant": check.variant}
                handle.write(orjson.dumps(record | {"id": row_id, "prediction": answer}) + b"\n")
    write_json(out / "eval_results.json", result.to_json())
    write_text(out / "eval_report.md", markdown(result))
