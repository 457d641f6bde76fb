"""report.md: the manifest told for a person."""

from __future__ import annotations

import orjson
import polars as pl

from curate.reasons import describe
from curate.runs.manifest import Manifest


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
        note = "; ".join(notes)
        out.append(
            f"| {stage.index} | {stage.name} | {stage.input} | {stage.kept} | {stage.rejected} | "
            f"{stage.seconds:.2f} | {note} |"
        )
    out += _reasons_section(rejected, examples_per_reason)
    out += _pii_section(manifest)
    out += _split_section(manifest)
    return "\n".join(out) + "\n"


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


def _pii_section(manifest: Manifest) -> list[str]:
    """Findings per entity type and action, with masked examples, from the pii stage."""
    stage = next((s for s in manifest.stages if s.name == "pii"), None)
    if stage is None:
        return []
    m = stage.metrics
    out = [
        "",
        "## PII",
        "",
        f"{m.get('findings', 0)} findings in {m.get('examples_with_pii', 0)} examples; "
        f"{m.get('dropped', 0)} dropped, {m.get('flagged_examples', 0)} flagged for review, "
        f"{m.get('human_decisions_applied', 0)} spans decided by a person.",
        "",
        "| entity | found |",
        "|---|---:|",
    ]
    out += [f"| {k[6:]} | {v} |" for k, v in m.items() if k.startswith("found.")]
    actions = ", ".join(f"{k[7:]} {v}" for k, v in m.items() if k.startswith("action."))
    out += ["", f"Actions: {actions or 'none'}.", "", "Examples (every finding masked):", ""]
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
