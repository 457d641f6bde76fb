"""The tool-use checks of validate: calls answered, results answering a call, calls naming a
declared tool with arguments that parse and fit its parameter schema, definitions that are
JSON Schema. Rows without tools or tool turns never reach the Python loop here."""

from __future__ import annotations

from typing import Any

import orjson
import polars as pl
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from curate.formats.tool_turns import calls_of
from curate.reasons import Reason
from curate.record import conversation_expr

TOOL_REASONS = (
    Reason(
        "tool.bad_definition",
        "A tools definition has no name or its parameters are not JSON Schema.",
    ),
    Reason("tool.unanswered_call", "An assistant tool call has no tool turn answering its id."),
    Reason(
        "tool.orphan_result",
        "A tool turn answers no call (unknown, repeated or missing tool_call_id).",
    ),
    Reason("tool.undeclared", "A tool call names a function the row's tools do not declare."),
    Reason("tool.bad_arguments", "A tool call's arguments are not a JSON object."),
    Reason(
        "tool.arguments_mismatch", "A tool call's arguments do not fit the tool's parameter schema."
    ),
)
TOOL_CODES = tuple(r.code for r in TOOL_REASONS)
_RESULT_ROLES = ("tool", "function")


def tool_problems(frame: pl.DataFrame) -> pl.DataFrame:
    """``row``, ``_tool_reason``, ``_tool_detail`` for each row with a tool-use problem."""
    turn = pl.element().struct
    uses_tools = (
        pl.col("tools").is_not_null()
        | conversation_expr()
        .list.eval(
            turn.field("tool_calls").is_not_null()
            | turn.field("function_call").is_not_null()
            | turn.field("role").is_in(_RESULT_ROLES)
        )
        .list.any()
        .fill_null(False)
        | pl.col("meta").str.contains('"functions":')
    )
    rows = frame.filter(uses_tools).select(
        "row", "source", "tools", "meta", conversation_expr().alias("_turns")
    )
    found = []
    for row, source, tools, meta, turns in rows.iter_rows():
        problem = _first_problem(tools, meta, turns or [])
        if problem is not None:
            found.append((row, problem[0], f"{source}: {problem[1]}"))
    return pl.DataFrame(
        found,
        schema={"row": pl.Int64, "_tool_reason": pl.String, "_tool_detail": pl.String},
        orient="row",
    )


def _first_problem(
    tools: str | None, meta: str, turns: list[dict[str, Any]]
) -> tuple[str, str] | None:
    declared: dict[str, Any] = {}
    definitions = [(f"tools[{i}]", t) for i, t in enumerate(orjson.loads(tools) if tools else [])]
    legacy = orjson.loads(meta).get("functions")  # the legacy form, kept in meta
    if isinstance(legacy, list):
        definitions += [
            (f"functions[{i}]", {"type": "function", "function": f}) for i, f in enumerate(legacy)
        ]
    for field, tool in definitions:
        problem = _definition_problem(tool, field)
        if isinstance(problem, str):
            return "tool.bad_definition", problem
        if problem is not None:
            declared[problem[0]] = problem[1]
    return _pairing_problem(turns) or _call_problem(turns, declared)


def _definition_problem(tool: Any, field: str) -> str | tuple[str, Any] | None:
    """A sentence for a bad definition, else ``(name, parameter validator or None)``."""
    if not isinstance(tool, dict):
        return f"{field} is not an object"
    if tool.get("type", "function") != "function":
        return None  # other tool kinds (code interpreter...) are not called by name here
    function = tool.get("function")
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        return f"{field}.function.name is missing"
    parameters = function.get("parameters")
    if parameters is None:
        return function["name"], None
    try:
        Draft202012Validator.check_schema(parameters)
    except SchemaError as exc:
        where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in exc.path)
        return f"{field}.function.parameters{where} is not valid JSON Schema: {exc.message}"
    return function["name"], Draft202012Validator(parameters)


def _pairing_problem(turns: list[dict[str, Any]]) -> tuple[str, str] | None:
    """Each call answered by one tool turn before the next non-tool turn, each result a call's."""
    pending: dict[str, int] = {}  # call id -> turn number of the call
    legacy_open = False
    for number, turn in enumerate(turns, start=1):
        role = turn["role"]
        if role in _RESULT_ROLES:
            call_id = turn.get("tool_call_id")
            if role == "function" and legacy_open:
                legacy_open = False
                continue
            if call_id is None or call_id not in pending:
                shown = "has no tool_call_id" if call_id is None else f"answers '{call_id}'"
                return (
                    "tool.orphan_result",
                    f"turn {number} ({role}) {shown}, which no earlier tool call is waiting on "
                    "(field tool_call_id)",
                )
            del pending[call_id]
            continue
        if pending:
            call_id, at = next(iter(pending.items()))
            return (
                "tool.unanswered_call",
                f"turn {at} tool call '{call_id}' gets no tool turn before turn {number} "
                "(field tool_calls)",
            )
        legacy_open = False
        if role == "assistant":
            if turn.get("function_call"):
                legacy_open = True
            for k, call in enumerate(calls_of(turn) if turn.get("tool_calls") else []):
                call_id = call.get("id")
                if not isinstance(call_id, str):
                    return (
                        "tool.unanswered_call",
                        f"turn {number} tool_calls[{k}] has no id (field tool_calls[{k}].id)",
                    )
                pending[call_id] = number
    return None  # calls still pending at the end: the row ends on a tool call, which is allowed


def _call_problem(turns: list[dict[str, Any]], declared: dict[str, Any]) -> tuple[str, str] | None:
    for number, turn in enumerate(turns, start=1):
        if turn["role"] != "assistant":
            continue
        legacy = bool(turn.get("function_call")) and not turn.get("tool_calls")
        for k, call in enumerate(calls_of(turn)):
            field = "function_call" if legacy else f"tool_calls[{k}].function"
            function = call.get("function") if isinstance(call.get("function"), dict) else {}
            name = function.get("name")
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                return (
                    "tool.undeclared",
                    f"turn {number} {field}.name calls '{name}', which tools does not declare "
                    f"(declared: {known})",
                )
            arguments = function.get("arguments", "{}")
            if isinstance(arguments, str):
                try:
                    arguments = orjson.loads(arguments)
                except orjson.JSONDecodeError as exc:
                    return (
                        "tool.bad_arguments",
                        f"turn {number} {field}.arguments is not JSON ({exc})",
                    )
            if not isinstance(arguments, dict):
                return (
                    "tool.bad_arguments",
                    f"turn {number} {field}.arguments is JSON but not an object",
                )
            validator = declared[name]
            error = next(iter(validator.iter_errors(arguments)), None) if validator else None
            if error is not None:
                return (
                    "tool.arguments_mismatch",
                    f"turn {number} {field}.arguments at {error.json_path} does not fit "
                    f"{name}'s parameters: {error.message}",
                )
    return None
