"""JSON Schemas generated from the pydantic models, never written by hand."""

from __future__ import annotations

from pathlib import Path

import orjson
from pydantic import BaseModel

from curate.config.pipeline import Pipeline
from curate.evaluate.config import EvalConfig
from curate.formats.models import AlpacaRow, ChatRow, PreferenceRow, ShareGPTRow
from curate.io.atomic import atomic_path
from curate.runs.manifest import Manifest
from curate.train.config import TrainConfig

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "chat.schema.json": ChatRow,
    "alpaca.schema.json": AlpacaRow,
    "sharegpt.schema.json": ShareGPTRow,
    "preference.schema.json": PreferenceRow,
    "pipeline.schema.json": Pipeline,
    "manifest.schema.json": Manifest,
    "train.schema.json": TrainConfig,
    "eval.schema.json": EvalConfig,
}


def render_schemas() -> dict[str, bytes]:
    """File name to schema text, as ``curate schemas`` writes them."""
    out = {}
    for name, model in SCHEMA_MODELS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        schema |= model.model_json_schema(by_alias=True)
        out[name] = orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; returns the paths written."""
    written = []
    for name, text in render_schemas().items():
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(text)
        written.append(folder / name)
    return written


def stale_schemas(folder: Path) -> list[str]:
    """Names of schema files in ``folder`` that differ from what the models generate."""
    return [
        name
        for name, text in render_schemas().items()
        if not (folder / name).is_file() or (folder / name).read_bytes() != text
    ]
