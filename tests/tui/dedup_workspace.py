"""A small support-chat workspace whose semantic_dedup stage finds three clusters at 0.9."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import chat, write_jsonl

PIPELINE = """\
name: dedup-demo
workspace: .
inputs:
  - data/chats.jsonl
stages:
  - validate
  - semantic_dedup: {threshold: 0.9, keep: first}
  # Everything in train: the export's semantic leak check does not yet honour members a person
  # split out of a cluster, so a split-out twin landing in eval or test would stop the re-run.
  - split: {ratios: {train: 1.0, eval: 0.0, test: 0.0}}
"""

# (question, answer); the first three get light rewordings below, the first two of them.
BASE = [
    (
        "How do I reset my password?",
        "Open the sign-in page, choose Forgot password and follow the link we email you.",
    ),
    (
        "Can I return boots I have already worn outside?",
        "Worn boots can be returned within 30 days if they are clean and undamaged.",
    ),
    (
        "Why was my card charged twice for one order?",
        "The second charge is a temporary hold; your bank releases it within 3 to 5 days.",
    ),
    (
        "Do you ship tents to Canada?",
        "Yes, we ship tents to every Canadian province; duties are included at checkout.",
    ),
    (
        "How long does the headlamp battery last?",
        "On the medium setting the headlamp battery lasts about 40 hours per charge.",
    ),
    (
        "Where can I find my warranty certificate?",
        "Your warranty certificate is in the order confirmation email and under Account.",
    ),
]
REWORDED = [
    (
        "How can I reset my password?",
        "Go to the sign-in page, pick Forgot password, then follow the link we email you.",
    ),
    (
        "Can I return boots that I've already worn outside?",
        "Boots that were worn can be returned within 30 days when clean and undamaged.",
    ),
    (
        "Why did my card get charged twice for a single order?",
        "The second charge is only a temporary hold, and your bank releases it in 3-5 days.",
    ),
    (
        "How would I reset my password?",
        "Open the sign-in page, select Forgot password and follow the link we send by email.",
    ),
]
OTHERS = [
    ("What is the weight of the Ridge 2 tent?", "The Ridge 2 weighs 1.9 kg with its poles."),
    ("Is gift wrapping available?", "Gift wrapping costs $4 and is chosen at checkout."),
    ("Which stove fuel do you recommend at altitude?", "Isobutane blends work best up high."),
    ("Can I change my delivery address after paying?", "Yes, until the parcel leaves us."),
    ("Do the rain jackets come in petite sizes?", "Three of our jackets come in petite."),
    ("How do I wash a down sleeping bag?", "Front-loader, cool water, down soap, dry low."),
    ("Are your water filters certified?", "Both filters meet the NSF P231 standard."),
    ("What does Basecamp Rewards cost?", "Joining is free; points never expire."),
    ("How are kayaks delivered?", "Kayaks come by freight with a two-hour window."),
    ("Can students get a discount?", "Students get 10% off after verifying their email."),
]


def dedup_rows() -> list[dict[str, Any]]:
    """Six base chats, four rewordings of the first three, ten unrelated chats."""
    base = [chat(q, a, ticket=i) for i, (q, a) in enumerate(BASE)]
    twins = [chat(q, a, ticket=100 + i) for i, (q, a) in enumerate(REWORDED)]
    others = [chat(q, a, ticket=200 + i) for i, (q, a) in enumerate(OTHERS)]
    return base + twins + others


def write_dedup_workspace(root: Path) -> Path:
    """``<root>/data/chats.jsonl`` and ``<root>/pipeline.yaml``; returns ``root``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "data" / "chats.jsonl", dedup_rows())
    (root / "pipeline.yaml").write_text(PIPELINE)
    return root
