"""Preference pairs for DPO: read a curate preference export into trl's conversational form.

A preference export row is ``{"prompt", "chosen", "rejected"}`` (strings, or lists of turns);
ingest reads it, or any other curate format that carries ``chosen``/``rejected``, into
canonical turns. trl's DPOTrainer takes ``{"prompt": [turns], "chosen": [assistant turn],
"rejected": [assistant turn]}`` and renders each through the tokenizer's chat template.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError
from curate.io.ingest import InputSource, ingest
from curate.runs.export_files import iter_canonical
from curate.train.data import SplitFiles

if TYPE_CHECKING:
    from datasets import Dataset


class PreferenceDataError(CurateError):
    """A split that holds no usable preference pairs."""


@dataclass(frozen=True)
class PreferencePair:
    """One pair: the conversation so far, and the preferred and the dispreferred answer."""

    prompt: list[dict[str, str]]
    chosen: list[dict[str, str]]
    rejected: list[dict[str, str]]

    def as_row(self) -> dict[str, Any]:
        """The row trl's DPOTrainer reads."""
        return {"prompt": self.prompt, "chosen": self.chosen, "rejected": self.rejected}


def read_pairs(path: Path, split: str) -> list[PreferencePair]:
    """Every row of ``path`` as a pair; a row without a rejected answer stops with its line."""
    examples, _, _ = ingest([InputSource(path, str(path), None)], strict=True)
    if examples.height == 0:
        raise PreferenceDataError(f"the {split} split is empty: no preference pairs", file=path)
    lines = examples["source_line"].to_list()
    pairs = []
    for line, row in zip(lines, iter_canonical(examples, with_meta=False), strict=True):
        if not row.chosen or not row.rejected:
            raise PreferenceDataError(
                "method: dpo needs preference pairs, and this row has no `rejected` answer",
                file=path,
                line=line,
                hint="export the run with format: preference, or train it with method: sft",
            )
        pairs.append(
            PreferencePair(
                _turns(row.messages, path, line),
                _turns(row.chosen, path, line),
                _turns(row.rejected, path, line),
            )
        )
    return pairs


def _turns(turns: list[dict[str, Any]], path: Path, line: int) -> list[dict[str, str]]:
    """Role and text only; tool turns would render as plain text, so they are refused."""
    out = []
    for turn in turns:
        if turn.get("tool_calls") or turn.get("function_call") or turn["role"] == "tool":
            raise PreferenceDataError(
                "method: dpo does not render tool calls through the chat template yet",
                file=path,
                line=line,
            )
        out.append({"role": turn["role"], "content": turn["content"] or ""})
    return out


def pairs_dataset(pairs: list[PreferencePair]) -> Dataset:
    """The pairs as a ``{"prompt", "chosen", "rejected"}`` Dataset."""
    from datasets import Dataset

    return Dataset.from_list([pair.as_row() for pair in pairs])


def load_preference_splits(files: SplitFiles) -> tuple[list[PreferencePair], list[PreferencePair]]:
    """The train and eval splits' pairs."""
    return read_pairs(files.train, "train"), read_pairs(files.eval, "eval")
