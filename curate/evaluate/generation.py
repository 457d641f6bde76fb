"""Local causal LMs on CPU: batched chat generation and the loss of reference answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from curate.evaluate.data import Message
from curate.evaluate.decoding import DecodingPreset, generation_config_fields
from curate.local_models import ModelNotFoundError, resolve_model


@dataclass(frozen=True)
class ModelSource:
    """A full model folder, plus a peft adapter folder to apply on top of it (or None)."""

    folder: Path
    adapter: Path | None = None

    def describe(self) -> str:
        return f"{self.folder} + adapter {self.adapter}" if self.adapter else str(self.folder)


def resolve_tuned(spec: str, base_model: str) -> ModelSource:
    """A tuned model given as a merged folder, an adapter folder, or a train output folder
    (which holds ``merged/`` and ``adapter/``; the merged model is preferred)."""
    path = Path(spec).expanduser()
    for folder in (path / "merged", path):
        if (folder / "config.json").is_file():
            return ModelSource(folder)
    for folder in (path / "adapter", path):
        config = folder / "adapter_config.json"
        if config.is_file():
            named = orjson.loads(config.read_bytes()).get("base_model_name_or_path")
            local = named and (Path(named) / "config.json").is_file()
            return ModelSource(Path(named) if local else resolve_model(base_model), folder)
    if not path.exists():
        raise ModelNotFoundError(f"tuned model folder {path} not found")
    raise ModelNotFoundError(
        f"{path} holds neither a model (config.json) nor a peft adapter (adapter_config.json)"
    )


class LocalModel:
    """One model in memory, with its tokenizer set up for batched chat prompts."""

    def __init__(self, source: ModelSource) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.source = source
        tok_folder = source.adapter if _has_tokenizer(source.adapter) else source.folder
        self.tokenizer = AutoTokenizer.from_pretrained(tok_folder)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(source.folder, dtype=torch.float32)
        if source.adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, source.adapter)
        self.model = model.eval()

    def chat_text(self, messages: list[Message], *, add_generation_prompt: bool) -> str:
        text = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=add_generation_prompt
        )
        return str(text)

    def generate(
        self,
        prompts: list[list[Message]],
        preset: DecodingPreset,
        *,
        max_new_tokens: int,
        batch_size: int,
        done: Callable[[int], None] = lambda _: None,
    ) -> list[str]:
        """One answer per prompt, batched by similar length with left padding; the preset's
        seed is set first so sampled answers repeat on a rerun."""
        import torch

        torch.manual_seed(preset.seed)
        texts = [self.chat_text(p, add_generation_prompt=True) for p in prompts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        answers: list[str] = [""] * len(texts)
        self.tokenizer.padding_side = "left"
        options: dict[str, Any] = generation_config_fields(preset)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            encoded = self.tokenizer(
                [texts[i] for i in chunk],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            )
            with torch.no_grad():
                output = self.model.generate(
                    **encoded,
                    max_new_tokens=max_new_tokens,
                    pad_token_id=self.tokenizer.pad_token_id,
                    **options,
                )
            new_tokens = output[:, encoded["input_ids"].shape[1] :]
            decoded = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
            for i, text in zip(chunk, decoded, strict=True):
                answers[i] = text.strip()
            done(len(chunk))
        return answers

    def reference_loss(
        self, prompts: list[list[Message]], references: list[str], *, batch_size: int
    ) -> tuple[list[float], list[int]]:
        """Per row: the summed token NLL of its reference answer (assistant tokens only) and
        how many tokens that is; the mean loss is sum(nll) / sum(tokens)."""
        import torch

        features = [self._answer_labels(p, r) for p, r in zip(prompts, references, strict=True)]
        nll_rows: list[float] = []
        token_rows: list[int] = []
        pad = self.tokenizer.pad_token_id
        for start in range(0, len(features), batch_size):
            chunk = features[start : start + batch_size]
            width = max(len(ids) for ids, _ in chunk)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            labels = torch.full((len(chunk), width), -100, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, (tokens, answer_from) in enumerate(chunk):
                ids[row, : len(tokens)] = torch.tensor(tokens)
                mask[row, : len(tokens)] = 1
                labels[row, answer_from : len(tokens)] = torch.tensor(tokens[answer_from:])
            with torch.no_grad():
                logits = self.model(input_ids=ids, attention_mask=mask).logits
            shifted = labels[:, 1:]
            nll = torch.nn.functional.cross_entropy(
                logits[:, :-1].reshape(-1, logits.shape[-1]).float(),
                shifted.reshape(-1),
                ignore_index=-100,
                reduction="none",
            ).reshape(shifted.shape)
            nll_rows += [float(v) for v in nll.sum(dim=1)]
            token_rows += [int(v) for v in (shifted != -100).sum(dim=1)]
        return nll_rows, token_rows

    def _answer_labels(self, prompt: list[Message], reference: str) -> tuple[list[int], int]:
        """Token ids of the whole conversation and where the answer's tokens start."""
        head = self.chat_text(prompt, add_generation_prompt=True)
        full = self.chat_text(
            [*prompt, {"role": "assistant", "content": reference}], add_generation_prompt=False
        )
        head_ids = self.tokenizer(head, add_special_tokens=False)["input_ids"]
        full_ids = self.tokenizer(full, add_special_tokens=False)["input_ids"]
        shared = 0
        for a, b in zip(head_ids, full_ids, strict=False):
            if a != b:
                break
            shared += 1
        return full_ids, shared


def _has_tokenizer(folder: Path | None) -> bool:
    return folder is not None and (folder / "tokenizer_config.json").is_file()
