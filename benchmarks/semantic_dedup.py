"""Semantic dedup, curate against its peers, on one labelled paraphrase set in one run.

    python benchmarks/semantic_dedup.py                  # ~2.3k texts (tier-1 real text in full)
    python benchmarks/semantic_dedup.py --n 10000 --json out.json
    python benchmarks/semantic_dedup.py --n 100000 --tools cascade-int8,semhash-static \
        --reference-sample 10000 --reference-model minilm-onnx-int8

The cascade rows (issue 21) run the stage with ``prefilter: static``: static vectors propose
pairs at ``--prefilter`` cosine and MiniLM (fp32, or int8 ONNX for ``cascade-int8``) embeds
only their texts. MiniLM alone embeds 100k texts far too slowly here (tens of texts/s under
load), so at 100k its recall reference comes from ``--reference-sample``: MiniLM alone on a
seeded sample of that many texts, each of its pairs counted as found when a row put both texts
in one cluster of its full-size run (printed as "recall vs MiniLM on the sample").

Rows (each in its own subprocess, so peaks do not mix; the encoder is the offline
all-MiniLM-L6-v2 from ``curate.embed.load_encoder()`` for both embedding tools):

* curate stage: ``SemanticDedup`` on an ingested batch with a fresh embedding cache
  (embedding + FAISS pair search + clustering);
* semhash: ``SemHash.from_records`` + ``self_deduplicate`` with curate's encoder wrapped;
* datasketch: MinHash (128 permutations) + MinHashLSH at a Jaccard threshold;
* shared vectors: curate's ``near_duplicate_pairs`` + ``direct_duplicates`` and semhash's
  ``from_embeddings`` + ``self_deduplicate``, both given the vectors the curate row computed,
  to isolate search and clustering cost.

Timing: wall seconds (and process CPU seconds, less sensitive to other load on a shared machine)
of the dedup call only; imports, model load, data load and one warm-up
encode are "setup". Memory: ``ru_maxrss`` of the worker process (everything it loaded), and
the growth during the timed call (RSS sampled every 5 ms minus RSS just before it).

Pairs: every tool's output is turned into links (curate: dropped row -> the kept row it
repeats, ``related_id``; semhash: record -> ``duplicate_of``; LSH: item -> each candidate);
clusters are the connected components of those links, and a predicted pair is any two items in
one cluster. Known pairs: any two texts of one planted group (see ``paraphrase_set.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paraphrase_set import STRENGTHS, ParaphraseSet, build

TOOLS = (
    "curate",
    "minilm-int8",
    "cascade",
    "cascade-int8",
    "semhash-static",
    "semhash",
    "minhash",
    "curate-pairs",
    "semhash-vectors",
)
DEFAULT_TOOLS = ("curate", "minilm-int8", "cascade", "cascade-int8", "semhash-static", "minhash")
# curate stage rows: (model, prefilter); "curate" is MiniLM alone, the reference
STAGE_ROWS: dict[str, tuple[str | None, str | None]] = {
    "curate": (None, None),
    "minilm-int8": ("minilm-onnx-int8", None),
    "cascade": (None, "static"),
    "cascade-int8": ("minilm-onnx-int8", "static"),
}
LABELS = {
    "curate": "curate SemanticDedup, MiniLM alone",
    "minilm-int8": "curate SemanticDedup, MiniLM int8 alone",
    "cascade": "curate cascade: static prefilter + MiniLM",
    "cascade-int8": "curate cascade: static prefilter + MiniLM int8",
    "semhash-static": "semhash self_deduplicate, static encoder",
    "semhash": "semhash self_deduplicate",
    "minhash": "datasketch MinHash+LSH",
    "curate-pairs": "curate near_duplicate_pairs (shared vectors)",
    "semhash-vectors": "semhash from_embeddings (shared vectors)",
}
MEASURED = ("seconds", "cpu_s", "setup_s", "peak_rss_mb", "grew_mb")
BASELINE = {
    "curate": "semhash-static",
    "minilm-int8": "semhash-static",
    "cascade": "semhash-static",
    "cascade-int8": "semhash-static",
    "semhash-static": "semhash-static",
    "semhash": "semhash-static",
    "minhash": "semhash-static",
    "curate-pairs": "semhash-vectors",
    "semhash-vectors": "semhash-vectors",
}


# ---------------------------------------------------------------- worker side (one per tool)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


_CPU_SECONDS = [0.0]  # CPU time (all threads) of the last timed call


def _timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """``(result, seconds, RSS growth in MB)`` of ``call``, RSS sampled by a thread."""
    before = _rss_mb()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu = time.process_time()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    _CPU_SECONDS[0] = time.process_time() - cpu
    done.set()
    sampler.join()
    return result, seconds, max(peak[0], _rss_mb()) - before


def _preload_curate() -> None:
    """Import what ``near_duplicate_pairs`` imports lazily, so its import is not timed (the
    peers' imports are not either)."""
    import faiss  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401


def _encoder(model: str | None = None, batch_size: int = 64) -> Any:
    from curate.embed import load_encoder

    encoder = load_encoder(model, batch_size=batch_size)  # the cached object the stage gets
    encoder.encode(["warm up the model once before timing"])
    return encoder


def work_curate(texts: list[str], answers: list[str], work: Path, args: Any) -> dict[str, Any]:
    """The real stage on an ingested batch, fresh cache; the MiniLM row saves its vectors for
    the shared rows. ``--workspace`` reuses a cache (the reference sample), untimed."""
    import numpy as np
    import orjson

    from curate.io.ingest import InputSource, ingest
    from curate.stages.base import RunContext
    from curate.stages.semantic_dedup import SemanticDedup, SemanticDedupConfig

    path = work / "data.jsonl"
    with open(path, "wb") as handle:
        for q, a in zip(texts, answers, strict=True):
            messages = [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
            handle.write(orjson.dumps({"messages": messages}) + b"\n")
    batch, rejected, _ = ingest([InputSource(path, path.name)])
    assert rejected.height == 0 and batch.height == len(texts)
    model, prefilter = STAGE_ROWS[args.worker]
    _encoder(model)
    if prefilter:
        _encoder(prefilter, 1024)
    _preload_curate()
    config = SemanticDedupConfig(
        threshold=args.threshold,
        text="user",
        keep="first",
        model=model,
        prefilter=prefilter,
        prefilter_threshold=args.prefilter,
    )
    stage = SemanticDedup(config)
    # fresh: every text is embedded inside the timed call
    workspace = Path(args.workspace) if args.workspace else work / "workspace"
    ctx = RunContext(run_dir=work / "workspace", workspace=workspace)
    result, seconds, grew = _timed(lambda: stage.run(batch, ctx))
    if not args.workspace:
        expected = result.metrics.get("rescored", len(texts))
        assert result.metrics["embedded"] == expected, result.metrics
    dropped = result.rejected
    position = {key: line - 1 for key, line in zip(batch["id"], batch["source_line"], strict=True)}
    links = [
        (line - 1, position[twin])
        for line, twin in zip(dropped["source_line"], dropped["related_id"], strict=True)
    ]
    if args.worker == "curate" and not args.workspace:
        ordered = batch.sort("source_line")
        vectors, embedded = stage.config.spec().embed(ordered, workspace)  # cached, untimed
        assert embedded == 0
        np.save(Path(args.shared) / "vectors.npy", vectors)
    out = {"seconds": seconds, "grew_mb": grew, "links": links, "metrics": result.metrics}
    return out | {"workspace": str(workspace)}


def work_curate_pairs(
    texts: list[str], answers: list[str], work: Path, args: Any
) -> dict[str, Any]:
    """curate's pair search and clustering alone, on the curate row's vectors."""
    import numpy as np

    from curate.dedup.neighbours import clusters_from_pairs, direct_duplicates, near_duplicate_pairs

    vectors = np.load(Path(args.shared) / "vectors.npy")
    _preload_curate()

    def search() -> Any:
        i, j, sims = near_duplicate_pairs(vectors, args.threshold)
        clusters_from_pairs(len(vectors), i, j)  # the split groups, as the stage does
        return direct_duplicates(np.arange(len(vectors)), i, j, sims)[0]

    duplicate_of, seconds, grew = _timed(search)
    dropped = np.flatnonzero(duplicate_of >= 0)
    return {
        "seconds": seconds,
        "grew_mb": grew,
        "links": list(zip(dropped.tolist(), duplicate_of[dropped].tolist(), strict=True)),
    }


class _Wrapped:
    """curate's encoder as semhash's ``Encoder`` protocol (``encode(inputs, **kwargs)``)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def encode(self, inputs: Iterable[str], **_: Any) -> Any:
        return self.encoder.encode(list(inputs))


def _semhash_links(result: Any) -> list[tuple[int, int]]:
    return [(int(d.record["id"]), int(d.duplicate_of["id"])) for d in result.filtered]


def work_semhash(texts: list[str], answers: list[str], work: Path, args: Any) -> dict[str, Any]:
    """semhash end to end: embed with curate's encoder (MiniLM, or the static one for
    ``semhash-static``), index, self-deduplicate."""
    from semhash import SemHash

    static = args.worker == "semhash-static"
    model = _Wrapped(_encoder("static", 1024) if static else _encoder())
    records = [{"id": str(k), "text": t} for k, t in enumerate(texts)]

    def dedup() -> Any:
        index = SemHash.from_records(records, columns=["text"], model=model)
        return index.self_deduplicate(threshold=args.threshold)

    result, seconds, grew = _timed(dedup)
    return {"seconds": seconds, "grew_mb": grew, "links": _semhash_links(result)}


def work_semhash_vectors(
    texts: list[str], answers: list[str], work: Path, args: Any
) -> dict[str, Any]:
    """semhash given the curate row's vectors: index and self-deduplicate only."""
    import numpy as np
    from semhash import SemHash

    vectors = np.load(Path(args.shared) / "vectors.npy")
    records = [{"id": str(k), "text": t} for k, t in enumerate(texts)]

    class _Unused:
        def encode(self, inputs: Iterable[str], **_: Any) -> Any:
            raise AssertionError("from_embeddings must not encode")

    def dedup() -> Any:
        index = SemHash.from_embeddings(vectors, records, model=_Unused(), columns=["text"])
        return index.self_deduplicate(threshold=args.threshold)

    result, seconds, grew = _timed(dedup)
    return {"seconds": seconds, "grew_mb": grew, "links": _semhash_links(result)}


WORD = re.compile(r"\w+")


def shingles(text: str, kind: str) -> set[str]:
    """Word 3-grams (``word3``) or character 5-grams (``char5``) of the case-folded words."""
    words = WORD.findall(text.lower())
    if kind == "word3":
        return {" ".join(words[k : k + 3]) for k in range(max(1, len(words) - 2))}
    flat = " ".join(words)
    return {flat[k : k + 5] for k in range(max(1, len(flat) - 4))}


def work_minhash(texts: list[str], answers: list[str], work: Path, args: Any) -> dict[str, Any]:
    """MinHash every text, insert all into the LSH index, then query each one."""
    from datasketch import MinHash, MinHashLSH

    def dedup() -> list[tuple[int, int]]:
        lsh = MinHashLSH(threshold=args.jaccard, num_perm=128)
        hashes = []
        for k, text in enumerate(texts):
            m = MinHash(num_perm=128, seed=1)
            m.update_batch([s.encode() for s in shingles(text, args.shingle)])
            lsh.insert(k, m)
            hashes.append(m)
        return [(k, hit) for k, m in enumerate(hashes) for hit in lsh.query(m) if hit != k]

    links, seconds, grew = _timed(dedup)
    return {"seconds": seconds, "grew_mb": grew, "links": links}


WORKERS = {
    "curate": work_curate,
    "minilm-int8": work_curate,
    "cascade": work_curate,
    "cascade-int8": work_curate,
    "semhash-static": work_semhash,
    "semhash": work_semhash,
    "minhash": work_minhash,
    "curate-pairs": work_curate_pairs,
    "semhash-vectors": work_semhash_vectors,
}


def worker_main(args: argparse.Namespace) -> None:
    """Run one tool on ``--shared``/data.json; write ``--work``/result.json."""
    started = time.perf_counter()
    work = Path(args.work)
    data = json.loads((Path(args.shared) / "data.json").read_text())
    texts, answers = data["texts"], data["answers"]
    if args.sample:  # the reference run: only the sampled texts, links in full-set positions
        chosen = json.loads(Path(args.sample).read_text())
        texts, answers = [texts[k] for k in chosen], [answers[k] for k in chosen]
    out = WORKERS[args.worker](texts, answers, work, args)
    if args.sample:
        out["links"] = [(chosen[a], chosen[b]) for a, b in out["links"]]
    out["setup_s"] = time.perf_counter() - started - out["seconds"]
    out["cpu_s"] = _CPU_SECONDS[0]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (work / "result.json").write_text(json.dumps(out))


# ---------------------------------------------------------------- parent side


def cluster_pairs(n: int, links: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Every pair of items in one connected component of ``links``."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for x in range(n):
        members.setdefault(root(x), []).append(x)
    return {p for group in members.values() if len(group) > 1 for p in combinations(group, 2)}


def score(data: ParaphraseSet, predicted: set[tuple[int, int]]) -> dict[str, Any]:
    """Pair-level precision, recall, F1; recall per strength; false pairs between originals."""
    hits = predicted & data.truth
    precision = len(hits) / len(predicted) if predicted else 1.0
    recall = len(hits) / len(data.truth) if data.truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_strength = {}
    for level in STRENGTHS:
        known = [p for p in data.truth if data.pair_strength(p) == level]
        by_strength[level] = sum(p in hits for p in known) / len(known) if known else None
    originals = {k for k, s in enumerate(data.strength) if s == "original"}
    false_orig = sum(1 for a, b in predicted - data.truth if a in originals and b in originals)
    return {
        "pairs": len(predicted),
        "true_pairs": len(hits),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_by_strength": by_strength,
        "false_pairs_between_originals": false_orig,
    }


def run_worker(
    tool: str, rep: int | str, work: Path, args: argparse.Namespace, *extra: str
) -> dict[str, Any]:
    """Run ``tool`` in a fresh process with its own scratch folder under ``work``."""
    scratch = work / f"{tool}-{rep}"
    scratch.mkdir()
    command = [
        sys.executable,
        __file__,
        *extra,
        "--worker",
        tool,
        "--work",
        str(scratch),
        "--shared",
        str(work),
        "--threshold",
        str(args.threshold),
        "--jaccard",
        str(args.jaccard),
        "--shingle",
        args.shingle,
        "--prefilter",
        str(args.prefilter),
    ]
    subprocess.run(command, check=True)
    return json.loads((scratch / "result.json").read_text())


def table(rows: dict[str, dict[str, Any]], n: int) -> str:
    head = (
        "| tool | texts | wall s (min–max) | CPU s | setup s | peak RSS MB | Δ RSS MB | pairs "
        "| precision | recall | F1 | time × semhash | CPU × semhash | peak × semhash "
        "| Δ × semhash |"
    )
    lines = [head, "|" + "---|" * 15]
    for tool, r in rows.items():
        base = rows.get(BASELINE[tool])
        ratio = (
            (
                f"{r['seconds'] / base['seconds']:.2f}",
                f"{r['cpu_s'] / base['cpu_s']:.2f}",
                f"{r['peak_rss_mb'] / base['peak_rss_mb']:.2f}",
                f"{r['grew_mb'] / base['grew_mb']:.2f}" if base["grew_mb"] > 0.5 else "n/a",
            )
            if base
            else ("n/a",) * 4
        )
        spread = r["seconds_each"]
        wall = f"{r['seconds']:.2f}"
        if len(spread) > 1:
            wall += f" ({min(spread):.2f}–{max(spread):.2f})"
        lines.append(
            f"| {LABELS[tool]} | {n} | {wall} | {r['cpu_s']:.2f} | {r['setup_s']:.1f} "
            f"| {r['peak_rss_mb']:.0f} | {r['grew_mb']:.0f} | {r['pairs']} "
            f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
            + " | ".join(ratio)
            + " |"
        )
    return "\n".join(lines)


def strength_table(rows: dict[str, dict[str, Any]], data: ParaphraseSet) -> str:
    counts = {s: sum(data.pair_strength(p) == s for p in data.truth) for s in STRENGTHS}
    head = "| tool | " + " | ".join(f"recall {s} ({counts[s]} pairs)" for s in STRENGTHS)
    lines = [head + " | false pairs between two originals |", "|" + "---|" * 5]
    for tool, r in rows.items():
        cells = [f"{r['recall_by_strength'][s]:.3f}" for s in STRENGTHS]
        lines.append(
            f"| {LABELS[tool]} | "
            + " | ".join(cells)
            + f" | {r['false_pairs_between_originals']} |"
        )
    return "\n".join(lines)


def reference_table(rows: dict[str, dict[str, Any]], what: str) -> str:
    """Each row against MiniLM alone: the share of MiniLM's pairs it found, overall and on
    hard paraphrases, and the share of its texts MiniLM embedded (cascade rows)."""
    head = f"| tool | recall vs {what} | hard-pair recall vs {what} | texts MiniLM embedded |"
    lines = [head, "|---|---|---|---|"]
    for tool, r in rows.items():
        if "recall_vs_minilm" not in r:
            continue
        hard = r["hard_recall_vs_minilm"]
        embedded = r.get("metrics", {}).get("rescored")
        if embedded is None:
            embedded = "all" if tool in STAGE_ROWS or tool == "semhash" else "none"
        lines.append(
            f"| {LABELS[tool]} | {r['recall_vs_minilm']:.3f} "
            f"| {'n/a' if hard is None else f'{hard:.3f}'} | {embedded} |"
        )
    return "\n".join(lines)


def against(
    data: ParaphraseSet, predicted: set[tuple[int, int]], reference: set[tuple[int, int]]
) -> dict[str, float | None]:
    """Share of the reference (MiniLM alone) pairs that ``predicted`` holds, all and hard."""
    hard = {p for p in reference if p in data.truth and data.pair_strength(p) == "hard"}
    share = len(predicted & reference) / len(reference) if reference else None
    hard_share = len(predicted & hard) / len(hard) if hard else None
    return {"recall_vs_minilm": share, "hard_recall_vs_minilm": hard_share}


def _reference_pairs(
    data: ParaphraseSet, work: Path, args: argparse.Namespace, runs: dict[str, list[Any]]
) -> set[tuple[int, int]]:
    """MiniLM alone (``--reference-model``) on a seeded sample of ``--reference-sample``
    texts, untimed, reusing the vectors a cascade row already cached."""
    import random

    chosen = sorted(random.Random(args.seed).sample(range(len(data.texts)), args.reference_sample))
    (work / "sample.json").write_text(json.dumps(chosen))
    tool = "minilm-int8" if args.reference_model == "minilm-onnx-int8" else "curate"
    cached = [o[0]["workspace"] for t, o in runs.items() if t.startswith("cascade") and o]
    extra = ["--sample", str(work / "sample.json")]
    if cached:
        extra += ["--workspace", cached[-1]]
    print(f"reference: MiniLM alone on {len(chosen)} sampled texts ...", file=sys.stderr)
    out = run_worker(tool, "reference", work, args, *extra)
    return cluster_pairs(len(data.texts), out["links"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=None, help="about this many texts")
    parser.add_argument("--frac", type=float, default=0.25, help="share of originals paraphrased")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=0.92, help="cosine, curate and semhash")
    parser.add_argument("--jaccard", type=float, default=0.7, help="MinHashLSH threshold")
    parser.add_argument("--shingle", choices=("char5", "word3"), default="char5")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; medians shown")
    parser.add_argument("--tools", default=",".join(DEFAULT_TOOLS), help="comma-separated")
    parser.add_argument("--prefilter", type=float, default=0.85, help="cascade static cosine")
    parser.add_argument(
        "--reference-sample",
        type=int,
        default=0,
        help="MiniLM alone on a sample of this many texts instead of the full set (100k)",
    )
    parser.add_argument("--reference-model", default=None, help="MiniLM mode of the reference")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--shared", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    parser.add_argument("--workspace", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        worker_main(args)
        return
    tools = [t for t in TOOLS if t in args.tools.split(",")]
    if {"curate-pairs", "semhash-vectors"} & set(tools) and "curate" not in tools:
        parser.error("the shared-vector rows need the curate row (it writes the vectors)")
    data = build(args.n, args.frac, args.seed)
    n = len(data.texts)
    planted = sum(s != "original" for s in data.strength)
    print(
        f"{n} texts: {n - planted} real originals, {planted} planted paraphrases, "
        f"{len(data.truth)} known duplicate pairs; cosine {args.threshold}, "
        f"Jaccard {args.jaccard} on {args.shingle} shingles. {data.note}",
        file=sys.stderr,
    )
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="semdedup-bench-") as tmp:
        work = Path(tmp)
        (work / "data.json").write_text(json.dumps({"texts": data.texts, "answers": data.answers}))
        runs: dict[str, list[dict[str, Any]]] = {tool: [] for tool in tools}
        for rep in range(args.repeat):  # odd repeats run in reverse order, to spread load drift
            for tool in tools if rep % 2 == 0 else tools[::-1]:
                print(f"repeat {rep + 1}: running {tool} ...", file=sys.stderr, flush=True)
                runs[tool].append(run_worker(tool, rep, work, args))
        predicted: dict[str, set[tuple[int, int]]] = {}
        for tool, outs in runs.items():
            links = outs[0].pop("links")  # quality from the first repeat
            rows[tool] = {key: median(o[key] for o in outs) for key in MEASURED}
            rows[tool]["seconds_each"] = [round(o["seconds"], 3) for o in outs]
            rows[tool]["metrics"] = outs[0].get("metrics", {})
            predicted[tool] = cluster_pairs(n, links)
            rows[tool].update(score(data, predicted[tool]))
        what, reference = "MiniLM", predicted.get("curate")
        if args.reference_sample:
            reference, what = _reference_pairs(data, work, args, runs), "MiniLM on the sample"
            sample = set(json.loads((work / "sample.json").read_text()))
            for tool in tools:  # only pairs inside the sample can be compared
                predicted[tool] = {p for p in predicted[tool] if p[0] in sample and p[1] in sample}
        if reference is not None:
            for tool in tools:
                rows[tool].update(against(data, predicted[tool], reference))
    print(table(rows, n))
    print()
    print(strength_table(rows, data))
    if reference is not None:
        print()
        print(reference_table(rows, what))
    if args.json:
        summary = {
            "texts": n,
            "planted": planted,
            "known_pairs": len(data.truth),
            "note": data.note,
            "args": {k: str(v) for k, v in vars(args).items() if k not in ("worker", "work")},
            "rows": rows,
        }
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
