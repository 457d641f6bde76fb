"""validate: the structural checks every training example must pass, and two safe repairs.

``trailing_user: trim`` (the default) keeps a conversation that ends on unanswered user turns
up to its last assistant turn. Nothing that stays is altered and nothing trained on is lost:
an unanswered question carries no target, and the turns before it read exactly as they did.
Chat logs often end that way (the user said thanks, or left), and rejecting them threw away
every answered turn before.

``leading_assistant`` stays ``reject`` by default: the first user turn often replies to the
assistant's opener ("yes, please", "it's order 4411"), so cutting the opener can leave a
prompt that refers to nothing. ``trim`` drops assistant turns before the first user turn
(after the optional system turn) for data whose openers are greetings.

A trimmed example gets a new content id (its trained-on content changed, and identical
content must share one id so exact dedup and the leakage proof see it); its ``lineage`` names
the turns cut and the id it had. Rejected rows keep their turns as they came in.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from curate.lineage import record_changes
from curate.reasons import Reason
from curate.record import ROLES, content_id, conversation_expr
from curate.stages.base import RunContext, StageConfig, StageResult, partition
from curate.stages.registry import register_stage
from curate.stages.tool_checks import TOOL_REASONS, tool_problems

# Turn-level problems, most serious first; a row is rejected for its most serious one.
_TURN_PROBLEMS = ("schema.unknown_role", "schema.empty_content", "schema.bad_role_order")
_HELPERS = (
    "_problem",
    "_pos",
    "_role",
    "_expected",
    "_n",
    "_first",
    "_last",
    "_bad_pref",
    "_original",
    "_cut_head",
    "_cut_tail",
    "_tool_reason",
    "_tool_detail",
)
Repair = Literal["reject", "trim"]


@register_stage(
    reasons=(
        Reason("schema.no_messages", "The example has no turns."),
        Reason("schema.invalid_utf8", "The source bytes were not valid UTF-8."),
        Reason(
            "schema.unknown_role",
            "A turn has a role other than system, user, assistant, tool or function.",
        ),
        Reason("schema.empty_content", "A turn is empty or whitespace only."),
        Reason("schema.bad_first_role", "The first turn is neither system nor user."),
        Reason(
            "schema.bad_role_order",
            "Roles do not alternate user/assistant after an optional system turn "
            "(tool calls and their results count as part of the assistant's turn).",
        ),
        Reason("schema.bad_last_role", "The last turn is not an assistant turn."),
        Reason(
            "schema.bad_preference",
            "A preference pair lacks a chosen or rejected assistant answer.",
        ),
        *TOOL_REASONS,
    )
)
class ValidateConfig(StageConfig):
    """Structural checks; unanswered trailing user turns are trimmed (``trailing_user``), a
    leading assistant turn is rejected unless ``leading_assistant: trim``."""

    stage: Literal["validate"] = "validate"
    trailing_user: Repair = Field(
        "trim",
        description="trim: keep the conversation up to its last assistant turn; "
        "reject: schema.bad_last_role",
    )
    leading_assistant: Repair = Field(
        "reject",
        description="trim: drop assistant turns before the first user turn; "
        "reject: schema.bad_first_role",
    )

    def build(self) -> Validate:
        return Validate(self)


class Validate:
    """First turn system or user, roles alternate after it, last turn assistant, no empty turns,
    known roles, valid UTF-8; a preference pair also needs both answers."""

    name = "validate"

    def __init__(self, config: ValidateConfig) -> None:
        self.config = config

    def run(self, batch: pl.DataFrame, ctx: RunContext) -> StageResult:
        trimmed = _trimmed(batch, self.config)
        worst_turn = _worst_turn_problems(trimmed)
        frame = trimmed.join(worst_turn, on="row", how="left", maintain_order="left")
        frame = frame.join(tool_problems(trimmed), on="row", how="left", maintain_order="left")
        frame = frame.with_columns(
            _n=conversation_expr().list.len(),
            _first=conversation_expr().list.first().struct.field("role"),
            _last=conversation_expr().list.last().struct.field("role"),
            _bad_pref=_bad_preference_expr(),
        )
        reason = (
            pl.when(pl.col("_n") == 0)
            .then(pl.lit("schema.no_messages"))
            .when(~pl.col("utf8_ok"))
            .then(pl.lit("schema.invalid_utf8"))
            .when(pl.col("_problem").is_in(_TURN_PROBLEMS[:2]))
            .then(pl.col("_problem"))
            .when(~pl.col("_first").is_in(["system", "user"]))
            .then(pl.lit("schema.bad_first_role"))
            .when(pl.col("_tool_reason").is_not_null())  # more telling than the role order
            .then(pl.col("_tool_reason"))
            .when(pl.col("_problem").is_not_null())
            .then(pl.col("_problem"))
            .when(pl.col("_last") != "assistant")
            .then(pl.lit("schema.bad_last_role"))
            .when(pl.col("_bad_pref"))
            .then(pl.lit("schema.bad_preference"))
        )
        kept, rejected = partition(frame, reason, _detail(reason, self.config))
        # a rejected row is shown as it came in; only kept rows carry a repair
        rejected = rejected.with_columns(
            messages=pl.col("_original"), _cut_head=pl.lit(0), _cut_tail=pl.lit(0)
        )
        kept, rejected = _with_repairs_recorded(kept), _with_repairs_recorded(rejected)
        metrics = {
            "checked": batch.height,
            "rejected": rejected.height,
            "trimmed_trailing_user": int((kept["_cut_tail"] > 0).sum()),
            "trimmed_leading_assistant": int((kept["_cut_head"] > 0).sum()),
            "turns_trimmed": int(kept["_cut_tail"].sum() + kept["_cut_head"].sum()),
        }
        return StageResult(kept.drop(_HELPERS), rejected.drop(_HELPERS), metrics)


def _trimmed(batch: pl.DataFrame, config: ValidateConfig) -> pl.DataFrame:
    """``batch`` with the repairs the config allows applied to ``messages``, the turns as they
    came in in ``_original``, and how many turns each end lost in ``_cut_head``/``_cut_tail``."""
    roles = pl.col("messages").list.eval(pl.element().struct.field("role"))
    n = pl.col("messages").list.len()
    cut_tail = pl.lit(0, pl.Int64)
    if config.trailing_user == "trim":
        # turns after the last assistant turn, when every one of them is a user turn; a
        # preference pair's prompt ends on the user by design, so it is left alone
        from_end = roles.list.reverse().list.eval(pl.element() == "assistant").list.arg_max()
        last_assistant = n - 1 - from_end.cast(pl.Int64)
        after = roles.list.slice(last_assistant + 1)
        trims = (
            pl.col("chosen").is_null()
            & roles.list.contains("assistant")
            & (last_assistant < n - 1)
            & after.list.eval(pl.element() == "user").list.all()
        )
        cut_tail = pl.when(trims).then(n - 1 - last_assistant).otherwise(0)
    cut_head = pl.lit(0, pl.Int64)
    if config.leading_assistant == "trim":
        # assistant turns between the optional system turn and the first user turn
        offset = (roles.list.first() == "system").cast(pl.Int64)
        first_user = roles.list.eval(pl.element() == "user").list.arg_max().cast(pl.Int64)
        before = roles.list.slice(offset, first_user - offset)
        trims = (
            roles.list.contains("user")
            & (first_user > offset)
            & before.list.eval(pl.element() == "assistant").list.all()
        )
        cut_head = pl.when(trims).then(first_user - offset).otherwise(0)
    frame = batch.with_columns(_original=pl.col("messages"), _cut_head=cut_head, _cut_tail=cut_tail)
    offset = (roles.list.first() == "system").cast(pl.Int64)
    head = pl.col("messages").list.head(offset)
    rest = pl.col("messages").list.slice(
        offset + pl.col("_cut_head"), n - offset - pl.col("_cut_head") - pl.col("_cut_tail")
    )
    changed = (pl.col("_cut_head") > 0) | (pl.col("_cut_tail") > 0)
    return frame.with_columns(
        messages=pl.when(changed).then(pl.concat_list(head, rest)).otherwise(pl.col("messages"))
    )


def _with_repairs_recorded(frame: pl.DataFrame) -> pl.DataFrame:
    """Trimmed rows get the content id of what is left and a lineage entry per repair."""
    changed = frame.filter((pl.col("_cut_head") > 0) | (pl.col("_cut_tail") > 0))
    new_ids = pl.DataFrame(
        {
            "row": changed["row"],
            "_new_id": [
                content_id(messages, chosen, rejected)
                for messages, chosen, rejected in changed.select(
                    "messages", "chosen", "rejected"
                ).iter_rows()
            ],
        },
        schema={"row": pl.Int64, "_new_id": pl.String},
    )
    first = (pl.col("_original").list.first().struct.field("role") == "system").cast(pl.Int64) + 1
    n = pl.col("_original").list.len()
    frame = record_changes(
        frame,
        "validate",
        pl.when(pl.col("_cut_head") > 0).then(pl.lit("trimmed_leading_assistant")),
        pl.format(
            "dropped {} (assistant, before the first user turn); id was {}",
            _turn_range(first, first + pl.col("_cut_head") - 1),
            pl.col("id"),
        ),
    )
    frame = record_changes(
        frame,
        "validate",
        pl.when(pl.col("_cut_tail") > 0).then(pl.lit("trimmed_trailing_user")),
        pl.format(
            "dropped {} (user, unanswered); id was {}",
            _turn_range(n - pl.col("_cut_tail") + 1, n),
            pl.col("id"),
        ),
    )
    return (
        frame.join(new_ids, on="row", how="left", maintain_order="left")
        .with_columns(id=pl.coalesce("_new_id", "id"))
        .drop("_new_id")
    )


def _turn_range(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """'turn 4' or 'turns 4-5' (1-based)."""
    return (
        pl.when(first == last)
        .then(pl.format("turn {}", first))
        .otherwise(pl.format("turns {}-{}", first, last))
    )


def _detail(reason: pl.Expr, config: ValidateConfig) -> pl.Expr:
    """The human sentence for each reason; turn numbers count the turns as they came in."""
    src = pl.col("source")
    system_first = (pl.col("_original").list.first().struct.field("role") == "system").cast(
        pl.Int64
    )
    cut = pl.when(pl.col("_pos") >= system_first).then(pl.col("_cut_head")).otherwise(0)
    turn = pl.col("_pos") + 1 + cut
    first = pl.col("_original").list.first().struct.field("role")
    last = pl.col("_original").list.last().struct.field("role")
    last_role = pl.format("{}: the last turn is '{}'; it must be assistant", src, last)
    if config.trailing_user == "trim":
        last_role = (
            pl.when(last == "user")
            .then(
                pl.format(
                    "{}: the last turn is 'user' and no assistant turn before it to trim to",
                    src,
                )
            )
            .otherwise(last_role)
        )
    return (
        pl.when(reason == "schema.no_messages")
        .then(pl.format("{}: the example has no turns", src))
        .when(reason == "schema.invalid_utf8")
        .then(pl.format("{}: the source is not valid UTF-8 (bad bytes became U+FFFD)", src))
        .when(reason == "schema.unknown_role")
        .then(
            pl.format(
                "{}: turn {} has role '{}' (expected system, user, assistant or tool)",
                src,
                turn,
                pl.col("_role"),
            )
        )
        .when(reason == "schema.empty_content")
        .then(pl.format("{}: turn {} ({}) is empty", src, turn, pl.col("_role")))
        .when(reason == "schema.bad_first_role")
        .then(pl.format("{}: the first turn is '{}'; it must be system or user", src, first))
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
        .then(last_role)
        .when(reason.str.starts_with("tool."))
        .then(pl.col("_tool_detail"))
        .otherwise(
            pl.format(
                "{}: a preference pair needs non-empty assistant answers in chosen and rejected",
                src,
            )
        )
    )


def _worst_turn_problems(batch: pl.DataFrame) -> pl.DataFrame:
    """Per row, its most serious turn-level problem with the turn's position and role."""
    role = pl.col("_turn").struct.field("role")
    content = pl.col("_turn").struct.field("content")
    calls = (
        pl.col("_turn").struct.field("tool_calls").is_not_null()
        | pl.col("_turn").struct.field("function_call").is_not_null()
    )
    turns = (
        batch.select("row", conversation_expr().alias("_turn"))
        .explode("_turn")
        .filter(pl.col("_turn").is_not_null())
        .with_columns(_pos=pl.int_range(pl.len()).over("row"), _role=role, _calls=calls)
    )
    # Tool results, and the assistant turns after them, continue the assistant's turn, so
    # roles alternate over the other turns: user, assistant(calls), tool, assistant, user...
    result = pl.col("_role").is_in(["tool", "function"])
    # the previous turn's kind in its own step: a window nested in another window (shift
    # inside cum_sum, both over row) made this quadratic, 566 s at 1M rows
    turns = turns.with_columns(_after_result=result.shift(1).over("row").fill_null(False))
    continues = result | ((pl.col("_role") == "assistant") & pl.col("_after_result"))
    turns = turns.with_columns(_continues=continues).with_columns(
        _apos=(~pl.col("_continues")).cast(pl.Int64).cum_sum().over("row") - 1
    )
    offset = (pl.col("_role").first().over("row") == "system").cast(pl.Int64)
    expected = (
        pl.when((pl.col("_apos") - offset) % 2 == 0)
        .then(pl.lit("user"))
        .otherwise(pl.lit("assistant"))
    )
    problem = (
        pl.when(~pl.col("_role").is_in(list(ROLES)))
        .then(pl.lit(_TURN_PROBLEMS[0]))
        .when(~pl.col("_calls") & (content.is_null() | (content.str.strip_chars() == "")))
        .then(pl.lit(_TURN_PROBLEMS[1]))
        .when(~pl.col("_continues") & (pl.col("_apos") >= offset) & (pl.col("_role") != expected))
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
