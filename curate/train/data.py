"""Training data: find the split files, read them in any curate format, hand back Datasets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import CurateError
from curate.io.ingest import InputSource, file_sha256, ingest
from curate.runs.export_files import iter_canonical
from curate.runs.layout import RunLayout
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


def read_conversations(path: Path, split: str) -> list[list[dict[str, str]]]:
    """Each row's messages, read by ingest in any curate format and container (a preference
    pair trains on its chosen answer); a bad row stops with its file and line."""
    examples, _, _ = ingest([InputSource(path, str(path), None)], strict=True)
    conversations = [
        _training_turns(row.messages + (row.chosen or []))
        for row in iter_canonical(examples, with_meta=False)
    ]
    if not conversations:
        raise TrainDataError(f"the {split} split is empty: nothing to train on", file=path)
    if not any(t["role"] == "assistant" for c in conversations for t in c):
        raise TrainDataError(f"the {split} split has no assistant turns to learn", file=path)
    return conversations


def _training_turns(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Role, text and, when set, weight: what the training template reads. A turn with tool
    calls or a tool result would render as plain text here, so it is refused for now."""
    out = []
    for turn in turns:
        if turn.get("tool_calls") or turn.get("function_call") or turn["role"] == "tool":
            raise TrainDataError(
                "curate train does not render tool calls through the chat template yet",
                hint="train tool-calling data with trl directly on the exported chat file",
            )
        kept = {"role": turn["role"], "content": turn["content"] or ""}
        if turn.get("weight") is not None:
            kept["weight"] = turn["weight"]
        out.append(kept)
    return out


def load_splits(files: SplitFiles) -> tuple[Dataset, Dataset]:
    """The train and eval splits as ``{"messages": [...]}`` Datasets."""
    from datasets import Dataset

    train = Dataset.from_dict({"messages": read_conversations(files.train, "train")})
    evaluation = Dataset.from_dict({"messages": read_conversations(files.eval, "eval")})
    return train, evaluation
