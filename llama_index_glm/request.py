"""The canonical `ChatRequest` for one call: the LLM's settings, then `additional_kwargs`, then call kwargs.

Call kwargs named like a `ChatRequest` field (temperature, max_tokens, thinking, tools,
tool_choice, response_format, ...) set that field; any other kwarg goes into the JSON body as is
(the escape hatch OpenAI-family integrations also offer), after the LLM's `extra_body`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glm_core.thinking import with_default_effort
from glm_core.types import ChatRequest, Message
from llama_index_glm.tools import resolve_tool_choice, to_tool_specs

if TYPE_CHECKING:
    from llama_index_glm.base import GLM

__all__ = ["REQUEST_FIELDS", "build_request"]

REQUEST_FIELDS = frozenset(
    {
        "temperature",
        "top_p",
        "max_tokens",
        "stop",
        "seed",
        "thinking",
        "preserve_thinking",
        "reasoning_effort",
        "web_search",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "extra_body",
        "extra_headers",
        "logprobs",
        "top_logprobs",
        "n",
    }
)


def build_request(llm: GLM, messages: list[Message], kwargs: dict[str, Any]) -> ChatRequest:
    request = ChatRequest(
        llm.model,
        messages,
        llm.temperature,
        llm.top_p,
        llm.max_tokens,
        llm.stop,
        llm.seed,
        llm.thinking,
        llm.preserve_thinking,
        llm.web_search,
        logprobs=llm.logprobs,
        top_logprobs=llm.top_logprobs,
    )
    extra = llm.extra_body
    if llm.additional_kwargs:
        extra = _apply(request, llm.additional_kwargs, extra, extra is llm.extra_body)
    if kwargs:
        extra = _apply(request, kwargs, extra, extra is llm.extra_body)
    if request.tool_choice is None and request.tools and llm.tool_choice is not None:
        request.tool_choice = resolve_tool_choice(llm.tool_choice)
    request.extra_body = extra
    # The LLM's level is a default: a call's own level or thinking=False wins.
    return with_default_effort(request, llm.reasoning_effort)


def _apply(request: ChatRequest, options: dict[str, Any], extra: dict[str, Any] | None, shared: bool) -> Any:
    """Set request fields from `options`; return the (copied on first write) extra body."""
    for key, value in options.items():
        if key in REQUEST_FIELDS:
            if key == "tools":
                value = to_tool_specs(value)
            elif key == "tool_choice":
                value = resolve_tool_choice(value)
            elif key == "stop" and isinstance(value, str):
                value = [value]
            elif key == "extra_body":
                if value:
                    extra = {**extra, **value} if extra else dict(value)
                    shared = False
                continue
            setattr(request, key, value)
        else:
            if extra is None or shared:
                extra = dict(extra or {})
                shared = False
            extra[key] = value
    return extra
