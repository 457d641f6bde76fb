"""Every rejection reason code curate emits, in one place.

Codes are stable strings: tools and people filter on them, so never rename one.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    # ingest
    "parse.invalid_json": "The line (or item) is not valid JSON.",
    "parse.not_an_object": "The row is valid JSON but not an object.",
    "parse.unknown_format": "The row matches none of chat, Alpaca, ShareGPT or preference.",
    "parse.bad_field": "A field the format needs has the wrong type or shape.",
    # validate
    "schema.no_messages": "The example has no turns.",
    "schema.invalid_utf8": "The source bytes were not valid UTF-8.",
    "schema.unknown_role": "A turn has a role other than system, user or assistant.",
    "schema.empty_content": "A turn is empty or whitespace only.",
    "schema.bad_first_role": "The first turn is neither system nor user.",
    "schema.bad_role_order": "Roles do not alternate user/assistant after an optional system turn.",
    "schema.bad_last_role": "The last turn is not an assistant turn.",
    "schema.bad_preference": "A preference pair lacks a chosen or rejected assistant answer.",
    # exact_dedup
    "dedup.exact": "Identical messages to an earlier example.",
    "dedup.normalized": "Same text as an earlier example once case, space and punctuation fold.",
    # semantic_dedup
    "dedup.semantic": "A near-duplicate (embedding cosine at or above the threshold) was kept.",
    # pii
    "pii.dropped": "The example holds PII of a type whose action is drop; detail says where.",
    # quality
    "quality.too_short": "An assistant turn is shorter than the minimum.",
    "quality.too_long": "An assistant turn is longer than the maximum.",
    "quality.example_too_short": "The whole example is shorter than the minimum.",
    "quality.example_too_long": "The whole example is longer than the maximum.",
    # json_format
    "format.invalid_json": "The last assistant turn is not valid JSON.",
    "format.schema_mismatch": "The last assistant turn is JSON but does not match the schema.",
    # judge
    "judge.bad": "The LLM judge's verdict is BAD; its scores and rationale are in the detail.",
    "judge.low_score": "The judge said GOOD, but a score is below min_score or min_mean_score.",
    "judge.error": "The API refused the judge request, or its answers stayed malformed.",
    # distill
    "distill.error": "The API refused the teacher request, or its answers stayed malformed.",
    # human decisions
    "override.drop": "A person force-dropped the example, in the TUI or by failing it in an audit.",
    # export
    "export.unrepresentable": "The example cannot be written in the chosen output format.",
}


def describe(code: str) -> str:
    """The one-line meaning of a reason code."""
    return REASONS[code]
