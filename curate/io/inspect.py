"""``curate inspect``: what a data file holds, before any curation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curate.io.containers import detect_container
from curate.io.ingest import InputSource, ingest
from curate.io.tool_use import ToolUse, tool_use
from curate.record import conversation_expr, role_text_expr
from curate.text.answer_checks import REFUSAL_PATTERN
from curate.text.tokens import TokenProfile, is_template_tokenizer, token_profile


@dataclass
class Distribution:
    """Summary statistics of a numeric column."""

    min: float
    p50: float
    p95: float
    max: float
    mean: float

    @classmethod
    def of(cls, values: pl.Series) -> Distribution | None:
        if values.len() == 0 or values.null_count() == values.len():
            return None
        return cls(
            min=float(values.min()),  # type: ignore[arg-type]
            p50=float(values.quantile(0.5, "nearest")),  # type: ignore[arg-type]
            p95=float(values.quantile(0.95, "nearest")),  # type: ignore[arg-type]
            max=float(values.max()),  # type: ignore[arg-type]
            mean=round(float(values.mean()), 1),  # type: ignore[arg-type]
        )


@dataclass
class FileProfile:
    """What ``curate inspect`` reports for one file."""

    path: str
    container: str
    rows: int
    parsed: int
    unparseable: int
    formats: dict[str, int]
    turns: Distribution | None
    role_patterns: dict[str, int]
    example_chars: Distribution | None
    assistant_chars: Distribution | None
    refusal_share: float
    example_tokens: Distribution | None = None
    template_tokens: TokenProfile | None = None  # rows through the tokenizer's chat template
    parse_problems: list[str] = field(default_factory=list)
    tool_use: ToolUse = field(default_factory=ToolUse)


def profile_file(
    path: Path, *, tokenizer: Path | None = None, top: int = 5, max_tokens: int | None = None
) -> FileProfile:
    """Read ``path`` like a run would and describe its shape.

    ``tokenizer``: a model or tokenizer folder, or the default's name, counts rows as its chat
    template renders them (tools included); a bare ``tokenizer.json`` counts the plain text.
    """
    templated = tokenizer is not None and is_template_tokenizer(tokenizer)
    container = detect_container(path)
    examples, rejected, (summary,) = ingest([InputSource(path, str(path))])
    conv = conversation_expr()
    frame = examples.select(
        conv.list.len().alias("turns"),
        conv.list.eval(pl.element().struct.field("role")).list.join(">").alias("pattern"),
        conv.list.eval(pl.element().struct.field("content").str.len_chars())
        .list.sum()
        .alias("chars"),
        role_text_expr(("assistant",)).alias("assistant"),
        conv.list.eval(pl.element().struct.field("content")).list.join("\n").alias("text"),
    )
    patterns = frame["pattern"].value_counts(sort=True).head(top)
    last_answer = conv.list.eval(
        pl.element().filter(pl.element().struct.field("role") == "assistant")
    ).list.last()
    refusals = examples.select(
        last_answer.struct.field("content").str.contains(REFUSAL_PATTERN).fill_null(False)
    ).to_series()
    plain_tokens = _token_counts(frame["text"], tokenizer) if tokenizer and not templated else None
    return FileProfile(
        path=str(path),
        container=container,
        rows=summary.rows,
        parsed=summary.parsed,
        unparseable=summary.rejected,
        formats=summary.formats,
        turns=Distribution.of(frame["turns"]),
        role_patterns={str(p): int(n) for p, n in patterns.iter_rows()},
        example_chars=Distribution.of(frame["chars"]),
        assistant_chars=Distribution.of(frame["assistant"].str.len_chars()),
        refusal_share=round(float(refusals.mean()), 4) if refusals.len() else 0.0,  # type: ignore[arg-type]
        example_tokens=plain_tokens,
        template_tokens=token_profile(examples, tokenizer, max_tokens) if templated else None,
        parse_problems=rejected["detail"].head(5).to_list(),
        tool_use=tool_use(examples),
    )


def _token_counts(texts: pl.Series, tokenizer: Path) -> Distribution | None:
    from tokenizers import Tokenizer

    from curate.errors import CurateError

    file = tokenizer / "tokenizer.json" if tokenizer.is_dir() else tokenizer
    try:
        tok = Tokenizer.from_file(str(file))
    except Exception as exc:  # tokenizers raises a bare Exception on a bad file
        raise CurateError(f"cannot load tokenizer: {exc}", file=file) from None
    counts = [len(e.ids) for e in tok.encode_batch(texts.to_list(), add_special_tokens=False)]
    return Distribution.of(pl.Series(counts))
