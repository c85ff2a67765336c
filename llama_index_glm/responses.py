"""Whole (non-streamed) answers as LlamaIndex `ChatResponse` / `CompletionResponse`.

Usage goes in `additional_kwargs` and `raw["usage"]`; web search results, when the provider
returned some, in `additional_kwargs["web_search"]`. `complete()` keeps the reasoning in
`additional_kwargs["thinking"]`: a `CompletionResponse` has no blocks to hold it.
"""

from __future__ import annotations

from llama_index.core.base.llms.types import ChatResponse, CompletionResponse

from glm_core.types import ChatResponse as GLMResponse
from llama_index_glm.messages import message_from_response
from llama_index_glm.usage import raw_with_usage, usage_kwargs

__all__ = ["chat_response", "completion_response"]


def chat_response(response: GLMResponse) -> ChatResponse:
    extra = usage_kwargs(response.usage)
    if response.web_search:
        extra["web_search"] = response.web_search
    return ChatResponse(
        message=message_from_response(response),
        raw=raw_with_usage(response.raw, response.usage),
        additional_kwargs=extra,
    )


def completion_response(response: GLMResponse) -> CompletionResponse:
    extra = usage_kwargs(response.usage)
    if response.reasoning:
        extra["thinking"] = response.reasoning
    if response.web_search:
        extra["web_search"] = response.web_search
    return CompletionResponse(
        text=response.content, raw=raw_with_usage(response.raw, response.usage), additional_kwargs=extra
    )
