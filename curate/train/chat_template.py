"""A training chat template: the model's own rendering, with assistant turns marked for the loss.

trl's ``assistant_only_loss`` needs ``{% generation %}`` markers around the assistant content.
Stock templates rarely have them (SmolLM2's has none), and trl only knows how to patch a few
named families. For ChatML templates curate writes an equivalent template with markers and
checks, by rendering probe conversations, that it produces exactly the stock text: the model
is trained on the same prompt format it will be served with (including a default system prompt
the stock template injects, as SmolLM2's does), and the end-of-turn token is inside the marked
span so the model learns to stop.
"""

from __future__ import annotations

import re
from typing import Any

from curate.errors import CurateError

_MARKER = re.compile(r"\{%-?\s*generation\s*-?%\}")
_START, _END = "<|im_start|>", "<|im_end|>"
_PROBES: list[list[dict[str, str]]] = [
    [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"}],
    [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "Q2"},
        {"role": "assistant", "content": "A2"},
    ],
]


class ChatTemplateError(CurateError):
    """The tokenizer's chat template cannot be marked for assistant-only loss."""


def has_generation_markers(template: str | None) -> bool:
    """Whether a template already marks assistant content with ``{% generation %}``."""
    return bool(template) and _MARKER.search(template or "") is not None


def training_chat_template(tokenizer: Any) -> str:
    """A template that renders like the tokenizer's own and marks assistant turns.

    Returns the stock template when it already has markers; raises ChatTemplateError (with
    the way out) when it is neither marked nor ChatML.
    """
    stock = tokenizer.chat_template
    if isinstance(stock, dict):
        stock = stock.get("default")
    if not stock:
        raise ChatTemplateError(
            "the base model's tokenizer has no chat template",
            field="base_model",
            hint="use an instruct model, or set assistant_only_loss: false",
        )
    if has_generation_markers(stock):
        return stock
    if _START not in stock or _END not in stock:
        raise _unsupported()
    patched = _chatml_template(_default_system_block(tokenizer, stock))
    for probe in _PROBES:
        for prompt in (False, True):
            expected = _render(tokenizer, stock, probe, prompt)
            if _render(tokenizer, patched, probe, prompt) != expected:
                raise _unsupported()
    return patched


def _default_system_block(tokenizer: Any, stock: str) -> str:
    """The system turn the stock template adds when a conversation has none ('' if none)."""
    text = _render(tokenizer, stock, _PROBES[0], False)
    return text[: text.find(f"{_START}user")] if f"{_START}user" in text else ""


def _chatml_template(default_system: str) -> str:
    escaped = default_system.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return (
        "{% for message in messages %}"
        "{% if loop.first and message['role'] != 'system' %}{{ '" + escaped + "' }}{% endif %}"
        "{{ '" + _START + "' + message['role'] + '\\n' }}"
        # a weight-0 assistant turn (OpenAI's "do not train on this turn") renders the same
        # text outside the markers, so it is context and not a target
        "{% if message['role'] == 'assistant' and message.get('weight') != 0 %}"
        "{% generation %}{{ message['content'] + '" + _END + "' }}{% endgeneration %}"
        "{% else %}{{ message['content'] + '" + _END + "' }}{% endif %}"
        "{{ '\\n' }}"
        "{% endfor %}"
        "{% if add_generation_prompt %}{{ '" + _START + "assistant\\n' }}{% endif %}"
    )


def _render(tokenizer: Any, template: str, messages: list[dict[str, str]], prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        messages, chat_template=template, tokenize=False, add_generation_prompt=prompt
    )


def _unsupported() -> ChatTemplateError:
    return ChatTemplateError(
        "the base model's chat template has no {% generation %} markers and is not plain ChatML, "
        "so curate cannot tell assistant tokens apart",
        field="assistant_only_loss",
        hint="set assistant_only_loss: false, or use a model whose template has the markers",
    )
