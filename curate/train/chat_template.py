"""A training chat template: the model's own rendering, with assistant turns marked for the loss.

trl's ``assistant_only_loss`` needs ``{% generation %}`` markers around the assistant content.
Stock templates rarely have them (SmolLM2's has none), and trl only knows how to patch a few
named families. For ChatML templates curate writes an equivalent template with markers and
checks, by rendering probe conversations, that it produces exactly the stock text: the model
is trained on the same prompt format it will be served with (including a default system prompt
the stock template injects, as SmolLM2's does), and the end-of-turn token is inside the marked
span so the model learns to stop.

Tool rows: SmolLM2's stock template ignores ``tools`` and cannot render a turn that only calls a
tool (its content is null). The ChatML template written here adds a documented fallback in the
Hermes / Qwen2.5 style that ChatML tool models use: the definitions, one JSON object a line,
inside ``<tools>`` at the end of the system turn (the default system prompt when the row has
none); each call as ``<tool_call>{"name": ..., "arguments": ...}</tool_call>`` in the assistant
turn (inside the marked span, so the model learns to call); a tool result as a ``tool`` turn,
as the stock template renders any role. ``arguments`` is the JSON text the row holds (OpenAI
writes it as a string), written verbatim. Plain rows render exactly as before.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

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


_TOOL_PROBE_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "probe_lookup",
            "description": "D",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
]
_TOOL_PROBE: list[dict[str, Any]] = [
    {"role": "user", "content": "Q1"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "probe_lookup", "arguments": '{"q": "probe-arg"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "c1", "content": "R1"},
    {"role": "assistant", "content": "A1"},
]
# The fallback's words around the definitions (curate's own; the layout is Hermes-style).
_TOOLS_INTRO = (
    "You can call the tools defined below, one JSON object a line, inside <tools></tools>:\n<tools>"
)
_TOOLS_OUTRO = (
    "</tools>\nTo call one, answer with a <tool_call></tool_call> block per call holding "
    'a JSON object with "name" and "arguments".'
)


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


def renders_tools(tokenizer: Any, template: str | None = None) -> bool:
    """Whether ``template`` (default: the tokenizer's) writes tool definitions and calls into
    the text; a template that ignores them, or fails on a call-only turn, does not."""
    try:
        text = tokenizer.apply_chat_template(
            _TOOL_PROBE, tools=_TOOL_PROBE_TOOLS, chat_template=template, tokenize=False
        )
    except Exception:  # jinja raises anything a template's own checks raise
        return False
    return "probe_lookup" in text and "probe-arg" in text and "R1" in text


def chat_messages(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Canonical turns (a frame row's or ingest's) as chat-template messages.

    Role and text (text parts joined; image and audio parts are not text a text model reads),
    plus, when present, ``weight``, ``name``, ``tool_call_id`` and the calls as OpenAI
    ``tool_calls`` (a legacy ``function_call`` becomes one call). Absent fields are left out.
    """
    out = []
    for turn in turns:
        message: dict[str, Any] = {"role": turn["role"], "content": turn.get("content") or ""}
        for key in ("weight", "name", "tool_call_id"):
            if turn.get(key) is not None:
                message[key] = turn[key]
        calls = _calls(turn)
        if calls:
            message["tool_calls"] = calls
        out.append(message)
    return out


def _calls(turn: dict[str, Any]) -> list[dict[str, Any]]:
    """OpenAI-shaped calls with ``arguments`` as JSON text, whatever shape the turn holds."""
    raw = turn.get("tool_calls")
    if isinstance(raw, str):
        raw = orjson.loads(raw)
    legacy = turn.get("function_call")
    if not raw and legacy:
        legacy = orjson.loads(legacy) if isinstance(legacy, str) else legacy
        raw = [{"type": "function", "function": legacy}]
    calls = []
    for call in raw or []:
        if not isinstance(call, dict):
            continue
        function = call.get("function") or {}
        arguments = function.get("arguments", "")
        if not isinstance(arguments, str):
            arguments = orjson.dumps(arguments).decode()
        shaped = {
            "type": "function",
            "function": {"name": str(function.get("name", "")), "arguments": arguments},
        }
        if call.get("id") is not None:
            shaped["id"] = str(call["id"])
        calls.append(shaped)
    return calls


def _default_system_block(tokenizer: Any, stock: str) -> str:
    """The system turn the stock template adds when a conversation has none ('' if none)."""
    text = _render(tokenizer, stock, _PROBES[0], False)
    return text[: text.find(f"{_START}user")] if f"{_START}user" in text else ""


def _jinja_text(text: str) -> str:
    """``text`` as a single-quoted Jinja string literal's inside."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")


def _chatml_template(default_system: str) -> str:
    prefix, suffix = f"{_START}system\n", f"{_END}\n"
    default_text = ""
    if default_system.startswith(prefix) and default_system.endswith(suffix):
        default_text = default_system[len(prefix) : -len(suffix)]
    tools_block = (
        "{% if tools %}{% set ns.tools = '" + _jinja_text(_TOOLS_INTRO) + "' %}"
        "{% for tool in tools %}{% set ns.tools = ns.tools + '\\n' + (tool | tojson) %}"
        "{% endfor %}{% set ns.tools = ns.tools + '\\n" + _jinja_text(_TOOLS_OUTRO) + "' %}"
        "{% endif %}"
    )
    # a row with tools but no system turn gets the default system prompt (if the stock
    # template has one) followed by the definitions; without tools it renders as before
    head = f"{_START}system\n" + (f"{default_text}\n\n" if default_text else "")
    default_turn = (
        "{% if ns.tools %}{{ '" + _jinja_text(head) + "' + ns.tools + '" + _END + "\\n' }}"
        "{% else %}{{ '" + _jinja_text(default_system) + "' }}{% endif %}"
    )
    calls = (
        "{% for call in message.get('tool_calls') or [] %}"
        "{% set fn = call['function'] %}"
        "{% set args = fn['arguments'] if fn['arguments'] is string"
        " else fn['arguments'] | tojson %}"
        "{% if not loop.first or message['content'] %}{{ '\\n' }}{% endif %}"
        "{{ '<tool_call>\\n{\"name\": ' + (fn['name'] | tojson) + ', \"arguments\": ' + args"
        " + '}\\n</tool_call>' }}"
        "{% endfor %}"
    )
    body = "{{ (message['content'] or '') }}" + calls + "{{ '" + _END + "' }}"
    return (
        "{% set ns = namespace(tools='') %}" + tools_block + "{% for message in messages %}"
        "{% if loop.first and message['role'] != 'system' %}" + default_turn + "{% endif %}"
        "{{ '" + _START + "' + message['role'] + '\\n' }}"
        # a weight-0 assistant turn (OpenAI's "do not train on this turn") renders the same
        # text outside the markers, so it is context and not a target
        "{% if message['role'] == 'assistant' and message.get('weight') != 0 %}"
        "{% generation %}" + body + "{% endgeneration %}"
        "{% elif loop.first and message['role'] == 'system' and ns.tools %}"
        "{{ (message['content'] or '') + '\\n\\n' + ns.tools + '" + _END + "' }}"
        "{% else %}" + body + "{% endif %}"
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
