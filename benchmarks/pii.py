"""curate's pii stage against plain Presidio: throughput, recall and precision on one set.

Plain Presidio is what a team writes first: the same offline spaCy model, Presidio's own
recognizers, one ``analyze()`` call per turn text, the same entity types and threshold.
curate's stage adds its recognizers, analyses each distinct text once in ``nlp.pipe``
batches, skips NER where only patterns are asked, and (``--workers 2``) forks processes.

    python benchmarks/pii.py [--n 1000] [--workers 2]

Timings exclude loading the model (both sides load it once before the clock starts).
"""

from __future__ import annotations

import argparse
import os
import time

from pii_eval import BRAND, curate_predictions, print_table, score, support_conversations

from curate.pii.analyzer import DEFAULT_MODEL
from curate.stages.pii import DEFAULT_ENTITIES, PiiConfig

# the peer's Presidio loads tldextract, which otherwise tries the network and prints tracebacks
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")


def plain_presidio(convos, threshold: float):  # type: ignore[no-untyped-def]
    """Per-text ``analyze()`` with a stock AnalyzerEngine; spans per conversation, seconds."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": DEFAULT_MODEL}],
    }
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    entities = [e for e in DEFAULT_ENTITIES if e in analyzer.get_supported_entities("en")]
    analyzer.analyze("warm up, Ana", language="en")
    started = time.perf_counter()
    predicted = []
    for convo in convos:
        spans = []
        for turn, (_, text) in enumerate(convo.turns):
            for r in analyzer.analyze(
                text,
                language="en",
                entities=entities,
                score_threshold=threshold,
                allow_list=[BRAND],
            ):
                spans.append((turn, r.entity_type, r.start, r.end))
        predicted.append(spans)
    return predicted, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="conversations (3 turns each)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    convos = support_conversations(args.n, seed=11)
    texts = sum(len(c.turns) for c in convos)
    config = PiiConfig(allow_list=[BRAND])
    base_pred, base_s = plain_presidio(convos, config.score_threshold)
    runs = {"plain presidio (analyze per text)": (base_pred, base_s)}
    runs["curate pii, 1 process"] = curate_predictions(convos, config)
    parallel = PiiConfig(allow_list=[BRAND], workers=args.workers, parallel_from=1)
    runs[f"curate pii, {args.workers} processes"] = curate_predictions(convos, parallel)
    distinct = len({t for c in convos for _, t in c.turns})
    print(f"{args.n} conversations, {texts} turn texts ({distinct} distinct)")
    print(f"\n{'':<36}{'seconds':>9}{'texts/s':>10}{'speed-up':>10}")
    for name, (_, seconds) in runs.items():
        print(f"{name:<36}{seconds:>9.1f}{texts / seconds:>10.0f}{base_s / seconds:>9.2f}x")
    tables = {name: score(convos, pred) for name, (pred, _) in runs.items()}
    for name, table in tables.items():
        print_table(name, table)
    base, ours = tables["plain presidio (analyze per text)"], tables["curate pii, 1 process"]
    print("\nrecall ratio curate / plain, per type:")
    for entity, m in ours.items():
        if m["gold"] and entity in base and base[entity]["recall"] > 0:
            print(f"  {entity:<16}{m['recall'] / base[entity]['recall']:>6.2f}")
        elif m["gold"]:
            print(f"  {entity:<16}  plain Presidio finds none (recall {m['recall']:.3f} here)")


if __name__ == "__main__":
    main()
