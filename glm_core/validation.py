"""Checks a canonical request against what the provider accepts, before anything is sent.

Each failure is an `InvalidRequestError` (a `ValueError`) naming the provider, the option and
what is allowed, so the user can fix the call instead of decoding a provider's 400.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from glm_core.errors import InvalidRequestError
from glm_core.models import ModelProfile
from glm_core.providers import PROVIDERS, ProviderProfile
from glm_core.types import (
    AssistantMessage,
    ChatRequest,
    FilePart,
    ImagePart,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolMessage,
    UserMessage,
    VideoPart,
)
from glm_core.vision_checks import check_vision

__all__ = ["validate_request"]


@lru_cache(maxsize=16)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _fail(provider: ProviderProfile, message: str) -> InvalidRequestError:
    return InvalidRequestError(f"{provider.id}: {message}", provider=provider.id)


def _check_range(
    provider: ProviderProfile, name: str, value: float | None, allowed: tuple[float, float] | None
) -> None:
    if value is None:
        return
    if allowed is None:
        raise _fail(
            provider,
            f"{name} is not supported by {provider.name}; remove it (or send it in extra_body "
            "if you know the provider accepts it)",
        )
    low, high = allowed
    if not low <= value <= high:
        raise _fail(provider, f"{name}={value} is out of range; {provider.name} accepts {low} to {high}")


def validate_request(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> None:
    """Raise `InvalidRequestError` for anything `provider` would refuse.

    Types are checked first (a number where one is expected, text where text is), so every later
    check compares values of the right kind; `stop="END"` becomes `["END"]`.
    """
    _check_types(request, provider)
    _check_messages(request, provider, model)
    _check_range(provider, "temperature", request.temperature, provider.temperature_range)
    _check_range(provider, "top_p", request.top_p, provider.top_p_range)
    # The upper bound only where the model's limit is known (an unknown id's is a placeholder).
    upper = model.max_output_tokens if model.known else request.max_tokens
    if request.max_tokens is not None and not 1 <= request.max_tokens <= (upper or 1):
        raise _fail(
            provider,
            f"max_tokens={request.max_tokens} is out of range; {model.id} on {provider.name} "
            f"accepts 1 to {model.max_output_tokens}",
        )
    if request.stop and provider.max_stop is not None and len(request.stop) > provider.max_stop:
        raise _fail(
            provider,
            f"{len(request.stop)} stop sequences given; {provider.name} accepts at most {provider.max_stop}",
        )
    if request.thinking is not None and provider.thinking_switch == "none":
        raise _fail(
            provider,
            f"thinking cannot be switched on {provider.name} (its API documents no switch); leave thinking=None",
        )
    if request.preserve_thinking is not None and not provider.supports_preserve_thinking:
        raise _fail(
            provider,
            f"preserve_thinking is not supported by {provider.name}; earlier reasoning is still sent "
            "back on assistant turns. Leave preserve_thinking=None",
        )
    if request.preserve_thinking and not model.preserved_thinking:
        raise _fail(
            provider,
            f"preserve_thinking is not supported by {model.id} (preserved thinking is for GLM-4.7 and the "
            "GLM-5 text models); leave preserve_thinking=None",
        )
    if request.web_search and provider.web_search == "none":
        raise _fail(
            provider,
            f"web_search is not supported by {provider.name}; providers with built-in web search: "
            + ", ".join(p.id for p in PROVIDERS.values() if p.web_search != "none"),
        )
    # parallel_tool_calls=False where the provider has no switch: not sent, and the answer keeps
    # its first call (glm_core.tool_policy), so nothing to refuse here.
    _check_logprobs(request, provider)
    _check_tools(request, provider)
    _check_response_format(request, provider)


def _check_messages(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> None:
    messages = request.messages
    if not messages:
        raise _fail(provider, "messages is empty; pass at least one user message")
    if all(isinstance(m, SystemMessage | AssistantMessage) for m in messages):
        raise _fail(provider, "the conversation has no user message; add one")
    if provider.first_message_must_be_user:
        # An opening assistant greeting is fine: the dialect puts a user turn before it. A tool
        # result cannot open a conversation anywhere it is checked.
        first = next((m for m in messages if not isinstance(m, SystemMessage)), None)
        if isinstance(first, ToolMessage):
            raise _fail(
                provider,
                f"{provider.name} requires the first non-system message to be a user message "
                f"(got {type(first).__name__}); start the conversation with the user's turn",
            )
    check_vision(request, provider, model)
    for message in messages:
        if isinstance(message, ToolMessage) and not message.tool_call_id:
            raise _fail(provider, "a tool message has no tool_call_id; set it to the id of the call it answers")


def _check_logprobs(request: ChatRequest, provider: ProviderProfile) -> None:
    if (request.logprobs or request.top_logprobs is not None) and not provider.logprobs:
        with_logprobs = ", ".join(p.id for p in PROVIDERS.values() if p.logprobs)
        raise _fail(
            provider,
            f"logprobs are not available on {provider.name}; remove logprobs/top_logprobs, or use a provider "
            f"that returns them ({with_logprobs})",
        )
    top = request.top_logprobs
    if top is not None:
        if not 0 <= top <= provider.max_top_logprobs:
            raise _fail(
                provider,
                f"top_logprobs={top} is out of range; {provider.name} accepts 0 to {provider.max_top_logprobs}",
            )
        if not request.logprobs:
            raise _fail(provider, "top_logprobs needs logprobs=True")
    n = request.n
    if n is not None and n != 1:
        if n < 1:
            raise _fail(provider, f"n={n} is out of range; ask for at least 1 answer")
        if provider.max_n is not None and n > provider.max_n:
            if provider.max_n == 1:
                raise _fail(provider, f"n={n}: {provider.name} returns one answer per request; send n requests")
            raise _fail(provider, f"n={n} is out of range; {provider.name} accepts 1 to {provider.max_n}")


def _check_tools(request: ChatRequest, provider: ProviderProfile) -> None:
    tools = request.tools or []
    if provider.max_tools is not None and len(tools) > provider.max_tools:
        raise _fail(provider, f"{len(tools)} tools given; {provider.name} accepts at most {provider.max_tools}")
    pattern = _pattern(provider.tool_name_pattern)
    for tool in tools:
        # fullmatch: with match, "$" also matches before a final newline ("get_weather\n").
        if not isinstance(tool.name, str) or not pattern.fullmatch(tool.name):
            raise _fail(
                provider,
                f"tool name {tool.name!r} is not allowed; use 1-64 letters, digits, '_' or '-'",
            )
    choice = request.tool_choice
    if choice is None:
        return
    if not tools and choice != "none":
        raise _fail(provider, f"tool_choice={_describe(choice)} was given without tools; bind tools first")
    if isinstance(choice, NamedToolChoice) and choice.name not in {t.name for t in tools}:
        names = ", ".join(t.name for t in tools)
        raise _fail(provider, f"tool_choice names {choice.name!r}, which is not among the tools ({names})")


def _describe(choice: object) -> str:
    return repr(choice.name) if isinstance(choice, NamedToolChoice) else repr(choice)


def _check_response_format(request: ChatRequest, provider: ProviderProfile) -> None:
    response_format = request.response_format
    if response_format is None:
        return
    kind = response_format.get("type")
    if kind not in ("text", "json_object", "json_schema"):
        raise _fail(provider, f"response_format type {kind!r} is unknown; use text, json_object or json_schema")
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
            raise _fail(
                provider,
                'response_format json_schema needs {"json_schema": {"name": ..., "schema": {...}}}',
            )


_MESSAGE_TYPES = (SystemMessage, UserMessage, AssistantMessage, ToolMessage)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_types(request: ChatRequest, provider: ProviderProfile) -> None:
    """Each field holds the kind of value it documents; a plain conversion where intent is clear."""
    for name in ("temperature", "top_p"):
        value = getattr(request, name)
        if value is not None and not _is_number(value):
            raise _fail(provider, f"{name} must be a finite number, got {value!r}")
    for name in ("max_tokens", "seed"):
        value = getattr(request, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            if isinstance(value, float) and value.is_integer():
                setattr(request, name, int(value))
            else:
                raise _fail(provider, f"{name} must be a whole number, got {value!r}")
    stop = request.stop
    if stop is not None:
        if isinstance(stop, str):
            request.stop = stop = [stop]  # one stop sequence, never its characters
        if not isinstance(stop, list | tuple) or not all(isinstance(s, str) and s for s in stop):
            raise _fail(provider, f"stop must be a list of non-empty strings, got {stop!r}")
    if not isinstance(request.messages, list | tuple):
        raise _fail(provider, f"messages must be a list of messages, got {type(request.messages).__name__}")
    for position, message in enumerate(request.messages, 1):
        _check_message(message, position, provider)


def _check_message(message: object, position: int, provider: ProviderProfile) -> None:
    if not isinstance(message, _MESSAGE_TYPES):
        raise _fail(provider, f"message {position} is a {type(message).__name__}, not a glm_core message")
    content: Any = message.content
    kind = type(message).__name__
    if isinstance(message, UserMessage) and isinstance(content, list):
        for part in content:
            if not isinstance(part, TextPart | ImagePart | VideoPart | FilePart):
                raise _fail(provider, f"message {position} ({kind}) has a content part of type {type(part).__name__}")
            if isinstance(part, TextPart) and not isinstance(part.text, str):
                raise _fail(provider, f"message {position} ({kind}) has a text part that is not text")
    elif not (isinstance(content, str) or (content is None and isinstance(message, AssistantMessage))):
        raise _fail(provider, f"message {position} ({kind}) has content of type {type(content).__name__}; pass text")
