"""Counting GLM tokens without a tokenizer package: a calibrated estimate, or the provider's count.

`estimate_tokens(request)` needs nothing installed and sends nothing. It counts the way GLM's
tokenizer and chat template spend tokens: about 4 characters of English per token, about 0.7
tokens per Chinese / Japanese / Korean character (GLM's 151k vocabulary holds most common
characters and many two-character words, so CJK text costs far fewer tokens than under GPT-2's
byte-level BPE, which spends 2-3 per character), 3 characters of JSON per token (tool schemas and
call arguments), 2 tokens of role markup per message, 3 for the prompt's frame, and a fixed
tool-use preamble of 88 tokens when tools are offered.

Accuracy, measured against `usage.prompt_tokens` of 9 real Z.ai glm-4.5 requests captured
outside this project (charmbracelet/fantasy providertests, coding endpoint, 2025-09: plain chat,
one and two tools, tool-result turns, streamed and not; 18 to 360 prompt tokens): within 6% on every request
(worst: +1 token on the 18-token plain chat), mean absolute error 2.9%
(tests/traffic/test_token_counting.py recomputes this). English only: no
public capture pairs a Chinese prompt with its GLM token count, so the CJK rate is an estimate
from the vocabulary, not a measurement (expect +-25% on Chinese-heavy text). Where it matters (a
context-window budget, billing), ask the provider: `GLMClient.count_tokens(request)` calls Z.ai's
and BigModel's `/tokenizer` endpoint (docs/providers-facts.md, "Z.ai and Zhipu BigModel") and returns the exact count.

Example:
    >>> from glm_core.types import ChatRequest, UserMessage
    >>> estimate_tokens(ChatRequest("glm-4.7", [UserMessage("Say hi in Portuguese")]))
    10
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from glm_core.dialects import fields
from glm_core.errors import InvalidRequestError, ResponseDecodeError
from glm_core.models import ModelProfile
from glm_core.providers import PROVIDERS, ProviderProfile
from glm_core.types import (
    AssistantMessage,
    ChatRequest,
    ImagePart,
    Message,
    SystemMessage,
    TextPart,
    ToolMessage,
    ToolSpec,
    UserMessage,
)

if TYPE_CHECKING:
    from glm_core.endpoint import Endpoint

__all__ = [
    "estimate_message_tokens",
    "estimate_text_tokens",
    "estimate_tokens",
    "tokenizer_body",
    "tokenizer_count",
]

_CHARS_PER_TOKEN = 4.0  # English and other ASCII text
_CJK_TOKENS_PER_CHAR = 0.7
_OTHER_TOKENS_PER_CHAR = 0.5  # accented Latin, Cyrillic, emoji, ...
_JSON_CHARS_PER_TOKEN = 3.0
_PROMPT_FRAME = 3  # [gMASK]<sop> ... <|assistant|>
_PER_MESSAGE = 2  # <|role|> and its newline
_TOOLS_PREAMBLE = 88  # the chat template's tool-use instructions, once when tools are offered
_PER_CALL = 6  # <tool_call> markup around a call in an assistant turn
_PER_RESULT = 4  # <tool_response> markup around a tool result
_PER_IMAGE = 1000  # an image's share is decided by the provider: a rough placeholder

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff]")


def estimate_text_tokens(text: str) -> int:
    """Tokens GLM spends on `text` alone (no role markup).

    Example:
        >>> estimate_text_tokens("Hello, world"), estimate_text_tokens("你好世界")
        (3, 3)
    """
    if not text:
        return 0
    cjk = len(_CJK.findall(text))
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    other = len(text) - cjk - ascii_chars
    return math.ceil(ascii_chars / _CHARS_PER_TOKEN + cjk * _CJK_TOKENS_PER_CHAR + other * _OTHER_TOKENS_PER_CHAR)


def _json_tokens(text: str) -> int:
    return math.ceil(len(text) / _JSON_CHARS_PER_TOKEN) if text else 0


def estimate_message_tokens(message: Message) -> int:
    """Tokens one message costs in a prompt, its role markup included."""
    if isinstance(message, SystemMessage):
        return _PER_MESSAGE + estimate_text_tokens(message.content)
    if isinstance(message, UserMessage):
        if isinstance(message.content, str):
            return _PER_MESSAGE + estimate_text_tokens(message.content)
        parts = message.content
        text = sum(estimate_text_tokens(p.text) for p in parts if isinstance(p, TextPart))
        return _PER_MESSAGE + text + _PER_IMAGE * sum(isinstance(p, ImagePart) for p in parts)
    if isinstance(message, AssistantMessage):
        total = _PER_MESSAGE + estimate_text_tokens(message.content or "")
        total += estimate_text_tokens(message.reasoning or "")
        for call in message.tool_calls:
            total += _PER_CALL + _json_tokens(call.name + call.arguments)
        return total
    if isinstance(message, ToolMessage):
        media = _PER_IMAGE * sum(isinstance(p, ImagePart) for p in message.media)
        return _PER_MESSAGE + _PER_RESULT + estimate_text_tokens(message.content) + media
    raise TypeError(f"not a glm_core message: {message!r}")


def _tools_tokens(tools: Iterable[ToolSpec]) -> int:
    tools = list(tools)
    if not tools:
        return 0
    schemas = sum(
        _json_tokens(
            json.dumps({"name": t.name, "description": t.description, "parameters": t.parameters}, ensure_ascii=False)
        )
        for t in tools
    )
    return _TOOLS_PREAMBLE + schemas


def estimate_tokens(request: ChatRequest) -> int:
    """The prompt tokens GLM will count for `request` (messages and tools), estimated offline."""
    return (
        _PROMPT_FRAME + sum(estimate_message_tokens(m) for m in request.messages) + _tools_tokens(request.tools or ())
    )


def tokenizer_body(endpoint: Endpoint, request: ChatRequest) -> tuple[str, bytes, dict[str, str]]:
    """The URL, JSON body and headers that ask `endpoint`'s provider to count `request`'s prompt tokens.

    The tokenizer's request schema (ZAI-OAS TokenizerRequest) has system, user and assistant
    messages with text content only: no tool role, no assistant `tool_calls`, no reasoning. Each is
    written as the text GLM's chat template renders it, so it is still counted: a call as
    `<tool_call>name\narguments</tool_call>` in the assistant's text, a tool result as a user turn
    `<tool_response>...</tool_response>`, earlier reasoning as `<think>...</think>` before the answer
    where it is kept (preserved thinking) and left out where the server clears it (the default).
    Raises `InvalidRequestError` where the provider has no tokenizer endpoint (use
    `estimate_tokens` there).
    """
    provider = endpoint.provider
    if provider.tokenizer_path is None:
        with_one = ", ".join(p.id for p in PROVIDERS.values() if p.tokenizer_path) or "none"
        raise InvalidRequestError(
            f"{provider.name} has no tokenizer endpoint (providers with one: {with_one}); "
            "use glm_core.tokens.estimate_tokens, which needs no network",
            provider=provider.id,
        )
    prepared = endpoint.prepare(request, stream=False)
    encoded = prepared.body
    keep = request.preserve_thinking if request.preserve_thinking is not None else provider.preserve_thinking_default
    messages = [_tokenizer_message(m, provider.reasoning_input_field, keep=keep) for m in encoded["messages"]]
    body: dict[str, Any] = {"model": _tokenizer_model(request.model, prepared.model, provider), "messages": messages}
    tools = [t for t in encoded.get("tools") or () if t.get("type") == "function"]
    if tools:
        body["tools"] = tools
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return endpoint.url(provider.tokenizer_path), content, prepared.headers


def _tokenizer_model(model: str, facts: ModelProfile, provider: ProviderProfile) -> str:
    """The id the tokenizer takes: the model itself, else the closest it lists (same line, the vision
    tokenizer for a vision model), else its first. GLM-4.7 and GLM-5.x have none of their own in
    the enum (glm-4.6, glm-4.6v, glm-4.5): they are counted with GLM-4.6's (UNCERTAIN_CHOICES)."""
    known = provider.tokenizer_models
    name = (facts.family or model).lower()
    if name in known:
        return name
    if "image" in facts.inputs:
        vision = [m for m in known if m.endswith("v")]
        if vision:
            return vision[0]
    prefixed = [m for m in known if name.startswith(m + "-")]
    return max(prefixed, key=len) if prefixed else known[0]


