"""What ``curate eval`` measured, read from its eval_results.json.

The results file grows (intervals, paired tests), so every field is read defensively: a
shape this module does not know reads as "not measured", never as an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from curate.errors import CurateError

BASELINES = ("prompted", "few_shot")


@dataclass(frozen=True)
class Measured:
    """One variant's primary score (0..1) and its interval when the file has one."""

    score: float
    interval: tuple[float, float] | None = None

    def shown(self) -> str:
        text = f"{self.score:.1%}"
        if self.interval is not None:
            text += f" [{self.interval[0]:.1%}, {self.interval[1]:.1%}]"
        return text


@dataclass
class EvalEvidence:
    """The variants an eval measured, on how many rows, for which run."""

    path: Path
    run: str | None
    rows: int | None
    limit: int | None
    metric: str | None
    variants: dict[str, Measured] = field(default_factory=dict)

    def best_baseline(self) -> tuple[str, Measured] | None:
        found = [(n, self.variants[n]) for n in BASELINES if n in self.variants]
        return max(found, key=lambda item: item[1].score) if found else None

    def gain_points(self) -> float | None:
        """Tuned minus the best prompting baseline, in points."""
        best = self.best_baseline()
        tuned = self.variants.get("tuned")
        if best is None or tuned is None:
            return None
        return (tuned.score - best[1].score) * 100


def read_eval_results(path: Path) -> EvalEvidence | None:
    """The results at ``path``, or None when curate eval has not written them."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except orjson.JSONDecodeError as exc:
        raise CurateError(f"not a JSON file: {exc}", file=path, hint="rerun curate eval") from None
    if not isinstance(data, dict):
        raise CurateError("not a curate eval results file", file=path, hint="rerun curate eval")
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    rows = data.get("rows")
    evidence = EvalEvidence(
        path,
        config.get("run") if isinstance(config.get("run"), str) else None,
        rows if isinstance(rows, int) else None,
        config.get("limit") if isinstance(config.get("limit"), int) else None,
        None,
    )
    variants = data.get("variants")
    for name, variant in variants.items() if isinstance(variants, dict) else ():
        measured, metric = _primary(variant)
        if measured is not None:
            evidence.variants[str(name)] = measured
            evidence.metric = evidence.metric or metric
    return evidence


def same_run(evidence: EvalEvidence, run_dir: Path) -> bool:
    """The results are of this run folder (or do not say which)."""
    if evidence.run is None:
        return True
    return os.path.normpath(Path(evidence.run).resolve()) == os.path.normpath(run_dir.resolve())


def _primary(variant: Any) -> tuple[Measured | None, str | None]:
    metrics = variant.get("metrics") if isinstance(variant, dict) else None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("primary"), str):
        return None, None
    name = metrics["primary"]
    value = metrics.get(name)
    interval = _interval(metrics.get(f"{name}_ci"))
    if isinstance(value, dict):  # {value|estimate|point, low, high, ...}
        interval = interval or _interval(value.get("ci") or [value.get("low"), value.get("high")])
        value = next((value[k] for k in ("value", "estimate", "point") if k in value), None)
    cis = metrics.get("ci") or metrics.get("intervals")
    if interval is None and isinstance(cis, dict):
        interval = _interval(cis.get(name))
    if not _number(value):
        return None, name
    return Measured(float(value), interval), name


def _interval(value: Any) -> tuple[float, float] | None:
    if isinstance(value, dict):
        value = [value.get("low"), value.get("high")]
    if isinstance(value, list | tuple) and len(value) == 2 and all(_number(v) for v in value):
        return float(value[0]), float(value[1])
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
