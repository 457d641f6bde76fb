"""Pydantic models of the row formats curate reads and writes; the JSON Schemas come from here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class ChatMessage(BaseModel):
    """One turn. ``content`` may also be a list of parts (text, image_url, input_audio)."""

    role: str = Field(
        description="system, user, assistant, tool or function; others are rejected by validate"
    )
    content: str | list[dict] | None
    name: str | None = None
    weight: Literal[0, 1] | None = Field(None, description="0: not trained on (assistant)")
    tool_calls: list[dict] | None = Field(
        None, description="assistant calls: {id, type: function, function: {name, arguments}}"
    )
    tool_call_id: str | None = Field(None, description="the call a tool turn answers")
    function_call: dict | None = Field(None, description="legacy single call {name, arguments}")


class ChatRow(_Row):
    """OpenAI chat format: ``{"messages": [...]}``, optional ``tools``, plus any other fields
    (kept as meta)."""

    messages: list[ChatMessage]
    tools: list[dict] | None = Field(None, description="function definitions (JSON Schema)")


class AlpacaRow(_Row):
    """Alpaca: an instruction, optional input, the output; ``history`` holds earlier turns."""

    instruction: str
    input: str | None = ""
    output: str
    system: str | None = None
    history: list[tuple[str, str]] | None = None


class ShareGPTTurn(BaseModel):
    """One ShareGPT turn: ``from`` is human, gpt or system."""

    model_config = ConfigDict(populate_by_name=True)
    from_: Literal["system", "human", "user", "gpt", "assistant", "chatgpt", "model"] | str = Field(
        alias="from"
    )
    value: str


class ShareGPTRow(_Row):
    """ShareGPT: ``{"conversations": [{"from": ..., "value": ...}]}``."""

    conversations: list[ShareGPTTurn]


class PreferenceRow(_Row):
    """A preference pair: plain strings, or lists of turns (TRL's conversational form)."""

    prompt: str | list[ChatMessage]
    chosen: str | list[ChatMessage]
    rejected: str | list[ChatMessage]
