"""The sample pipeline's stages on real text nobody here wrote: what each stage rejects, and
how many of the rows it keeps it alters.

Sets (all from installed packages, offline):
- ``zaragoza``: zaragoza-construction-faq's Swedish and English Q&A (1,006 Alpaca rows);
- ``fanoutqa``: fanoutqa's dev questions and every sub-question of their decompositions,
  with the answers (about 2,300 factoid Q&A rows);
- ``sample``: curate's own sample data (the support chats and the other files).

Per set it prints, per stage, the share of input rows rejected and the share of kept rows
whose text the stage changed, the PII findings by type with the most frequent redacted
spans, and the identical prompts that ended in two splits (the target is none). Then PII
precision and recall where labels exist: presidio-evaluator's labelled sentences and the
labelled support chats of ``pii_eval.py``, with the stage's default settings.

Targets (issue 15): at most 3% of kept Zaragoza and FanOutQA examples altered by PII;
pattern recall 1.0 and PERSON recall >= 0.94 on the labelled sets; no cross-split prompt.

    python benchmarks/real_data.py [--sets zaragoza fanoutqa sample] [--presidio 400]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import curate  # noqa: E402
from curate.record import normalized_prompt_expr  # noqa: E402
from curate.runs.layout import RunLayout  # noqa: E402

# The knowledge-Q&A sets name public figures on purpose: there the pii stage keeps a name
# unless contact data or an identifier is near it (a careful user's setting for such a set).
KNOWLEDGE_SETS = {"zaragoza", "fanoutqa"}


def package_data(package: str) -> Path:
    """A package's data folder, found without importing it (fanoutqa's import needs extras)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{package} is not installed: pip install -e '.[bench]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def zaragoza_files() -> list[Path]:
    data = package_data("zaragoza_construction_faq")
    return [data / "faq-alpaca.jsonl", data / "faq-en-alpaca.jsonl"]


def fanoutqa_rows() -> list[dict[str, str]]:
    """Every question of the dev set's decomposition trees with its answer, as Alpaca rows."""
    data = package_data("fanoutqa") / "fanout-final-dev.json"
    rows: list[dict[str, str]] = []

    def walk(node: dict[str, Any]) -> None:
        rows.append({"instruction": node["question"], "output": _answer_text(node["answer"])})
        for child in node.get("decomposition") or []:
            walk(child)

    for question in json.loads(data.read_text(encoding="utf-8")):
        walk(question)
    return rows


def _answer_text(answer: Any) -> str:
    if isinstance(answer, dict):
        return "; ".join(f"{k}: {_answer_text(v)}" for k, v in answer.items())
    if isinstance(answer, list):
        return ", ".join(_answer_text(v) for v in answer)
    return str(answer)


def sample_files() -> list[Path]:
    pipeline = yaml.safe_load((ROOT / "pipelines" / "sample.yaml").read_text())
    return [(ROOT / "pipelines" / p).resolve() for p in pipeline["inputs"]]


def sample_stages(person_policy: str) -> list[Any]:
    """pipelines/sample.yaml's stages without the judge (it needs a remote model)."""
    pipeline = yaml.safe_load((ROOT / "pipelines" / "sample.yaml").read_text())
    stages = []
    for spec in pipeline["stages"]:
        name, options = (spec, {}) if isinstance(spec, str) else next(iter(spec.items()))
        if name == "judge":
            continue
        if name == "pii":
            options = {**options, "person_policy": person_policy}
        if name == "quality" and person_policy == "private_only":
            options = {}  # the defaults: the sample's 20-character minimum is for support chats
        if name == "split":
            options = {k: v for k, v in options.items() if k != "stratify"}
        stages.append({name: options} if options else name)
    return stages


def conversation_texts(frame: pl.DataFrame) -> dict[int, bytes]:
    """Each row's turns (messages, chosen, rejected), serialised, by row number."""
    columns = [c for c in ("messages", "chosen", "rejected") if c in frame.columns]
    return {
        row["row"]: orjson.dumps([row[c] for c in columns])
        for row in frame.select("row", *columns).iter_rows(named=True)
    }


def stage_table(run_dir: Path) -> list[tuple[str, int, int, int, int]]:
    """(stage, input, rejected, kept, kept rows altered) for every stage after ingest."""
    layout = RunLayout(run_dir)
    folders = layout.stage_folders()
    out = []
    before = conversation_texts(pl.read_parquet(folders[0].kept))
    for folder in folders[1:]:
        kept = pl.read_parquet(folder.kept)
        rejected = pl.read_parquet(folder.rejected)
        after = conversation_texts(kept)
        altered = sum(1 for row, text in after.items() if before.get(row) != text)
        out.append(
            (folder.name, kept.height + rejected.height, rejected.height, kept.height, altered)
        )
        before = after
    return out


def cross_split_prompts(kept: pl.DataFrame) -> int:
    """Prompts (normalised, without the final answer) that sit in more than one split."""
    keyed = kept.with_columns(_prompt=normalized_prompt_expr()).filter(
        pl.col("_prompt").is_not_null()
    )
    shared = keyed.group_by("_prompt").agg(pl.col("split").n_unique().alias("n"))
    return int(shared.filter(pl.col("n") > 1).height)


