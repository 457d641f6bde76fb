"""PII detection and redaction: Presidio offline, curate's recognizers, actions, decisions.

The library face a TUI screen needs: ``run_findings(run_dir)`` lists a run's findings with
their original text; ``WorkspaceDB.pii_marks.mark(...)`` records a person's span decision,
which the pii stage applies on every later run.
"""

from curate.pii.analyzer import PiiSetupError
from curate.runs.pii_findings import run_findings
from curate.workspace import SpanDecision

__all__ = ["PiiSetupError", "SpanDecision", "run_findings"]
