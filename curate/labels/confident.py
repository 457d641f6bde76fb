"""Label issues by confident learning: out-of-fold probabilities from a linear classifier on
example embeddings, then cleanlab's ``find_label_issues`` over them.

The classifier never sees the row it predicts (stratified k-fold, repeated with other
shuffles and averaged, which steadies the probabilities of small sets). Classes with fewer
rows than folds cannot be cross-validated: their rows are left unchecked and named.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from curate.errors import CurateError

FilterBy = Literal[
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
]
# Strong enough to follow a topic in sentence embeddings, regularised enough not to learn
# each noisy row by heart; measured on the ticket demo (benchmarks/label_issues.py).
INVERSE_REGULARISATION = 10.0


@dataclass(frozen=True)
class Suspect:
    """A row whose given label the out-of-fold model doubts."""

    position: int  # index into the vectors and labels passed in
    given: str
    suggested: str
    confidence: float  # the model's probability of the suggested label
    given_probability: float  # its probability of the given label (cleanlab's self-confidence)
    neighbours: tuple[tuple[int, float], ...]  # nearest rows labelled `suggested`, cosine


@dataclass
class LabelCheck:
    """What one label field's check found, and what it could not check."""

    classes: dict[str, int] = field(default_factory=dict)  # checked classes and their rows
    checked: int = 0
    unlabelled: int = 0
    too_small: dict[str, int] = field(default_factory=dict)  # classes under `folds` rows
    accuracy: float | None = None  # out-of-fold accuracy of the classifier
    suspects: list[Suspect] = field(default_factory=list)  # most confident first
    notice: str = ""  # why the field was (partly) not checked

    @property
    def skipped(self) -> bool:
        return self.accuracy is None


def out_of_fold_probabilities(
    vectors: np.ndarray, y: np.ndarray, *, folds: int, repeats: int, seed: int
) -> np.ndarray:
    """``P(class | row)`` for every row from models that did not train on it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    total = np.zeros((len(y), int(y.max()) + 1))
    for repeat in range(repeats):
        split = StratifiedKFold(folds, shuffle=True, random_state=seed + repeat)
        model = LogisticRegression(C=INVERSE_REGULARISATION, max_iter=2000)
        total += cross_val_predict(model, vectors, y, cv=split, method="predict_proba")
    return total / repeats


def check_labels(
    vectors: np.ndarray,
    labels: list[str | None],
    *,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
    filter_by: FilterBy = "prune_by_noise_rate",
    neighbours: int = 3,
) -> LabelCheck:
    """Find the rows whose label looks wrong; ``vectors`` are unit rows, one per label."""
    _require_libraries()
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    check = LabelCheck(unlabelled=sum(label is None for label in labels))
    counts = Counter(label for label in labels if label is not None)
    check.too_small = {c: n for c, n in sorted(counts.items()) if n < folds}
    classes = sorted(c for c, n in counts.items() if n >= folds)
    check.classes = {c: counts[c] for c in classes}
    if check.too_small:
        shown = ", ".join(f"{c!r} ({n})" for c, n in check.too_small.items())
        check.notice = f"classes with fewer than {folds} rows are not checked: {shown}"
    if len(classes) < 2:
        check.notice = (
            f"fewer than two classes have {folds} or more rows, too few to cross-validate"
            + (f"; {check.notice}" if check.notice else "")
        )
        return check
    index = {c: i for i, c in enumerate(classes)}
    positions = np.array([i for i, label in enumerate(labels) if label in index], dtype=np.int64)
    y = np.array([index[labels[i]] for i in positions], dtype=np.int64)  # type: ignore[index]
    x = vectors[positions]
    probs = out_of_fold_probabilities(x, y, folds=folds, repeats=repeats, seed=seed)
    check.checked = len(y)
    check.accuracy = float((probs.argmax(1) == y).mean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cleanlab warns about classes it finds no issue in
        issues = find_label_issues(y, probs, filter_by=filter_by, n_jobs=1)
        quality = get_label_quality_scores(y, probs, method="self_confidence")
    flagged = np.flatnonzero(issues & (probs.argmax(1) != y))
    flagged = flagged[np.lexsort((flagged, quality[flagged]))]  # least trusted label first
    clean = np.ones(len(y), dtype=bool)
    clean[flagged] = False
    for at in flagged.tolist():
        suggested = int(probs[at].argmax())
        check.suspects.append(
            Suspect(
                position=int(positions[at]),
                given=classes[y[at]],
                suggested=classes[suggested],
                confidence=round(float(probs[at, suggested]), 4),
                given_probability=round(float(probs[at, y[at]]), 4),
                neighbours=_nearest(x, at, clean & (y == suggested), positions, neighbours),
            )
        )
    return check


def _require_libraries() -> None:
    """cleanlab and scikit-learn, or one clear error saying how to get them."""
    for name in ("cleanlab", "sklearn"):
        if importlib.util.find_spec(name) is None:
            raise CurateError(
                f"label_issues needs {name}, which is not installed",
                hint="pip install 'curate[labels]'",
            )


def _nearest(
    x: np.ndarray, at: int, candidates: np.ndarray, positions: np.ndarray, k: int
) -> tuple[tuple[int, float], ...]:
    """The ``k`` candidate rows closest to row ``at``, as (position, cosine)."""
    pool = np.flatnonzero(candidates)
    if k == 0 or len(pool) == 0:
        return ()
    sims = x[pool] @ x[at]
    best = np.argsort(-sims, kind="stable")[:k]
    return tuple((int(positions[pool[b]]), round(float(sims[b]), 4)) for b in best)
