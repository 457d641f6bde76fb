"""The peer of spine_scale.py: the script a team writes by hand for the same job.

json.loads per line, role checks, a seen-set on a hash and on lower-cased text, length
bounds, a seeded shuffle split 80/10/10, json.dumps per row. No stratification, no
group-awareness, no leakage check, no manifest: it does less, so it is a lower bound.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

PUNCT = re.compile(r"[^\w\s]+")


def main(path: Path) -> None:
    kept, rejected = [], []
    seen_ids: set[str] = set()
    seen_text: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            try:
                row = json.loads(line)
            except ValueError:
                rejected.append({"line": line_no, "reason": "json"})
                continue
            messages = row.get("messages") or []
            roles = [m.get("role") for m in messages]
            if (
                not roles
                or roles[0] not in ("system", "user")
                or roles[-1] != "assistant"
                or any(not str(m.get("content", "")).strip() for m in messages)
            ):
                rejected.append({"line": line_no, "reason": "schema"})
                continue
            key = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
            text = "\n".join(
                " ".join(PUNCT.sub("", m["content"].lower()).split()) for m in messages
            )
            if key in seen_ids or text in seen_text:
                rejected.append({"line": line_no, "reason": "dup"})
                continue
            seen_ids.add(key)
            seen_text.add(text)
            answers = [len(m["content"]) for m in messages if m["role"] == "assistant"]
            if min(answers) < 20 or max(answers) > 8000:
                rejected.append({"line": line_no, "reason": "length"})
                continue
            kept.append(row)
    random.Random(7).shuffle(kept)
    cut1, cut2 = int(len(kept) * 0.8), int(len(kept) * 0.9)
    out = path.parent / "naive"
    out.mkdir(exist_ok=True)
    for name, part in (("train", kept[:cut1]), ("eval", kept[cut1:cut2]), ("test", kept[cut2:])):
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for row in part:
                handle.write(json.dumps(row) + "\n")
    with open(out / "rejected.jsonl", "w", encoding="utf-8") as handle:
        for row in rejected:
            handle.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
