"""PII detection and redaction: Presidio offline, curate's recognizers, actions, decisions.

A run's findings are read by ``curate.runs.pii_findings``; a person's span decisions live in
``WorkspaceDB.pii_marks`` and the pii stage applies them on every later run.
"""

from curate.pii.analyzer import PiiSetupError

__all__ = ["PiiSetupError"]
