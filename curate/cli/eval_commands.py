"""``curate eval``: score prompted, few-shot and tuned models on a run's test split."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from curate.cli.common import err, out, user_errors
from curate.errors import needs_extra


class _ConsoleNotes:
    """Prints the evaluation's notices as they come."""

    def note(self, message: str) -> None:
        err.print(f"[dim]{escape(message)}[/dim]", highlight=False, soft_wrap=True)


@user_errors
def eval_command(
    config: Annotated[Path, typer.Argument(help="The eval file (YAML).")],
    tuned: Annotated[
        Path | None,
        typer.Option(help="Tuned model: merged folder, adapter folder or train output."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N test rows.", min=1)] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default <run>/eval).")
    ] = None,
) -> None:
    """Evaluate: task metrics, reference loss, golden regression, judge, and a verdict."""
    with needs_extra("train,eval", "evaluation"):
        from curate.evaluate import evaluate, load_eval_config
        from curate.evaluate.report import decision_line, verdict_table

        settings = load_eval_config(
            config,
            tuned_model=str(tuned) if tuned else None,
            limit=limit,
            out=str(out_dir) if out_dir else None,
        )
        result = evaluate(settings, _ConsoleNotes())
    # the table needs about 120 columns; rich would squash it into a pipe's default 80
    wide = out if out.width >= 120 or out.is_terminal else Console(width=120, file=out.file)
    wide.print(verdict_table(result))
    colour = {"worth_it": "green", "not_worth_it": "red", "undecided": "yellow"}
    out.print(f"[bold {colour[result.decision.verdict]}]{decision_line(result)}[/]")
    out.print(f"Report: {result.out_dir / 'eval_report.md'}", highlight=False)
