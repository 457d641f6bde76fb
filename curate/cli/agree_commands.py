"""``curate agree`` and ``curate labelstudio``: annotator agreement and Label Studio round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from curate.cli.common import out, user_errors
from curate.runs.layout import workspace_of_run
from curate.workspace import WorkspaceDB

labelstudio_app = typer.Typer(help="Review examples in Label Studio.", no_args_is_help=True)
Metric = Literal["alpha", "fleiss", "percent"]


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    from curate.agreement.report import alpha_band, kappa_band, shown

    out.print(
        f"[bold]{report.items}[/bold] items, {len(report.annotators)} annotators "
        f"({', '.join(report.annotators)}), labels: {', '.join(report.labels)}"
    )
    table = Table("statistic", "value (band, n)", title="overall")
    table.add_row("percent agreement", shown(report.percent))
    table.add_row("Fleiss' kappa", shown(report.fleiss, kappa_band(report.fleiss.value)))
    for level, figure in report.alpha.items():
        table.add_row(f"Krippendorff's alpha ({level})", shown(figure, alpha_band(figure.value)))
    out.print(table)
    labels = Table("label", "Fleiss' kappa (label vs rest)", title="per label")
    for label, figure in report.per_label.items():
        labels.add_row(label, shown(figure, kappa_band(figure.value)))
    out.print(labels)
    people = Table("annotator", "agrees with the others' majority", title="per annotator")
    for name, figure in report.with_majority.items():
        people.add_row(name, shown(figure))
    out.print(people)
    pairs = Table("pair", "Cohen's kappa", "confusion (rows: first)", title="pairs")
    for pair in report.pairs:
        matrix = "\n".join(" ".join(f"{n:>3}" for n in row) for row in pair.confusion)
        pairs.add_row(
            f"{pair.first} / {pair.second}", shown(pair.kappa, kappa_band(pair.kappa.value)), matrix
        )
    out.print(pairs)


@user_errors
def agree(
    source: Annotated[
        Path | None, typer.Argument(help="Ratings CSV/JSONL (default: workspace.db).")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Exit 1 when the headline figure is under this.")
    ] = None,
    metric: Annotated[str, typer.Option(help="percent, alpha or fleiss.")] = "percent",
    level: Annotated[
        list[str] | None, typer.Option(help="alpha levels: nominal, ordinal, interval.")
    ] = None,
    judge: Annotated[
        Path | None, typer.Option(help="A run folder: calibrate its judge against the humans.")
    ] = None,
    disagreements: Annotated[bool, typer.Option(help="List the items in dispute.")] = False,
    workspace: Annotated[Path, typer.Option(help="The workspace folder.")] = Path("."),
) -> None:
    """Inter-annotator agreement (kappa, alpha, per label/annotator/pair) and judge calibration."""
    from curate.errors import CurateError

    try:
        from curate.agreement import agreement_report, read_ratings, store_ratings
    except ImportError as exc:
        raise CurateError(f"{exc.name} is missing", hint="pip install 'curate[agree]'") from exc
    from curate.agreement.review import disagreements as queue
    from curate.agreement.sources import check_ratings

    if metric not in ("alpha", "fleiss", "percent"):
        raise CurateError(
            f"metric must be alpha, fleiss or percent, not '{metric}'", field="metric"
        )
    levels = tuple(level or ["nominal"])
    if bad := [x for x in levels if x not in ("nominal", "ordinal", "interval")]:
        raise CurateError(f"unknown alpha level '{bad[0]}'", field="level")
    if judge is not None and source is None:
        workspace = workspace_of_run(judge)
    with WorkspaceDB(workspace) as store:
        if source is not None:
            ratings = read_ratings(source)
        else:
            ratings = store_ratings(store)
            check_ratings(ratings, store.path)
        report = agreement_report(ratings, levels)  # type: ignore[arg-type]
        _print_report(report)
        if disagreements:
            _print_queue(queue(ratings, store))
    if judge is not None:
        _print_judge(ratings, judge)
    if threshold is not None:
        figure = report.headline(metric)
        if figure.value is None or figure.value < threshold:
            out.print(f"[bold red]agreement ({metric}) under {threshold}[/bold red]")
            raise typer.Exit(1)
        out.print(f"[green]agreement ({metric}) {figure.value:.3f} >= {threshold}[/green]")


def _print_queue(items) -> None:  # type: ignore[no-untyped-def]
    table = Table("item", "labels", "majority", "adjudicated", title="disagreements")
    for item in items:
        labels = ", ".join(f"{who}: {label}" for who, label in item.labels.items())
        table.add_row(item.item_id, labels, item.majority or "tie", item.adjudicated or "")
    out.print(table)


def _print_judge(ratings, run_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from curate.agreement.judge_calibration import calibrate, judge_verdicts
    from curate.agreement.report import kappa_band, shown

    result = calibrate(ratings, judge_verdicts(run_dir))
    table = Table("judge vs human majority", "value", title=f"judge calibration ({run_dir})")
    table.add_row("examples", str(result.n))
    table.add_row("Cohen's kappa", shown(result.kappa, kappa_band(result.kappa.value)))
    for name, value in (("precision of BAD", result.bad_precision),
                        ("recall of BAD", result.bad_recall)):  # fmt: skip
        table.add_row(name, "n/a" if value is None else f"{value:.3f}")
    for (human, said), count in sorted(result.confusion.items()):
        table.add_row(f"human {human}, judge {said}", str(count))
    out.print(table)


@labelstudio_app.command("push")
@user_errors
def push(
    run_dir: Annotated[Path, typer.Argument(help="The run folder (runs/<id>).")],
    project: Annotated[str, typer.Option(help="Label Studio project title.")],
    sample: Annotated[int | None, typer.Option(min=1, help="Send a seeded sample.")] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    label: Annotated[list[str] | None, typer.Option(help="Extra labels to offer.")] = None,
) -> None:
    """Create (or reuse) a review project and import the run's examples with their ids."""
    from curate.annotate.labelstudio import connection
    from curate.annotate.labelstudio import push as push_run

    conn = connection(workspace_of_run(run_dir))
    project_id, sent = push_run(run_dir, project, conn=conn, sample=sample, seed=seed, labels=label)
    out.print(f"imported {sent} examples into project '{project}' (id {project_id}) at {conn.url}")


@labelstudio_app.command("pull")
@user_errors
def pull(
    project: Annotated[str, typer.Option(help="Label Studio project title.")],
    workspace: Annotated[Path, typer.Option(help="The workspace folder.")] = Path("."),
) -> None:
    """Export the project's annotations (with who made them) into workspace.db."""
    from curate.annotate.labelstudio import connection
    from curate.annotate.labelstudio import pull as pull_project

    with WorkspaceDB(workspace) as store:
        ratings = pull_project(store, project, conn=connection(workspace))
        out.print(
            f"stored {ratings.height} annotations by {ratings['annotator'].n_unique()} "
            f"annotators in {store.path}; see `curate agree`"
        )
