"""Inter-annotator agreement, the disagreement review queue, and judge calibration."""

from curate.agreement.report import AgreementReport, agreement_report, alpha_band, kappa_band
from curate.agreement.review import adjudicate, adjudications, disagreements, record_annotations
from curate.agreement.sources import read_ratings, store_ratings

__all__ = [
    "AgreementReport",
    "adjudicate",
    "adjudications",
    "agreement_report",
    "alpha_band",
    "disagreements",
    "kappa_band",
    "read_ratings",
    "record_annotations",
    "store_ratings",
]
