"""The verdict table (rich, for the terminal) and the files: report, results, predictions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import orjson
from rich import box
from rich.table import Table

from curate.evaluate.metrics import rule_text
from curate.io.atomic import atomic_path, write_json, write_text

if TYPE_CHECKING:
    from curate.evaluate.run import EvalResult, VariantResult

LABELS = {"prompted": "prompted", "few_shot": "few-shot", "tuned": "tuned"}
# terminal headers; the markdown report spells them out
SHORT = {"valid JSON": "valid", "all fields": "exact", "ref loss": "loss", "s/example": "s/ex"}
Column = tuple[str, Callable[["VariantResult"], str]]


def _pct(value: object) -> str:
    return f"{float(value):.1%}" if isinstance(value, int | float) else "-"


def _columns(result: EvalResult) -> list[Column]:
    """The metric columns this task type has, in table order."""
    task = result.config.task
    cols: list[Column] = []
    if task.type == "classification":
        cols += [("accuracy", lambda r: _pct(r.metrics["accuracy"]))]
        cols += [("macro-F1", lambda r: f"{r.metrics['macro_f1']:.3f}")]
    elif task.type == "json":
        cols += [("valid JSON", lambda r: _pct(r.metrics["valid_rate"]))]
        if task.json_schema is not None:
            cols += [("schema", lambda r: _pct(r.metrics["schema_rate"]))]
        if task.fields:
            cols += [("all fields", lambda r: _pct(r.metrics["exact_match"]))]
            for name in task.fields:
                cols += [(name, lambda r, n=name: _pct(r.metrics["fields"][n]))]
            cols += [(f"{task.label()} F1", lambda r: f"{r.metrics['macro_f1']:.3f}")]
    else:
        cols += [("ROUGE-L", lambda r: f"{r.metrics['rouge_l']:.3f}")]
    cols += [("ref loss", lambda r: f"{r.loss:.3f}"), ("ppl", lambda r: f"{r.perplexity:.2f}")]
    cols += [("s/example", lambda r: f"{r.seconds_per_example:.2f}")]
    return cols


def _extras(result: EvalResult, name: str) -> tuple[str, str]:
    """The golden and judge cells: only the tuned row has them."""
    golden = judge = "-"
    if name == "tuned" and result.golden is not None and result.golden.base_right:
        g = result.golden
        golden = f"{g.tuned_score:.1%} of {g.base_right}" + (" REGRESSED" if g.regressed else "")
    if name == "tuned" and result.judge is not None and result.judge.win_rate is not None:
        judge = f"{result.judge.win_rate:.1%}"
    return golden, judge


def verdict_table(result: EvalResult) -> Table:
    """Rows prompted / few-shot / tuned; the primary metric's column is bold."""
    cols = _columns(result)
    title = f"eval: {len(result.rows)} test rows, primary metric {_primary_label(result)}"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("variant", no_wrap=True)
    for header, _ in cols:
        table.add_column(SHORT.get(header, header), justify="right", no_wrap=True)
    table.add_column("golden", justify="right")
    table.add_column("judge", justify="right", no_wrap=True)
    for name, variant in result.variants.items():
        golden, judge = _extras(result, name)
        if result.golden is not None and result.golden.regressed and name == "tuned":
            golden = f"[bold red]{golden}[/bold red]"
        table.add_row(LABELS[name], *(get(variant) for _, get in cols), golden, judge)
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
    """eval_report.md: settings, the verdict table, per-class scores, golden, judge, rule."""
    cfg = result.config
    preset_name, preset = cfg.preset()
    cols = _columns(result)
    lines = [
        "# Evaluation report",
        "",
        f"- run: `{cfg.run}` ({len(result.rows)} test rows"
        + (f", limited to {cfg.limit}" if cfg.limit else "")
        + ")",
        f"- task: {cfg.task.type}; primary metric: {_primary_label(result)}",
        f"- decoding: {preset_name} ({preset.model_dump_json()}), seed {cfg.seed}, "
        f"max_new_tokens {cfg.max_new_tokens}",
    ]
    for name, variant in result.variants.items():
        lines.append(f"- {LABELS[name]}: `{variant.model}`")
    header = ["variant", *(h for h, _ in cols), "golden (base right)", "judge win rate"]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, variant in result.variants.items():
        cells = [LABELS[name], *(get(variant) for _, get in cols), *_extras(result, name)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"**Decision: {decision_line(result)}.**", ""]
    lines += [f"Rule: {rule_text(cfg.decision)}."]
    lines += _per_class_section(result) + _golden_section(result) + _judge_section(result)
    if result.notices:
        lines += ["", "## Notices", ""] + [f"- {n}" for n in result.notices]
    return "\n".join(lines) + "\n"


def _per_class_section(result: EvalResult) -> list[str]:
    lines: list[str] = []
    for name, variant in result.variants.items():
        per_class = variant.metrics.get("per_class")
        if not per_class:
            continue
        lines += ["", f"### {LABELS[name]}: per class", "", "| class | P | R | F1 | support |"]
        lines.append("|---|---|---|---|---|")
        for c in per_class:
            lines.append(
                f"| {c['label'] or '(none)'} | {c['precision']:.3f} | {c['recall']:.3f} | "
                f"{c['f1']:.3f} | {c['support']} |"
            )
    return lines


def _golden_section(result: EvalResult) -> list[str]:
    g = result.golden
    if g is None:
        return []
    status = "REGRESSED" if g.regressed else "ok"
    return [
        "",
        "## Golden set",
        "",
        f"The base model ({LABELS[g.baseline]}) gets {g.base_right} of {g.rows} golden rows "
        "right. On those,"
        f" the tuned model scores {g.tuned_score:.1%} against the base's {g.base_score:.1%}: a "
        f"relative drop of {g.relative_drop:.1%} ({status}; limit "
        f"{result.config.decision.max_golden_regression:.0%}). Over all {g.rows} golden rows:"
        f" base {g.base_overall:.1%}, tuned {g.tuned_overall:.1%}.",
    ]


def _judge_section(result: EvalResult) -> list[str]:
    j = result.judge
    if j is None:
        return []
    rate = "n/a" if j.win_rate is None else f"{j.win_rate:.1%}"
    return [
        "",
        "## Pairwise judge",
        "",
        f"{j.model}: tuned won {j.tuned_wins}, prompted won {j.prompted_wins}, {j.ties} ties, "
        f"{j.failed} failed; win rate of tuned (ties count half): {rate}.",
    ]


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
    write_json(out / "eval_results.json", result.to_json())
    write_text(out / "eval_report.md", markdown(result))
