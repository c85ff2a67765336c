"""The canonical `ChatRequest` for one call: the LLM's settings, then `additional_kwargs`, then call kwargs.

Call kwargs named like a `ChatRequest` field (temperature, max_tokens, thinking, tools,
tool_choice, response_format, ...) set that field; any other kwarg goes into the JSON body as is
(the escape hatch OpenAI-family integrations also offer), after the LLM's `extra_body`: the rule
of `glm_core.options.apply_options`, shared with LangChain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glm_core.options import apply_options
from glm_core.thinking import with_default_effort
from glm_core.types import ChatRequest, Message
from llama_index_glm.tools import resolve_tool_choice, tools_and_web_search

if TYPE_CHECKING:
    from llama_index_glm.base import GLM

__all__ = ["build_request"]


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
    request.extra_body = llm.extra_body
    if llm.additional_kwargs:
        apply_options(request, llm.additional_kwargs, tools_and_web_search)
    if kwargs:
        apply_options(request, kwargs, tools_and_web_search)
    if request.tool_choice is None and request.tools and llm.tool_choice is not None:
        request.tool_choice = resolve_tool_choice(llm.tool_choice)
    # The LLM's level is a default: a call's own level or thinking=False wins.
    return with_default_effort(request, llm.reasoning_effort)