def _tokenizer_message(message: dict[str, Any], reasoning_field: str, *, keep: bool) -> dict[str, Any]:
    role, content = message["role"], message.get("content")
    if role == "tool":
        return {"role": "user", "content": f"<tool_response>\n{content}\n</tool_response>"}
    if role != "assistant":
        return {"role": role, "content": content}
    pieces = []
    reasoning = message.get(reasoning_field)
    if keep and isinstance(reasoning, str) and reasoning:
        pieces.append(f"<think>{reasoning}</think>")
    if content:
        pieces.append(content)
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        pieces.append(f"<tool_call>{function.get('name', '')}\n{function.get('arguments', '')}</tool_call>")
    return {"role": "assistant", "content": "\n".join(pieces)}


def tokenizer_count(provider: ProviderProfile, data: Any) -> int:
    """`usage.prompt_tokens` of a tokenizer answer: a count (a non-negative integer; a boolean,
    a fraction, text or null is a `ResponseDecodeError`)."""
    usage = data.get("usage") if isinstance(data, dict) else None
    value = usage.get("prompt_tokens") if isinstance(usage, dict) else None
    try:
        count = fields.count(value, "usage.prompt_tokens")
    except fields.MalformedField as exc:
        raise ResponseDecodeError(f"{provider.name}'s tokenizer answered with {exc}", provider=provider.id) from None
    if count is None:
        raise ResponseDecodeError(
            f"{provider.name}'s tokenizer answered without usage.prompt_tokens: {data!r:.200}", provider=provider.id
        )
    return count
