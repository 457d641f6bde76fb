"""Held-out preference metrics for a DPO-tuned model: preference accuracy and reward margin.

DPO's implicit reward of an answer is ``beta * (log p_policy(answer) - log p_reference(answer))``
summed over the answer's tokens; a pair is ranked right when the chosen answer's reward beats
the rejected one's. The pairs are tokenised as trl's DPOTrainer does (the prompt through the
chat template with a generation prompt, each answer where prompt and prompt+answer part,
sequences cut to ``max_length`` from the end), so the figures match the training loss.

``curate train`` scores the eval split with the adapter switched off as the reference;
``evaluate_preferences`` scores a saved model (merged or adapter folder) against its base on
any preference file, e.g. the test split, for ``curate eval`` (``evaluate_dpo_run`` reads
beta, length and base from a ``curate train`` output folder).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from curate.train.preference_data import PreferencePair


@dataclass(frozen=True)
class PreferenceMetrics:
    """How often the model ranks the chosen answer first, and by how much, over some pairs."""

    pairs: int
    accuracy: float
    mean_margin: float
    beta: float
    margins: tuple[float, ...]

    def summary(self) -> dict[str, Any]:
        """The figures for a manifest or a results file (per-pair margins left out)."""
        return {
            "pairs": self.pairs,
            "preference_accuracy": round(self.accuracy, 4),
            "mean_reward_margin": round(self.mean_margin, 4),
            "beta": self.beta,
        }


def preference_metrics(
    policy: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    pairs: list[PreferencePair],
    *,
    beta: float,
    max_length: int | None = None,
    reference: PreTrainedModel | None = None,
) -> PreferenceMetrics:
    """Score ``pairs``; without ``reference`` the policy must be a peft model, and the
    reference is the same model with its adapter disabled (the frozen base)."""
    import torch

    if reference is None and not hasattr(policy, "disable_adapter"):
        raise ValueError("a reference model is needed unless the policy is a peft model")
    was_training = policy.training
    policy.eval()
    margins = []
    with torch.no_grad():
        for pair in pairs:
            sequences = [
                _answer_tokens(tokenizer, pair.prompt, answer, max_length)
                for answer in (pair.chosen, pair.rejected)
            ]
            policy_logps = [_answer_logp(policy, ids, start) for ids, start in sequences]
            with _reference_context(policy, reference):
                ref_model = reference if reference is not None else policy
                ref_logps = [_answer_logp(ref_model, ids, start) for ids, start in sequences]
            chosen_reward = beta * (policy_logps[0] - ref_logps[0])
            rejected_reward = beta * (policy_logps[1] - ref_logps[1])
            margins.append(chosen_reward - rejected_reward)
    if was_training:
        policy.train()
    count = len(margins)
    return PreferenceMetrics(
        pairs=count,
        accuracy=sum(m > 0 for m in margins) / count if count else 0.0,
        mean_margin=sum(margins) / count if count else 0.0,
        beta=beta,
        margins=tuple(margins),
    )


def evaluate_preferences(
    model_path: Path,
    base_path: Path,
    pairs_file: Path,
    *,
    beta: float,
    max_length: int | None = None,
) -> PreferenceMetrics:
    """Preference accuracy and margin of a saved DPO model on a preference file, against the
    base it was tuned from. ``model_path`` is a merged folder or a peft adapter folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from curate.train.preference_data import read_pairs

    pairs = read_pairs(pairs_file, "test")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    reference = AutoModelForCausalLM.from_pretrained(base_path)
    if (model_path / "adapter_config.json").is_file():
        from peft import PeftModel

        # the adapter over the base gives the policy; with it disabled, the reference
        policy = PeftModel.from_pretrained(reference, model_path)
        return preference_metrics(policy, tokenizer, pairs, beta=beta, max_length=max_length)
    policy = AutoModelForCausalLM.from_pretrained(model_path)
    return preference_metrics(
        policy, tokenizer, pairs, beta=beta, max_length=max_length, reference=reference
    )


def evaluate_dpo_run(train_out: Path, pairs_file: Path) -> PreferenceMetrics | None:
    """``evaluate_preferences`` for a ``curate train`` output folder, with the beta, length and
    base its manifest records; None when the run was not a DPO run (or never finished)."""
    import orjson

    manifest_path = train_out / "train_manifest.json"
    if not manifest_path.is_file():
        return None
    manifest = orjson.loads(manifest_path.read_bytes())
    if manifest.get("method") != "dpo":
        return None
    config = manifest["config"]
    outputs = manifest["outputs"]
    model = train_out / (outputs.get("merged") or outputs["adapter"])
    return evaluate_preferences(
        model,
        Path(manifest["base_model"]["path"]),
        pairs_file,
        beta=config["dpo"]["beta"],
        max_length=config["max_length"],
    )


def _reference_context(
    policy: PreTrainedModel, reference: PreTrainedModel | None
) -> AbstractContextManager[Any]:
    return policy.disable_adapter() if reference is None else nullcontext()


def _answer_tokens(
    tokenizer: PreTrainedTokenizerBase,
    prompt: list[dict[str, str]],
    answer: list[dict[str, str]],
    max_length: int | None,
) -> tuple[list[int], int]:
    """Token ids of prompt + answer and where the answer starts (trl's prefix rule)."""
    prompt_ids = _chat_ids(tokenizer, prompt, add_generation_prompt=True)
    full_ids = _chat_ids(tokenizer, prompt + answer, add_generation_prompt=False)
    start = 0
    for a, b in zip(prompt_ids, full_ids, strict=False):
        if a != b:
            break
        start += 1
    if max_length is not None:
        full_ids = full_ids[:max_length]
    return full_ids, min(start, len(full_ids))


def _chat_ids(
    tokenizer: PreTrainedTokenizerBase, turns: list[dict[str, str]], *, add_generation_prompt: bool
) -> list[int]:
    encoded = tokenizer.apply_chat_template(
        turns, add_generation_prompt=add_generation_prompt, tokenize=True, return_dict=True
    )
    return list(encoded["input_ids"])


def _answer_logp(model: PreTrainedModel, ids: list[int], start: int) -> float:
    """Summed log-probability of ``ids[start:]`` given what precedes each token."""
    import torch

    if start >= len(ids):
        return 0.0  # the answer was cut off entirely: no evidence either way
    device = next(model.parameters()).device
    input_ids = torch.tensor([ids], device=device)
    logits = model(input_ids=input_ids).logits[0, :-1].float()
    log_probs = torch.log_softmax(logits, dim=-1)
    targets = input_ids[0, 1:]
    token_logps = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
    # position i predicts token i + 1, so the answer's tokens are predicted from start - 1 on
    return float(token_logps[max(start - 1, 0) :].sum())
