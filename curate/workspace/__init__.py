"""workspace.db as typed stores: one module per store, each owning its tables' SQL.

``WorkspaceDB(workspace)`` opens (and migrates) the database; its stores are attributes:
``audits``, ``pii_marks``, ``annotations``, ``llm_calls``; overrides and the runs index are
its methods. No module outside this package issues SQL against workspace.db.
"""

from curate.workspace.audits import AuditVerdict
from curate.workspace.database import WorkspaceDB, default_annotator, now
from curate.workspace.overrides import Action, Override
from curate.workspace.pii_marks import PiiVerdict, SpanDecision

__all__ = [
    "Action",
    "AuditVerdict",
    "Override",
    "PiiVerdict",
    "SpanDecision",
    "WorkspaceDB",
    "default_annotator",
    "now",
]
