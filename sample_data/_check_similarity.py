"""Pairwise MiniLM cosines over every parsed row of the sample files (needs curate[embed]).

Run ``python sample_data/_check_similarity.py [threshold]``. Text per row is curate's
user+assistant text (turn contents joined by blank lines, no system prompt). Reports the
lowest cosine among planted paraphrase pairs, the highest among all other pairs, and every
unplanted pair at or above the threshold (default 0.92); exits 1 if a planted near-duplicate
sits under the threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from curate.embed import load_encoder
from curate.io.ingest import InputSource, ingest
from curate.record import role_text_expr

HERE = Path(__file__).resolve().parent
FILES = ("support_chat.jsonl", "alpaca.json", "sharegpt.jsonl", "preference.jsonl", "faq.csv")


def main() -> int:
    threshold = float(sys.argv[1]) if len(sys.argv) > 1 else 0.92
    frame, _, _ = ingest([InputSource(HERE / f, f) for f in FILES])
    texts = frame.select(role_text_expr(("user", "assistant"))).to_series().to_list()
    keys = list(
        zip(
            [Path(f).name for f in frame["source_file"].to_list()],
            frame["source_line"].to_list(),
            strict=True,
        )
    )
    manifest = json.loads((HERE / "planted.json").read_text())["planted"]

    def key(e: dict, row: str = "row", line: str = "line") -> tuple[str, int]:
        return (e["file"], e[row] if e["file"].endswith(".json") else e[line])

    pairs: dict[frozenset, str] = {}
    faq = [key(e) for e in manifest if e["problem"] == "popular_faq_paraphrase"]
    for e in manifest:
        if "source_row" in e:
            pairs[frozenset((key(e), key(e, "source_row", "source_line")))] = e["problem"]
    for a in faq:
        for b in faq:
            if a != b:
                pairs[frozenset((a, b))] = "popular_faq_paraphrase"
    index = {k: i for i, k in enumerate(keys)}
    vecs = load_encoder().encode(texts)
    sims = vecs @ vecs.T
    low: dict[str, float] = {}
    for pair, problem in pairs.items():
        a, b = sorted(pair)
        s = float(sims[index[a], index[b]])
        if problem == "popular_faq_paraphrase" and faq[0] not in pair:
            problem = "popular_faq (members among themselves)"
        low[problem] = min(low.get(problem, 1.0), s)
    hits, top = [], -1.0
    n = len(keys)
    for i in range(n):
        for j in range(i + 1, n):
            if frozenset((keys[i], keys[j])) in pairs:
                continue
            s = float(sims[i, j])
            top = max(top, s)
            if s >= threshold:
                hits.append((s, keys[i], keys[j]))
    print(f"{n} rows, {len(pairs)} planted pairs")
    for problem, s in sorted(low.items()):
        print(f"min cosine, {problem}: {s:.4f}")
    print(f"max cosine of an unplanted pair: {top:.4f}")
    print(f"unplanted pairs >= {threshold}: {len(hits)}")
    for s, a, b in sorted(hits, reverse=True):
        print(f"  {s:.4f}  {a[0]}:{a[1]}  {b[0]}:{b[1]}")
    return 1 if min(low.values(), default=1.0) < threshold else 0


if __name__ == "__main__":
    sys.exit(main())
