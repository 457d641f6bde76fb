"""``curate train CONFIG.yaml``: a LoRA fine-tune (SFT or DPO) on a curated export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curate.cli.common import err, out, user_errors
from curate.errors import CurateError, needs_extra


@user_errors
def train(
    config: Annotated[Path, typer.Argument(help="The training config (YAML).")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (overrides the config's out:).")
    ] = None,
    max_steps: Annotated[
        int | None,
        typer.Option("--max-steps", min=1, help="Stop after N optimizer steps (a quick check)."),
    ] = None,
) -> None:
    """Fine-tune a LoRA adapter (SFT, or DPO on preference pairs) and a merged model on a run's
    export; prints the memory plan first and resumes a killed run."""
    from curate.train.config import load_train_config

    settings = load_train_config(config, max_steps=max_steps)
    if out_dir is not None:
        settings = settings.model_copy(update={"out": out_dir})
    if settings.out is None:
        raise CurateError("no output folder", file=config, field="out", hint="set out: or --out")
    with needs_extra("train", "training"):
        from curate.train.api import train as run_training
        from curate.train.progress import RichTrainReporter

        _quiet_libraries()
        with RichTrainReporter(err) as reporter:
            result = run_training(settings, reporter)
    best = f"{result.best_eval_loss:.4f}" if result.best_eval_loss is not None else "-"
    resumed = Path(result.resumed_from).name if result.resumed_from else None
    at = f" at step {result.best_step}" if result.best_step is not None else ""
    out.print(
        f"[green]✓[/green] {result.steps} steps in {result.seconds:.0f}s, "
        f"best eval loss {best}{at}" + (f"  [dim](resumed from {resumed})[/dim]" if resumed else "")
    )
    if result.overfitting is not None:
        out.print(
            f"[yellow]![/yellow] overfitting from step {result.overfitting['since_step']} "
            f"(eval loss rose twice while train loss fell); the best checkpoint is kept"
        )
    if result.preference is not None:
        pref = result.preference
        out.print(
            f"  held-out pairs: preference accuracy {pref['preference_accuracy']:.1%}, "
            f"mean reward margin {pref['mean_reward_margin']:+.4f} ({pref['pairs']} pairs)"
        )
    out.print(f"  adapter   {result.adapter}")
    if result.merged is not None:
        out.print(f"  merged    {result.merged}")
    out.print(f"  log       {result.log}\n  plot      {result.plot}\n  manifest  {result.manifest}")


def _quiet_libraries() -> None:
    """The progress bar says what matters; silence the libraries' own bars and chatter."""
    import warnings

    import datasets
    import transformers

    warnings.filterwarnings(
        "ignore", message=r".*checkpointing.* is deprecated", category=FutureWarning
    )
    datasets.disable_progress_bars()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
