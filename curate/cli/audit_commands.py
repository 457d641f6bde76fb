"""``curate audit`` and ``curate override``: human decisions from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from curate.audit import DEFAULT_SIZE, DEFAULT_THRESHOLD, create_audit, latest_audit
from curate.cli.common import out, user_errors
from curate.errors import CurateError
from curate.runs.layout import pipeline_of_run, workspace_of_run
from curate.workspace import WorkspaceDB

audit_app = typer.Typer(help="Human spot-audits of a run's train split.", no_args_is_help=True)


def _print_status(status) -> None:  # type: ignore[no-untyped-def]
    rate = "n/a" if status.pass_rate is None else f"{status.pass_rate:.1%}"
    out.print(
        f"audit [bold]{status.audit_id}[/bold] of run {status.run_id}: {status.reviewed}/"
        f"{len(status.items)} reviewed, {status.passed} pass, {status.failed} fail, "
        f"pass rate {rate} (gate {status.threshold:.0%}): [bold]{status.outcome}[/bold]"
    )
    if status.failing:
        table = Table("failing example", "note")
        for item in status.failing:
            table.add_row(item.example_id, item.note)
        out.print(table)


@audit_app.command("sample")
@user_errors
def sample(
    run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")],
    n: Annotated[int, typer.Option("--n", min=1, help="Sample size.")] = DEFAULT_SIZE,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    stratify: Annotated[str | None, typer.Option(help="A field to sample evenly.")] = None,
    threshold: Annotated[float, typer.Option(help="Pass rate the gate needs.")] = (
        DEFAULT_THRESHOLD
    ),
) -> None:
    """Draw a seeded sample of the run's train split to review (the same call resumes it)."""
    with WorkspaceDB(workspace_of_run(run_dir)) as store:
        status = create_audit(
            store,
            run_dir,
            pipeline=pipeline_of_run(store, run_dir),
            size=n,
            seed=seed,
            stratify=stratify,
            threshold=threshold,
        )
        _print_status(status)
        out.print("Review it with `curate tui`.")


@audit_app.command("status")
@user_errors
def status(run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")]) -> None:
    """Progress, pass rate and gate verdict of the run's latest audit."""
    with WorkspaceDB(workspace_of_run(run_dir)) as store:
        found = latest_audit(store, run_id=run_dir.resolve().name)
        if found is None:
            raise CurateError(
                "no audit of this run yet; draw one with `curate audit sample`", file=run_dir
            )
        _print_status(found)


@user_errors
def override(
    example_id: Annotated[str, typer.Argument(help="The example's id (curate_id).")],
    action: Annotated[str, typer.Argument(help="keep, drop, distinct or clear.")],
    reason: Annotated[str, typer.Option(help="Why; shown in reports.")] = "",
    workspace: Annotated[Path, typer.Option(help="The workspace folder.")] = Path("."),
) -> None:
    """Force-keep or force-drop an example on every later run (clear withdraws it)."""
    if action not in ("keep", "drop", "distinct", "clear"):
        raise CurateError(
            f"action must be keep, drop, distinct or clear, not '{action}'", field="action"
        )
    choice: Literal["keep", "drop", "distinct", "clear"] = action  # type: ignore[assignment]
    with WorkspaceDB(workspace) as store:
        store.set_override(example_id, choice, reason or "(no reason given)")
        out.print(f"{choice} {example_id}: saved in {store.path}")
