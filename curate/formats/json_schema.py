"""JSON Schema checks with jsonschema: is a schema valid, and where does a value break it."""

from __future__ import annotations

from typing import Any

import jsonschema


def schema_problem(schema: dict[str, Any]) -> str | None:
    """Why ``schema`` is not a valid JSON Schema, or None."""
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        return exc.message
    return None


def schema_mismatch(value: Any, schema: dict[str, Any]) -> str | None:
    """The most relevant way ``value`` breaks ``schema``, with its JSON path, or None."""
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return None
    where = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.path)
    return f"{where}: {error.message}"
