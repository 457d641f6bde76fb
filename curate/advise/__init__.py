"""Should I fine-tune at all? The seeds' checklist answered from the workspace's evidence.

``advise(load_eval_config(path))`` reads the run's export, its manifest (gates), workspace.db
(spot-audits) and curate eval's results, and returns each check (pass, fail or unknown with
its evidence), the ROI ladder step, what to fix first and a one-line recommendation.
"""

from curate.advise.advice import LADDER, Advice, advise
from curate.advise.checks import MIN_EVAL_CASES, MIN_EXPECTED_GAIN, MOTIVATIONS, Check
from curate.advise.sizes import SIZE_TABLE, SizeRange

__all__ = [
    "LADDER",
    "MIN_EVAL_CASES",
    "MIN_EXPECTED_GAIN",
    "MOTIVATIONS",
    "SIZE_TABLE",
    "Advice",
    "Check",
    "SizeRange",
    "advise",
]