def pii_summary(run_dir: Path) -> list[str]:
    """The pii stage's per-type changes and most frequent changed spans, as lines."""
    folder = RunLayout(run_dir).stage("pii")
    if folder is None:
        return []
    metrics = folder.entry().metrics
    shares = orjson.loads(str(metrics.get("changed_share_by_type", "{}")))
    spans = orjson.loads(str(metrics.get("top_changed_spans", "{}")))
    lines = []
    for entity, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        top = ", ".join(f"{t!r} {n}" for t, n in spans.get(entity, [])[:8])
        lines.append(f"    {entity:<16} {share:6.1%} of examples changed   {top}")
    for key in ("other_language_turns", "precision_rules", "recurring_flagged_spans"):
        lines.append(f"    {key}: {metrics.get(key)}")
    return lines


# The sample's pii step rewrites every default type but these (flagged only).
FLAGGED_TYPES = {"LOCATION", "URL"}


def presidio_altered(run_dir: Path) -> tuple[int, int]:
    """The peer: plain Presidio (same spaCy model, its own recognizers, score 0.35) on the
    rows the pii stage got; how many rows it would rewrite, of how many."""
    import os

    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from curate.pii.analyzer import DEFAULT_MODEL

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": DEFAULT_MODEL}],
    }
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    wanted = [e for e in analyzer.get_supported_entities("en") if e not in FLAGGED_TYPES]
    layout = RunLayout(run_dir)
    folders = layout.stage_folders()
    pii_at = next(i for i, f in enumerate(folders) if f.name == "pii")
    rows = pl.read_parquet(folders[pii_at - 1].kept)
    altered = 0
    for messages in rows["messages"].to_list():
        texts = [m["content"] for m in messages or [] if m["content"]]
        altered += any(
            analyzer.analyze(t, "en", entities=wanted, score_threshold=0.35) for t in texts
        )
    return altered, rows.height


def run_set(name: str, data: Any, workspace: Path, person_policy: str) -> dict[str, float]:
    if person_policy == "auto":
        person_policy = "private_only" if name in KNOWLEDGE_SETS else "all"
    started = time.perf_counter()
    result = curate.run(data, stages=sample_stages(person_policy), workspace=workspace, name=name)
    seconds = time.perf_counter() - started
    rows_in = result.manifest.totals.input_rows
    print(f"\n== {name}: {rows_in} rows in, person_policy {person_policy}, {seconds:.0f} s ==")
    header = f"{'stage':<16}{'input':>7}{'rejected':>10}{'share':>8}{'kept':>7}{'altered':>9}"
    print(f"  {header}{'share':>8}")
    figures: dict[str, float] = {}
    for stage, n_in, n_rej, n_kept, altered in stage_table(result.run_dir):
        rej_share = n_rej / n_in if n_in else 0.0
        alt_share = altered / n_kept if n_kept else 0.0
        print(
            f"  {stage:<16}{n_in:>7}{n_rej:>10}{rej_share:>8.1%}{n_kept:>7}{altered:>9}"
            f"{alt_share:>8.1%}"
        )
        figures[f"{stage}.altered_share"] = alt_share
        figures[f"{stage}.rejected_share"] = rej_share
    for line in pii_summary(result.run_dir):
        print(line)
    peer, rows = presidio_altered(result.run_dir)
    ours = figures.get("pii.altered_share", 0.0)
    print(
        f"  peer, plain Presidio on the same rows: {peer} of {rows} altered ({peer / rows:.1%}); "
        f"curate alters {ours:.1%}, {ours / (peer / rows) if peer else float('nan'):.2f}x the peer"
    )
    leaks = cross_split_prompts(result.kept)
    print(f"  identical prompts in two splits: {leaks}")
    figures["cross_split_prompts"] = leaks
    return figures


def labelled_pii(presidio: int, support: int) -> None:
    """Precision and recall of the pii stage's defaults on the labelled sets."""
    from pii_eval import (
        BRAND,
        curate_predictions,
        presidio_sentences,
        print_table,
        score,
        support_conversations,
    )

    from curate.stages.pii import PiiConfig

    config = PiiConfig(allow_list=[BRAND])
    sets = [(f"labelled support chats (n={support})", support_conversations(support))]
    try:
        sets.insert(
            0, (f"presidio-evaluator sentences (n={presidio})", presidio_sentences(presidio))
        )
    except ImportError as exc:
        print(
            f"\npresidio-evaluator sentences skipped ({exc.name} missing): pip install --no-deps "
            "presidio-evaluator presidio-anonymizer python-dotenv xmltodict"
        )
    for title, convos in sets:
        predicted, seconds = curate_predictions(convos, config)
        print_table(f"{title}, {seconds:.1f} s", score(convos, predicted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["zaragoza", "fanoutqa", "sample"])
    parser.add_argument("--presidio", type=int, default=400, help="labelled sentences")
    parser.add_argument("--support", type=int, default=400, help="labelled support chats")
    parser.add_argument(
        "--person-policy",
        choices=["auto", "all", "private_only"],
        default="auto",
        help="auto: private_only on the knowledge Q&A sets, all on the sample chats",
    )
    args = parser.parse_args()
    sources = {"zaragoza": zaragoza_files, "fanoutqa": fanoutqa_rows, "sample": sample_files}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            run_set(name, sources[name](), Path(tmp) / name, args.person_policy)
    if args.presidio or args.support:
        labelled_pii(args.presidio, args.support)


if __name__ == "__main__":
    main()
