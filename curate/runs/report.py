"""report.md: the manifest told for a person."""

from __future__ import annotations

import orjson
import polars as pl

from curate.reasons import describe
from curate.runs.manifest import Manifest
from curate.runs.token_report import token_budget_section


def render_report(
    manifest: Manifest, rejected: pl.DataFrame, *, examples_per_reason: int = 3
) -> str:
    """Markdown summary: inputs, stages, rejection reasons with examples, splits."""
    t = manifest.totals
    out = [
        f"# Run {manifest.run_id}",
        "",
        f"Pipeline `{manifest.pipeline.path}` ({manifest.pipeline.name}), curate "
        f"{manifest.curate_version}, {manifest.created_at}.",
        "",
        f"**{t.input_rows}** input rows: **{t.train}** train, **{t.eval}** eval, "
        f"**{t.test}** test, **{t.rejected}** rejected.",
        "",
        "## Inputs",
        "",
        "| file | container | rows | parsed | rejected | formats | sha256 |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for entry in manifest.inputs:
        formats = ", ".join(f"{k} {v}" for k, v in entry.formats.items())
        out.append(
            f"| {entry.path} | {entry.container} | {entry.rows} | {entry.parsed} | "
            f"{entry.rejected} | {formats} | `{entry.sha256[:12]}` |"
        )
    out += [
        "",
        "## Stages",
        "",
        "| # | stage | in | kept | rejected | seconds | note |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for stage in manifest.stages:
        notes = ["reused"] if stage.cached else []
        if skipped := stage.metrics.get("skipped"):
            notes.append(f"skipped: {skipped}")
        if moved := stage.metrics.get("moved_to_train"):
            notes.append(f"{moved} near-duplicates of train moved into train")
        if protected := stage.metrics.get("protected_pairs"):
            notes.append(f"close pairs not merged, their numbers or names differ: {protected}")
        if trimmed := stage.metrics.get("turns_trimmed"):
            notes.append(f"turns trimmed (unanswered, or before the first question): {trimmed}")
        if errors := stage.metrics.get("error_rows"):
            notes.append(f"{errors} error rows, asked again on the next run")
        if summary := stage.metrics.get("summary"):  # a stage's own one-line account
            notes.append(str(summary))
        if unasked := stage.metrics.get("unasked_rows"):
            status = str(stage.metrics.get("unasked_status", "not asked")).replace("_", " ")
            notes.append(f"{unasked} rows {status} (budget stop)")
        note = "; ".join(notes)
        out.append(
            f"| {stage.index} | {stage.name} | {stage.input} | {stage.kept} | {stage.rejected} | "
            f"{stage.seconds:.2f} | {note} |"
        )
    out += _warnings_section(manifest)
    out += _reasons_section(rejected, examples_per_reason)
    out += _unasked_section(manifest)
    out += _pii_section(manifest)
    out += token_budget_section(manifest)
    out += _split_section(manifest)
    return "\n".join(out) + "\n"


def _warnings_section(manifest: Manifest) -> list[str]:
    """Every stage's warnings (metric ``warnings``, ``|``-separated): what a stage measured
    and did not act on, such as a refusal share outside its band."""
    lines = [
        f"- **{stage.name}**: {warning}."
        for stage in manifest.stages
        for warning in str(stage.metrics.get("warnings", "")).split(" | ")
        if warning
    ]
    return ["", "## Warnings", "", *lines] if lines else []


def _reasons_section(rejected: pl.DataFrame, per_reason: int) -> list[str]:
    if rejected.height == 0:
        return ["", "## Rejections", "", "None."]
    out = ["", "## Rejections", "", "| stage | reason | count | meaning |", "|---|---|---:|---|"]
    counts = (
        rejected.group_by("stage", "reason").len().sort("len", "reason", descending=[True, False])
    )
    for stage, reason, count in counts.iter_rows():
        out.append(f"| {stage} | `{reason}` | {count} | {describe(reason)} |")
    out += ["", "Examples:", ""]
    for (reason,), group in rejected.sort("row").group_by("reason", maintain_order=True):
        for detail in group["detail"].head(per_reason):
            out.append(f"- `{reason}`: {_one_line(detail)}")
    return out


def _unasked_section(manifest: Manifest) -> list[str]:
    """Rows a budget stop left unseen by an LLM stage: how many, which, and where they went."""
    out: list[str] = []
    for stage in manifest.stages:
        m = stage.metrics
        if not m.get("unasked_rows"):
            continue
        count, status = int(m["unasked_rows"]), str(m.get("unasked_status"))
        if m.get("on_budget_stop") == "hold_back":
            fate = f"held back as `{stage.name}.{status}` (in export/rejected.jsonl)"
        else:
            fate = (
                f"exported in the splits as they were, flagged `{stage.name}_status = "
                f"{status}` in the stage's kept rows (`on_budget_stop: hold_back` keeps them "
                "out of the splits)"
            )
        out += [
            "",
            f"## Not seen by {stage.name} (budget stop)",
            "",
            f"{m.get('stopped', 'the budget ran out')}. **{count}** of {stage.input} rows were "
            f"{status.replace('_', ' ')}: {fate}.",
            "",
        ]
        shown = orjson.loads(str(m.get("unasked_examples", "[]")))
        out += [f"- {_one_line(r['source'])} (`{r['id']}`)" for r in shown]
        if count > len(shown):
            out.append(f"- … and {count - len(shown)} more")
    return out


def _pii_section(manifest: Manifest) -> list[str]:
    """What the (last) pii stage found and changed: per type the findings and the share of
    examples rewritten, its most frequent changed spans, the precision rules it applied,
    warnings, and masked examples."""
    stages = [s for s in manifest.stages if s.name == "pii"]
    if not stages:
        return []
    m = stages[-1].metrics
    shares = orjson.loads(str(m.get("changed_share_by_type", "{}")))
    top = orjson.loads(str(m.get("top_changed_spans", "{}")))
    out = [
        "",
        "## PII",
        "",
        f"{m.get('findings', 0)} findings in {m.get('examples_with_pii', 0)} examples; "
        f"{m.get('examples_changed', 0)} examples rewritten, {m.get('dropped', 0)} dropped, "
        f"{m.get('flagged_examples', 0)} flagged for review, "
        f"{m.get('human_decisions_applied', 0)} spans decided by a person.",
    ]
    out += [
        "",
        "| entity | found | examples changed | most frequent changed spans |",
        "|---|---:|---:|---|",
    ]
    for key, found in m.items():
        if key.startswith("found."):
            entity = key[6:]
            spans = ", ".join(f"{_one_line(t, 40)} ({n})" for t, n in top.get(entity, []))
            out.append(f"| {entity} | {found} | {shares.get(entity, 0):.1%} | {spans} |")
    actions = ", ".join(f"{k[7:]} {v}" for k, v in m.items() if k.startswith("action."))
    out += ["", f"Actions: {actions or 'none'}."]
    if languages := orjson.loads(str(m.get("other_language_turns", "{}"))):
        shown = ", ".join(f"{lang} {n}" for lang, n in languages.items())
        out += ["", f"Turns the NER model did not read (another language; patterns only): {shown}."]
    if rules := orjson.loads(str(m.get("precision_rules", "{}"))):
        out += ["", "Precision rules applied: " + ", ".join(f"{k} {v}" for k, v in rules.items())]
        out[-1] += "."
    if recurring := orjson.loads(str(m.get("recurring_flagged_spans", "[]"))):
        shown = ", ".join(f"{_one_line(t, 40)} ({e}, {n} examples)" for e, t, n in recurring)
        out += ["", f"Recurring spans flagged for review instead of rewritten: {shown}."]
    out += ["", "Examples (every finding masked):", ""]
    for entity, shown in orjson.loads(str(m.get("examples", "{}"))).items():
        out += [f"- `{entity}`: {_one_line(s)}" for s in shown]
    return out


def _split_section(manifest: Manifest) -> list[str]:
    split = manifest.split
    out = ["", "## Splits", "", f"Seed {split.seed}.", "", "| split | examples |", "|---|---:|"]
    out += [f"| {name} | {size} |" for name, size in split.sizes.items()]
    if split.stratify and split.distribution:
        values = sorted({v for dist in split.distribution.values() for v in dist})
        out += [
            "",
            f"Distribution of `{split.stratify}`:",
            "",
            "| " + " | ".join(["value", *split.distribution]) + " |",
            "|---" + "|---:" * len(split.distribution) + "|",
        ]
        for value in values:
            cells = [str(split.distribution[s].get(value, 0)) for s in split.distribution]
            out.append(f"| {value} | " + " | ".join(cells) + " |")
    files = ", ".join(f"`{f.path}` ({f.rows})" for f in manifest.export.files)
    out += ["", f"Files ({manifest.export.format} format): {files}."]
    if manifest.export.hf_dataset:
        out.append(f"Hugging Face DatasetDict: `{manifest.export.hf_dataset}/`.")
    return out


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"
