"""Whole (non-streamed) answers as LlamaIndex `ChatResponse` / `CompletionResponse`.

Usage goes in `additional_kwargs` and `raw["usage"]`; web search results, when the provider
returned some, in `additional_kwargs["web_search"]`. `complete()` keeps the reasoning in
`additional_kwargs["thinking"]`: a `CompletionResponse` has no blocks to hold it. An answer the
provider's content filter stopped (Z.ai `finish_reason: "sensitive"`) is flagged with
`additional_kwargs["refusal"]` (on the response and its message); structured prediction raises
`glm_core.RefusalError` for it.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import ChatResponse, CompletionResponse, LogProb

from glm_core.refusals import refusal_text
from glm_core.types import ChatResponse as GLMResponse
from llama_index_glm.messages import message_from_response
from llama_index_glm.usage import raw_with_usage, usage_kwargs

__all__ = ["chat_response", "completion_response", "flag_refusal", "to_logprobs"]


def to_logprobs(content: list[dict[str, Any]] | None) -> list[list[LogProb]] | None:
    """OpenAI-style `logprobs.content` as LlamaIndex's `ChatResponse.logprobs`: per token, its top
    alternatives (the token itself when none were asked for), as the OpenAI integration does."""
    if content is None:
        return None
    out = []
    for token in content:
        top = token.get("top_logprobs") or [token]
        out.append(
            [LogProb(token=t.get("token", ""), logprob=t.get("logprob", 0.0), bytes=t.get("bytes") or []) for t in top]
        )
    return out


def flag_refusal(response: GLMResponse, provider: str, *targets: dict[str, object]) -> None:
    """Put the refusal text in each of `targets` when the answer was refused."""
    text = refusal_text(response, provider)
    if text is not None:
        for target in targets:
            target["refusal"] = text


def chat_response(response: GLMResponse, provider: str) -> ChatResponse:
    extra = usage_kwargs(response.usage)
    if response.web_search:
        extra["web_search"] = response.web_search
    message = message_from_response(response)
    flag_refusal(response, provider, extra, message.additional_kwargs)
    return ChatResponse(
        message=message,
        raw=raw_with_usage(response.raw, response.usage),
        additional_kwargs=extra,
        logprobs=to_logprobs(response.logprobs),
    )


def completion_response(response: GLMResponse, provider: str) -> CompletionResponse:
    extra = usage_kwargs(response.usage)
    flag_refusal(response, provider, extra)
    if response.reasoning:
        extra["thinking"] = response.reasoning
    if response.web_search:
        extra["web_search"] = response.web_search
    return CompletionResponse(
        text=response.content, raw=raw_with_usage(response.raw, response.usage), additional_kwargs=extra
    )
