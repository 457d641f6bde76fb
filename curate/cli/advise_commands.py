"""``curate advise EVAL.yaml``: should this project fine-tune at all?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from curate.cli.common import out, user_errors

_STYLE = {"pass": "green", "fail": "red", "unknown": "yellow"}
_VERDICT = {"fine_tune": "green", "try_it": "yellow", "fix_first": "yellow", "do_not": "red"}


@user_errors
def advise(
    config: Annotated[Path, typer.Argument(help="The eval file (YAML) of the project.")],
    results: Annotated[
        Path | None,
        typer.Option(help="curate eval's eval_results.json (default: in the eval's out folder)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The fine-tune checklist from the workspace's evidence, the ROI ladder step, a verdict."""
    from curate.advise import LADDER
    from curate.advise import advise as run_advice
    from curate.evaluate.config import load_eval_config

    advice = run_advice(load_eval_config(config), results=results)
    if as_json:
        print(orjson.dumps(advice.to_json(), option=orjson.OPT_INDENT_2).decode())
        return
    table = Table("check", "status", "evidence", "to do", title="Should I fine-tune?")
    for check in advice.checks:
        status = f"[{_STYLE[check.status]}]{check.status}[/]"
        table.add_row(check.name, status, escape(check.evidence), escape(check.fix))
    out.print(table)
    out.print(f"ROI ladder ({' -> '.join(LADDER)}): on {escape(advice.ladder_step)}", end="")
    out.print(f"; next: {escape(advice.next_step)}" if advice.next_step else "")
    if advice.fix_first:
        out.print(f"Fix first: {escape(advice.fix_first)}")
    out.print(f"[bold {_VERDICT[advice.verdict]}]{escape(advice.recommendation)}[/]")
