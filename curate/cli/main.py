"""``curate``: inspect, convert, init, run, schemas, reasons."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from curate import __version__
from curate.cli.common import err, out, user_errors
from curate.errors import CurateError
from curate.formats.convert import ExportFormat, Format

ERROR_ROWS_EXIT = 5  # the run ended with more error rows than a stage's max_error_share
app = typer.Typer(
    help="Curate LLM fine-tuning data: validate, dedup, split, export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"curate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print version.")
    ] = False,
) -> None:
    """Curate LLM fine-tuning data."""


@app.command()
@user_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing pipeline.yaml.")] = False,
) -> None:
    """Create a workspace with a commented starter pipeline.yaml."""
    target = directory / "pipeline.yaml"
    if target.exists() and not force:
        raise CurateError("already exists; pass --force to overwrite", file=target)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    template = resources.files("curate") / "templates" / "pipeline.yaml"
    with resources.as_file(template) as source:
        shutil.copyfile(source, target)
    out.print(f"Created {target}. Put your data in {directory / 'data'} and run:")
    out.print(f"  curate run {target}")


@app.command()
@user_errors
def inspect(
    files: Annotated[list[Path], typer.Argument(help="Data files or save_to_disk folders.")],
    tokenizer: Annotated[
        Path | None,
        typer.Option(
            help="Count tokens: smollm2-135m-instruct or a model folder (through its chat "
            "template, tools included), or a bare tokenizer.json (plain text)."
        ),
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option(min=1, help="With --tokenizer: count rows longer than this.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Detect each file's container and format; show counts, turns, lengths, refusals."""
    from curate.io.inspect import profile_file

    profiles = [profile_file(path, tokenizer=tokenizer, max_tokens=max_tokens) for path in files]
    if as_json:
        print(orjson.dumps([asdict(p) for p in profiles], option=orjson.OPT_INDENT_2).decode())
        return
    for profile in profiles:
        _print_profile(profile)


@app.command()
@user_errors
def convert(
    file: Annotated[Path, typer.Argument(help="The data file to convert.")],
    to: Annotated[ExportFormat, typer.Option("--to", help="Target format.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output .jsonl, .json or .parquet.")],
    source_format: Annotated[
        Format | None, typer.Option("--from", help="Source format (default: detect).")
    ] = None,
) -> None:
    """Convert between chat, Alpaca, ShareGPT and preference formats."""
    from curate.formats.convert_file import convert_file

    result = convert_file(file, out_path, to=to, source_format=source_format)
    out.print(f"Wrote {result.written} rows to {out_path} ({to}).")
    if result.skipped:
        err.print(f"[yellow]Skipped {len(result.skipped)} rows:[/yellow]")
        for line in result.skipped[:10]:
            err.print(f"  {line}", highlight=False, markup=False)


