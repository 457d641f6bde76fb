"""A local causal LM's loss on an answer, with its prompt and alone: the two halves of IFD.

The model comes from ``curate.local_models.resolve_model``: the embedded SmolLM2 (its GGUF
converted once, as ``curate train`` does) or any local Hugging Face model folder. The
tokenizer loads at once (a rerun whose losses are all cached needs only it to build the
cache keys); the weights load on the first batch that needs computing.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from curate.local_models import resolve_model

Message = dict[str, str]


def split_last_answer(turns: Sequence[Message]) -> tuple[list[Message], str] | None:
    """The turns before the last assistant turn and that turn's text (None without one)."""
    for at in range(len(turns) - 1, -1, -1):
        if turns[at]["role"] == "assistant":
            answer = turns[at]["content"] or ""
            return (list(turns[:at]), answer) if answer.strip() else None
    return None


def model_fingerprint(folder: Path) -> str:
    """A cache id for a model folder: its name plus a digest of its config and weight files'
    sizes and times, so retraining a folder in place does not reuse its old losses."""
    digest = hashlib.sha256((folder / "config.json").read_bytes())
    for weights in sorted([*folder.glob("*.safetensors"), *folder.glob("*.bin")]):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return f"{folder.name}-{digest.hexdigest()[:12]}"


class AnswerLossModel:
    """Mean token negative log-likelihood of answers, batched with left padding so that only
    the answer's logits are computed (``logits_to_keep``) where the model supports it."""

    def __init__(self, model: str | None, *, max_length: int = 512) -> None:
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.folder = resolve_model(model)
        self.model_id = model_fingerprint(self.folder)
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        # a start token before the answer alone, so that every answer token is scored in
        # both conditions (Cherry LLM scores the bare answer from its second token)
        start = self.tokenizer.bos_token_id
        self.start_id = start if start is not None else self.tokenizer.eos_token_id
        pad = self.tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else self.start_id
        self._model: Any = None

    def prompt_text(self, turns: list[Message]) -> str:
        """The prompt as the model sees it: its chat template up to the assistant's turn."""
        if not turns:
            return ""
        if getattr(self.tokenizer, "chat_template", None):
            text = self.tokenizer.apply_chat_template(
                turns, tokenize=False, add_generation_prompt=True
            )
            return str(text)
        return "\n\n".join(t["content"] for t in turns) + "\n\n"

    def losses(
        self,
        prompts: list[str],
        answers: list[str],
        *,
        batch_size: int,
        done: Callable[[list[int], list[tuple[float, float]]], None],
    ) -> None:
        """Score each (prompt, answer): ``done(positions, [(with_prompt, alone), ...])`` hears
        every finished batch, shortest sequences first."""
        encoded = [self._encode(p, a) for p, a in zip(prompts, answers, strict=True)]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]) + len(encoded[i][1]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            given = self._mean_nll([(encoded[i][0], encoded[i][1]) for i in chunk])
            alone = self._mean_nll([([self.start_id], encoded[i][1]) for i in chunk])
            done(chunk, list(zip(given, alone, strict=True)))

    def _encode(self, prompt: str, answer: str) -> tuple[list[int], list[int]]:
        """Prompt and answer token ids, cut to ``max_length``: the answer keeps its start, the
        prompt its end (the part next to the answer)."""
        tokenize = self.tokenizer
        answer_ids = tokenize(answer, add_special_tokens=False)["input_ids"][: self.max_length - 1]
        prompt_ids = tokenize(prompt, add_special_tokens=False)["input_ids"] if prompt else []
        room = self.max_length - len(answer_ids)
        prompt_ids = prompt_ids[-room:] if prompt_ids else [self.start_id]
        return prompt_ids, answer_ids

    def _load(self) -> Any:
        if self._model is None:
            import torch
            from transformers import AutoModelForCausalLM

            device = "cuda" if torch.cuda.is_available() else "cpu"
            model = AutoModelForCausalLM.from_pretrained(self.folder, dtype=torch.float32)
            self._model = model.to(device).eval()
            self._keeps_logits = "logits_to_keep" in inspect.signature(model.forward).parameters
        return self._model

    def _mean_nll(self, pairs: list[tuple[list[int], list[int]]]) -> list[float]:
        import torch

        model = self._load()
        width = max(len(p) + len(a) for p, a in pairs)
        keep = max(len(a) for _, a in pairs) + 1  # the answer's tokens and the one before
        ids = torch.full((len(pairs), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(pairs), width), dtype=torch.long)
        answer_mask = torch.zeros((len(pairs), keep - 1), dtype=torch.bool)
        for row, (prompt, answer) in enumerate(pairs):
            tokens = prompt + answer
            ids[row, width - len(tokens) :] = torch.tensor(tokens)
            mask[row, width - len(tokens) :] = 1
            answer_mask[row, keep - 1 - len(answer) :] = True
        positions = (mask.cumsum(1) - 1).clamp(min=0)
        extra = {"logits_to_keep": keep} if self._keeps_logits else {}
        device = next(model.parameters()).device
        with torch.inference_mode():
            logits = model(
                input_ids=ids.to(device),
                attention_mask=mask.to(device),
                position_ids=positions.to(device),
                **extra,
            ).logits[:, -keep:-1]
        targets = ids[:, width - keep + 1 :].to(device)
        nll = torch.nn.functional.cross_entropy(
            logits.float().transpose(1, 2), targets, reduction="none"
        ).cpu()
        nll = nll.masked_fill(~answer_mask, 0.0)
        return (nll.sum(1) / answer_mask.sum(1)).tolist()
