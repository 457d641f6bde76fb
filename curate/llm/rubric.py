"""The judge's rubric: criteria, the fixed system prompt, and the verdict's pydantic model."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

VERDICT_TOOL = "record_verdict"


class Criterion(BaseModel):
    """One thing the judge scores from 1 (fails it) to 5 (fully meets it)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="snake_case")
    description: str = Field(min_length=3)


DEFAULT_CRITERIA = (
    Criterion(
        name="factual_correctness",
        description="The assistant's claims are true and its reasoning or code is correct.",
    ),
    Criterion(
        name="format_integrity",
        description="The answer is complete, well formed (markup, code, lists) and not cut off.",
    ),
    Criterion(
        name="helpfulness",
        description="The answer addresses what the user asked, at a useful level of detail.",
    ),
)


class VerdictBase(BaseModel):
    """GOOD or BAD, a 1-5 score per criterion, and a short rationale."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["GOOD", "BAD"]
    rationale: str = Field(min_length=1, max_length=1000)
    scores: Any

    def score_map(self) -> dict[str, int]:
        return dict(self.scores.model_dump())


def verdict_model(criteria: list[Criterion]) -> type[VerdictBase]:
    """A verdict model whose ``scores`` has exactly one 1-5 integer per criterion."""
    score = Annotated[int, Field(ge=1, le=5)]
    fields: dict[str, Any] = {c.name: (score, Field(description=c.description)) for c in criteria}
    scores = create_model(  # type: ignore[call-overload]
        "Scores", __config__=ConfigDict(extra="forbid"), **fields
    )
    return create_model("Verdict", __base__=VerdictBase, scores=(scores, ...))


def tool_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$ref``s inlined (tool input schemas are one object)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {
                k: inline(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))
            }
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def system_prompt(criteria: list[Criterion], instructions: str = "") -> str:
    """The fixed rubric; the same for every example, so the provider can cache it."""
    lines = [
        "You audit training examples for fine-tuning a chat assistant.",
        "Read the conversation and judge the assistant turns against each criterion.",
        "Score each criterion from 1 (fails it) to 5 (fully meets it).",
        "Verdict GOOD if the example is fit to train on, BAD if it would teach the model "
        "something wrong, broken or unhelpful.",
        "Give a rationale of one or two sentences naming the main problem, if any.",
        "Answer only by calling the record_verdict tool.",
        "",
        "Criteria:",
        *(f"- {c.name}: {c.description}" for c in criteria),
    ]
    if instructions.strip():
        lines += ["", "Further instructions:", instructions.strip()]
    return "\n".join(lines)


def transcript(turns: list[dict[str, str]]) -> str:
    """The conversation as the judge reads it, each turn tagged with its role."""
    body = "\n\n".join(f"<{t['role']}>\n{t['content']}\n</{t['role']}>" for t in turns)
    return f"Judge this example.\n\n<example>\n{body}\n</example>"
