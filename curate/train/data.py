"""Training data: find the split files, read them in any curate format, hand back Datasets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError
from curate.io.ingest import InputSource, file_sha256, ingest
from curate.runs.export_files import iter_canonical
from curate.runs.layout import RunLayout
from curate.train.chat_template import chat_messages
from curate.train.config import DataConfig

if TYPE_CHECKING:
    from datasets import Dataset


class TrainDataError(CurateError):
    """A split file that is missing, empty or unreadable."""


@dataclass(frozen=True)
class SplitFiles:
    """The train and eval files, and the run they came from (if any)."""

    train: Path
    eval: Path
    run_dir: Path | None = None

    def describe(self) -> dict[str, Any]:
        """Paths and sha256 digests, plus the run's id and manifest hash, for the manifest."""
        described: dict[str, Any] = {
            split: {"path": str(path), "sha256": file_sha256(path)}
            for split, path in (("train", self.train), ("eval", self.eval))
        }
        if self.run_dir is not None:
            layout = RunLayout(self.run_dir)
            run: dict[str, Any] = {"path": str(self.run_dir)}
            manifest = layout.manifest()
            if manifest is not None:
                run["manifest_sha256"] = file_sha256(layout.manifest_path)
                run["run_id"] = manifest.run_id
            described["run"] = run
        return described


def split_files(data: DataConfig) -> SplitFiles:
    """The two files to read; a missing one is an error naming its path."""
    if data.run is not None:
        if not data.run.is_dir():
            raise TrainDataError("run folder not found", file=data.run)
        export = data.run / "export"
        files = SplitFiles(export / "train.jsonl", export / "eval.jsonl", data.run)
    else:
        assert data.train is not None and data.eval is not None  # the config validator ensures it
        files = SplitFiles(data.train, data.eval)
    for split, path in (("train", files.train), ("eval", files.eval)):
        if not path.is_file():
            raise TrainDataError(
                f"{split} split not found",
                file=path,
                hint="run the pipeline first, or point data.train/data.eval at JSONL files",
            )
    return files


def read_conversations(path: Path, split: str) -> list[list[dict[str, Any]]]:
    """Each row's messages as the chat template reads them (see ``read_examples``)."""
    return read_examples(path, split)[0]


def read_examples(path: Path, split: str) -> tuple[list[list[dict[str, Any]]], list[str | None]]:
    """Each row's messages, read by ingest in any curate format and container (a preference
    pair trains on its chosen answer), and its tool definitions as JSON text (None when it
    declares none); a bad row stops with its file and line.

    Tool calls, tool results and ``weight`` reach the template (see ``chat_messages``), which
    renders the definitions and calls; trl parses the ``tools`` text per row.
    """
    examples, _, _ = ingest([InputSource(path, str(path), None)], strict=True)
    conversations: list[list[dict[str, Any]]] = []
    tools: list[str | None] = []
    for row in iter_canonical(examples, with_meta=False):
        conversations.append(chat_messages(row.messages + (row.chosen or [])))
        tools.append(row.tools)
    if not conversations:
        raise TrainDataError(f"the {split} split is empty: nothing to train on", file=path)
    if not any(t["role"] == "assistant" for c in conversations for t in c):
        raise TrainDataError(f"the {split} split has no assistant turns to learn", file=path)
    return conversations, tools


def load_splits(files: SplitFiles) -> tuple[Dataset, Dataset]:
    """The train and eval splits as ``{"messages": [...]}`` Datasets, plus a ``tools`` column
    (JSON text per row) when any row of the split declares tools."""
    return _dataset(files.train, "train"), _dataset(files.eval, "eval")


def _dataset(path: Path, split: str) -> Dataset:
    from datasets import Dataset

    conversations, tools = read_examples(path, split)
    columns: dict[str, list[Any]] = {"messages": conversations}
    if any(t is not None for t in tools):
        columns["tools"] = tools
    return Dataset.from_dict(columns)
