"""User-facing text reaches the terminal as written: square brackets are not rich markup."""

from __future__ import annotations

import io

from rich.console import Console
from typer.testing import CliRunner

from curate.cli.main import app
from curate.cli.progress import RichReporter

cli = CliRunner()


def test_a_run_note_prints_square_brackets_literally():
    buffer = io.StringIO()
    reporter = RichReporter(Console(file=buffer, width=200, color_system=None))
    reporter.note("judge: HTTP 401 from the server: key [redacted] refused [bold]")
    assert "key [redacted] refused [bold]" in buffer.getvalue()


def test_an_error_message_prints_square_brackets_literally(tmp_path):
    (tmp_path / "pipeline.yaml").write_text("stages: [validate]\ninputs: ['[draft] data.jsonl']\n")
    result = cli.invoke(app, ["run", str(tmp_path / "pipeline.yaml")])
    assert result.exit_code == 2, result.output
    assert "[draft] data.jsonl: input not found" in result.output
