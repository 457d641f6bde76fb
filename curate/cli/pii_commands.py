"""``curate pii``: review a run's PII findings and record span decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from curate.cli.common import out, user_errors
from curate.errors import CurateError
from curate.runs.layout import workspace_of_run
from curate.workspace import WorkspaceDB

pii_app = typer.Typer(help="PII findings of a run, and human span decisions.", no_args_is_help=True)


@pii_app.command("list")
@user_errors
def list_findings(
    run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")],
    entity: Annotated[str | None, typer.Option(help="Only this entity type.")] = None,
    example: Annotated[str | None, typer.Option(help="Only this example id.")] = None,
    top: Annotated[int, typer.Option(help="How many findings to show.")] = 50,
) -> None:
    """Findings of the run's pii stage, with the original text of each span."""
    from curate.runs.pii_findings import run_findings

    found = run_findings(run_dir)
    if entity:
        found = found.filter(pl.col("entity") == entity)
    if example:
        found = found.filter(pl.col("id") == example)
    out.print(f"{found.height} findings")
    for row in found.head(top).iter_rows(named=True):
        where = f"{row['field']}[{row['turn']}] {row['role']} {row['start']}-{row['end']}"
        action = row["action"] + ("" if row["kept"] else " (example dropped)")
        out.print(
            f"{row['id']}  {where:<28} {row['entity']:<15} {row['text']!r}  "
            f"score {row['score']:.2f}, by {row['by']}, {action}",
            highlight=False,
            soft_wrap=True,
        )


@pii_app.command("mark")
@user_errors
def mark(
    run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")],
    example_id: Annotated[str, typer.Argument(help="The example's id.")],
    text: Annotated[str, typer.Option(help="The span's exact text in the example.")],
    not_pii: Annotated[bool, typer.Option("--not-pii", help="It is not PII.")] = False,
    entity: Annotated[
        str | None, typer.Option(help="It is PII of this type (a missed span).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Withdraw the decision.")] = False,
    note: Annotated[str, typer.Option(help="Why; kept with the decision.")] = "",
) -> None:
    """Mark a span as not PII, or as a missed entity; every later run applies it."""
    chosen = [
        flag
        for flag, on in (("--not-pii", not_pii), ("--entity", entity), ("--clear", clear))
        if on
    ]
    if len(chosen) != 1:
        raise CurateError("give exactly one of --not-pii, --entity TYPE or --clear", field="mark")
    _check_text_in_example(run_dir, example_id, text)
    verdict = "not_pii" if not_pii else "pii" if entity else "clear"
    with WorkspaceDB(workspace_of_run(run_dir)) as store:
        store.pii_marks.mark(
            example_id, text, verdict=verdict, entity=entity.upper() if entity else None, note=note
        )
        label = {"not_pii": "not PII", "pii": f"PII ({entity})", "clear": "cleared"}[verdict]
        out.print(f"{example_id} {text!r}: {label}, saved in {store.path}")
    out.print("Run the pipeline again to apply it.")


def _check_text_in_example(run_dir: Path, example_id: str, text: str) -> None:
    """Catch typos: the text must occur in the example as the pii stage read it."""
    from curate.runs.pii_findings import pii_stage_dir

    _, before = pii_stage_dir(run_dir)
    frame = pl.read_parquet(
        before / "kept.parquet", columns=["id", "messages", "chosen", "rejected"]
    )
    rows = frame.filter(pl.col("id") == example_id)
    if rows.height == 0:
        raise CurateError(f"no example {example_id} reached the pii stage", file=run_dir)
    row = rows.row(0, named=True)
    contents = [t["content"] for f in ("messages", "chosen", "rejected") for t in row[f] or []]
    if not any(text.casefold() in c.casefold() for c in contents):
        raise CurateError(
            f"{text!r} does not occur in example {example_id}",
            field="text",
            hint=f"list its findings with `curate pii list {run_dir} --example {example_id}`",
        )
