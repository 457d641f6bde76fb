"""One million short texts through the static encoder and an HNSW near-duplicate search.

Texts are generated (1 in 10 is a light rewording of an earlier one) and embedded in batches
into one preallocated float32 array, so memory is the vectors plus the HNSW graph.

    python benchmarks/static_million.py [--n 1000000] [--batch 50000] [--threshold 0.9]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

SUBJECTS = [
    "my order",
    "the tent",
    "a refund",
    "the headlamp",
    "my password",
    "the invoice",
    "a gift card",
    "the stove",
    "my account",
    "the kayak",
    "the warranty",
    "a jacket",
]
VERBS = [
    "cancel",
    "return",
    "track",
    "reset",
    "change",
    "repair",
    "exchange",
    "find",
    "pay for",
    "ship",
    "register",
    "wash",
]
TAILS = [
    "today",
    "before Friday",
    "from Canada",
    "without a receipt",
    "after 30 days",
    "online",
    "in store",
    "for a friend",
    "twice",
    "again",
    "this week",
    "on my phone",
]
OPENERS = ["How do I", "Can I", "Is it possible to", "Where can I", "Why can't I", "Help me"]


def texts_for(start: int, count: int, seed: int = 0) -> list[str]:
    """``count`` texts with global numbers ``start..``; deterministic, no state kept."""
    out = []
    for n in range(start, start + count):
        rng = np.random.default_rng((seed, n))
        twin = n >= 10 and n % 10 == 0
        base = np.random.default_rng((seed, int(rng.integers(0, n)))) if twin else rng
        o, v, s, t = (int(base.integers(0, len(x))) for x in (OPENERS, VERBS, SUBJECTS, TAILS))
        code = int(base.integers(0, 100_000))
        text = f"{OPENERS[o]} {VERBS[v]} {SUBJECTS[s]} {TAILS[t]}? Ticket {code}."
        out.append(text.replace("?", ", please?") if twin else text)
    return out


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()

    from curate.dedup.neighbours import near_duplicate_pairs
    from curate.embed import load_encoder

    started = time.perf_counter()
    encoder = load_encoder("static", batch_size=1024)
    print(f"load {time.perf_counter() - started:.1f}s  peak RSS {peak_rss_mib():.0f} MiB")
    vectors = np.zeros((args.n, encoder.dim), dtype=np.float32)
    gen = embed = 0.0
    for start in range(0, args.n, args.batch):
        t0 = time.perf_counter()
        texts = texts_for(start, min(args.batch, args.n - start))
        t1 = time.perf_counter()
        vectors[start : start + len(texts)] = encoder.encode(texts)
        gen, embed = gen + t1 - t0, embed + time.perf_counter() - t1
        print(f"  {start + len(texts):>9,} embedded  peak RSS {peak_rss_mib():.0f} MiB", flush=True)
    print(
        f"generate {gen:.1f}s  embed {embed:.1f}s ({args.n / embed:,.0f} texts/s)"
        f"  peak RSS {peak_rss_mib():.0f} MiB"
    )
    t0 = time.perf_counter()
    i, _, _ = near_duplicate_pairs(vectors, args.threshold, index="hnsw")
    search = time.perf_counter() - t0
    print(f"hnsw pairs {len(i):,} in {search:.1f}s  peak RSS {peak_rss_mib():.0f} MiB")
    print(f"total {time.perf_counter() - started:.1f}s for {args.n:,} texts")


if __name__ == "__main__":
    main()
