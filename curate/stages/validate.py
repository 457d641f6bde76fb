"""validate: the structural checks every training example must pass."""

from __future__ import annotations

from typing import Literal

import polars as pl

from curate.reasons import Reason
from curate.record import ROLES, conversation_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage

# Turn-level problems, most serious first; a row is rejected for its most serious one.
_TURN_PROBLEMS = ("schema.unknown_role", "schema.empty_content", "schema.bad_role_order")


@register_stage(
    reasons=(
        Reason("schema.no_messages", "The example has no turns."),
        Reason("schema.invalid_utf8", "The source bytes were not valid UTF-8."),
        Reason("schema.unknown_role", "A turn has a role other than system, user or assistant."),
        Reason("schema.empty_content", "A turn is empty or whitespace only."),
        Reason("schema.bad_first_role", "The first turn is neither system nor user."),
        Reason(
            "schema.bad_role_order",
            "Roles do not alternate user/assistant after an optional system turn.",
        ),
        Reason("schema.bad_last_role", "The last turn is not an assistant turn."),
        Reason(
            "schema.bad_preference",
            "A preference pair lacks a chosen or rejected assistant answer.",
        ),
    )
)
class ValidateConfig(StageConfig):
    """Structural checks; they have no options yet beyond being on."""

    stage: Literal["validate"] = "validate"

    def build(self) -> Validate:
        return Validate(self)


class Validate:
    """First turn system or user, roles alternate after it, last turn assistant, no empty turns,
    known roles, valid UTF-8; a preference pair also needs both answers."""

    name = "validate"

    def __init__(self, config: ValidateConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        worst_turn = _worst_turn_problems(batch)
        frame = batch.join(worst_turn, on="row", how="left", maintain_order="left").with_columns(
            _n=conversation_expr().list.len(),
            _first=conversation_expr().list.first().struct.field("role"),
            _last=conversation_expr().list.last().struct.field("role"),
            _bad_pref=_bad_preference_expr(),
        )
        src = pl.col("source")
        turn = pl.col("_pos") + 1
        reason = (
            pl.when(pl.col("_n") == 0)
            .then(pl.lit("schema.no_messages"))
            .when(~pl.col("utf8_ok"))
            .then(pl.lit("schema.invalid_utf8"))
            .when(pl.col("_problem").is_in(_TURN_PROBLEMS[:2]))
            .then(pl.col("_problem"))
            .when(~pl.col("_first").is_in(["system", "user"]))
            .then(pl.lit("schema.bad_first_role"))
            .when(pl.col("_problem").is_not_null())
            .then(pl.col("_problem"))
            .when(pl.col("_last") != "assistant")
            .then(pl.lit("schema.bad_last_role"))
            .when(pl.col("_bad_pref"))
            .then(pl.lit("schema.bad_preference"))
        )
        detail = (
            pl.when(reason == "schema.no_messages")
            .then(pl.format("{}: the example has no turns", src))
            .when(reason == "schema.invalid_utf8")
            .then(pl.format("{}: the source is not valid UTF-8 (bad bytes became U+FFFD)", src))
            .when(reason == "schema.unknown_role")
            .then(
                pl.format(
                    "{}: turn {} has role '{}' (expected system, user or assistant)",
                    src,
                    turn,
                    pl.col("_role"),
                )
            )
            .when(reason == "schema.empty_content")
            .then(pl.format("{}: turn {} ({}) is empty", src, turn, pl.col("_role")))
            .when(reason == "schema.bad_first_role")
            .then(
                pl.format(
                    "{}: the first turn is '{}'; it must be system or user", src, pl.col("_first")
                )
            )
            .when(reason == "schema.bad_role_order")
            .then(
                pl.format(
                    "{}: turn {} is '{}' where '{}' was expected (roles must alternate)",
                    src,
                    turn,
                    pl.col("_role"),
                    pl.col("_expected"),
                )
            )
            .when(reason == "schema.bad_last_role")
            .then(
                pl.format("{}: the last turn is '{}'; it must be assistant", src, pl.col("_last"))
            )
            .otherwise(
                pl.format(
                    "{}: a preference pair needs non-empty assistant answers in chosen "
                    "and rejected",
                    src,
                )
            )
        )
        kept, rejected = partition(frame, reason, detail)
        helpers = ["_problem", "_pos", "_role", "_expected", "_n", "_first", "_last", "_bad_pref"]
        kept, rejected = kept.drop(helpers), rejected.drop(helpers)
        metrics = {"checked": batch.height, "rejected": rejected.height}
        return StageResult(kept, rejected, metrics)


def _worst_turn_problems(batch: pl.DataFrame) -> pl.DataFrame:
    """Per row, its most serious turn-level problem with the turn's position and role."""
    role = pl.col("_turn").struct.field("role")
    content = pl.col("_turn").struct.field("content")
    turns = (
        batch.select("row", conversation_expr().alias("_turn"))
        .explode("_turn")
        .filter(pl.col("_turn").is_not_null())
        .with_columns(_pos=pl.int_range(pl.len()).over("row"), _role=role)
    )
    offset = (pl.col("_role").first().over("row") == "system").cast(pl.Int64)
    expected = (
        pl.when((pl.col("_pos") - offset) % 2 == 0)
        .then(pl.lit("user"))
        .otherwise(pl.lit("assistant"))
    )
    problem = (
        pl.when(~pl.col("_role").is_in(list(ROLES)))
        .then(pl.lit(_TURN_PROBLEMS[0]))
        .when(content.is_null() | (content.str.strip_chars() == ""))
        .then(pl.lit(_TURN_PROBLEMS[1]))
        .when((pl.col("_pos") >= offset) & (pl.col("_role") != expected))
        .then(pl.lit(_TURN_PROBLEMS[2]))
    )
    severity = pl.col("_problem").replace_strict(
        {p: i for i, p in enumerate(_TURN_PROBLEMS)}, return_dtype=pl.Int8
    )
    return (
        turns.with_columns(_expected=expected, _problem=problem)
        .filter(pl.col("_problem").is_not_null())
        .sort("row", severity, "_pos")
        .unique("row", keep="first", maintain_order=True)
        .select("row", "_problem", "_pos", "_role", "_expected")
    )


def _bad_preference_expr() -> pl.Expr:
    """True for a preference pair whose rejected answer is missing, empty or not assistant."""
    bad_turn = (pl.element().struct.field("role") != "assistant") | (
        pl.element().struct.field("content").str.strip_chars() == ""
    )
    rejected_bad = (pl.col("rejected").list.len() == 0) | pl.col("rejected").list.eval(
        bad_turn
    ).list.any()
    return pl.col("chosen").is_not_null() & rejected_bad.fill_null(True)