@app.command()
@user_errors
def run(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline file (YAML).")],
    input_paths: Annotated[
        list[str] | None, typer.Option("--input", help="Use these inputs instead.")
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Run folder.")] = None,
    strict: Annotated[
        bool | None, typer.Option("--strict/--lenient", help="Stop at the first bad row.")
    ] = None,
) -> None:
    """Run (or resume) a pipeline; writes runs/<id>/ with stages, export and manifest."""
    from curate.cli.progress import RichReporter
    from curate.runs.runner import run_pipeline

    with RichReporter(out) as reporter:
        outcome = run_pipeline(
            pipeline, inputs=input_paths, out=out_dir, strict=strict, reporter=reporter
        )
    for entry in outcome.manifest.inputs:  # a run fails only when every input is empty
        if entry.rows == 0:
            warning = Text.assemble(("warning: ", "bold yellow"), f"{entry.path}: holds no rows")
            err.print(warning, soft_wrap=True)
    totals = outcome.manifest.totals
    out.print(
        f"\n[bold]{totals.input_rows}[/bold] rows in: [green]{totals.train}[/green] train, "
        f"[green]{totals.eval}[/green] eval, [green]{totals.test}[/green] test, "
        f"[yellow]{totals.rejected}[/yellow] rejected."
    )
    out.print(f"Run folder: {outcome.run_dir}")
    out.print(f"Report:     {outcome.run_dir / 'export' / 'report.md'}")
    if outcome.too_many_errors:  # exported, but errors are not answers: say so in the status
        for problem in outcome.too_many_errors:
            err.print(Text.assemble(("error rows: ", "bold red"), problem), soft_wrap=True)
        raise typer.Exit(ERROR_ROWS_EXIT)


@app.command()
@user_errors
def schemas(
    folder: Annotated[Path, typer.Option("--out", help="Where to write them.")] = Path("schemas"),
    check: Annotated[bool, typer.Option(help="Fail if the files are not current.")] = False,
) -> None:
    """Write the JSON Schemas of the formats, the pipeline file and the manifest."""
    from curate.config.schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(folder)
        if stale:
            raise CurateError(f"out of date: {', '.join(stale)}; run `curate schemas`", file=folder)
        out.print("schemas are current")
        return
    for path in write_schemas(folder):
        out.print(f"wrote {path}")


@app.command()
def reasons() -> None:
    """List every rejection reason code, what it means, and whether a force-keep rescues it."""
    from curate.reasons import all_reasons

    table = Table("code", "meaning", "force-keep")
    for reason in all_reasons().values():
        table.add_row(reason.code, reason.meaning, "rescues" if reason.rescuable else "")
    out.print(table)


def _print_profile(profile: Any) -> None:
    out.rule(f"[bold]{profile.path}")
    formats = ", ".join(f"{k}: {v}" for k, v in profile.formats.items()) or "none"
    out.print(
        f"container [bold]{profile.container}[/bold]   rows {profile.rows}   parsed "
        f"{profile.parsed}   unparseable {profile.unparseable}   formats {formats}"
    )
    table = Table("measure", "min", "median", "p95", "max", "mean")
    for label, dist in (
        ("turns", profile.turns),
        ("example chars", profile.example_chars),
        ("assistant chars", profile.assistant_chars),
        ("example tokens", profile.example_tokens),
    ):
        if dist is not None:
            table.add_row(
                label, *(f"{v:g}" for v in (dist.min, dist.p50, dist.p95, dist.max, dist.mean))
            )
    out.print(table)
    if (tokens := profile.template_tokens) is not None:  # token budget through the template
        over = f"; {tokens.rows_over_max} over {tokens.max_tokens}" if tokens.max_tokens else ""
        out.print(
            f"template tokens ({escape(tokens.tokenizer)}): p50 {tokens.p50}, p95 {tokens.p95}, "
            f"max {tokens.max}; assistant share {tokens.assistant_share:.1%}{over}",
            highlight=False,
        )
    roles = Table("role pattern", "rows")
    for pattern, count in profile.role_patterns.items():
        roles.add_row(pattern, str(count))
    out.print(roles)
    out.print(f"refusal-style answers: {profile.refusal_share:.1%}")
    _print_tool_use(profile.tool_use)
    for problem in profile.parse_problems:
        out.print(f"[yellow]unparseable:[/yellow] {escape(problem)}", highlight=False)


def _print_tool_use(use: Any) -> None:
    if not (use.rows_with_tools or use.rows_with_calls):
        return
    out.print(
        f"tool use: {use.rows_with_tools} rows declare tools, {use.rows_with_calls} call them "
        f"({use.calls} calls, {use.calls_per_row_mean:g} per calling row, at most "
        f"{use.calls_per_row_max}); {use.parallel_call_turns} turns with parallel calls; "
        f"{use.ends_on_call_share:.1%} of calling rows end on a call"
    )
    shown = ", ".join(f"{name} {n}" for name, n in use.tools_by_frequency.items())
    out.print(f"tools called: {escape(shown)}", highlight=False)


@app.command()
@user_errors
def tui(
    workspace: Annotated[Path, typer.Argument(help="The workspace folder.")] = Path("."),
    pipeline: Annotated[
        Path | None, typer.Option(help="Pipeline the Run screen starts (default: pipeline.yaml).")
    ] = None,
) -> None:
    """Open the terminal UI: runs, live progress, browse, audits, overrides."""
    from curate_tui.app import CurateApp

    if not workspace.is_dir():
        raise CurateError("workspace folder not found", file=workspace)
    CurateApp(workspace, pipeline=pipeline).run()


def _register_decision_commands() -> None:
    from curate.cli.agree_commands import agree, labelstudio_app
    from curate.cli.audit_commands import audit_app, override
    from curate.cli.dedup_commands import dedup_app
    from curate.cli.pii_commands import pii_app

    app.add_typer(audit_app, name="audit")
    app.add_typer(dedup_app, name="dedup")
    app.add_typer(pii_app, name="pii")
    app.command()(override)
    app.add_typer(labelstudio_app, name="labelstudio")
    app.command()(agree)


_register_decision_commands()


def _register_training_commands() -> None:
    from curate.cli.train_commands import train

    app.command()(train)


_register_training_commands()


def _register_eval_commands() -> None:
    from curate.cli.eval_commands import eval_command

    app.command(name="eval")(eval_command)
    from curate.cli.advise_commands import advise  # should I fine-tune at all?

    app.command()(advise)


_register_eval_commands()


def main() -> None:
    """Console-script entry point."""
    app()
