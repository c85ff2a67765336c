"""Reading OpenAI-style answers: a whole completion, or one stream event, into canonical types.

The decoding half of `OpenAIChatDialect` (a base class of it), through the strict readers of
`glm_core.dialects.fields`: a value of the wrong type anywhere is one `ResponseDecodeError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glm_core.dialects import fields
from glm_core.dialects.errors import error_from_body
from glm_core.errors import ResponseDecodeError
from glm_core.types import ChatChunk, ChatResponse, ToolCall, ToolCallDelta, Usage

if TYPE_CHECKING:
    from glm_core.providers import ProviderProfile

__all__ = ["OpenAIChatDecoding", "decode_usage"]


class OpenAIChatDecoding:
    """Answers and stream events in the OpenAI chat-completions shape."""

    __slots__ = ()

    provider: ProviderProfile

    def unwrap(self, data: Any) -> dict[str, Any]:
        """The completion object inside a decoded non-streamed body."""
        if not isinstance(data, dict):
            raise ResponseDecodeError(
                f"expected a JSON object from {self.provider.name}, got {type(data).__name__}",
                provider=self.provider.id,
            )
        if data.get("error") or data.get("object") == "error" or data.get("success") is False:
            # An error body with status 200 (Cloudflare's success:false, SGLang's object:error,
            # proxies passing errors on). A null `error` field next to choices is not an error.
            raise error_from_body(self.provider, 200, data, {})
        return data

    def decode_response(self, data: Any) -> ChatResponse:
        completion = self.unwrap(data)
        try:
            choices: Any = completion.get("choices")
            choice = choices[0] if isinstance(choices, list) and choices else None
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(choice, dict) or not isinstance(message, dict):
                raise ResponseDecodeError(
                    f"{self.provider.name} answered without choices[0].message", provider=self.provider.id
                )
            response = self._choice_response(choice, message, completion)
            response.usage = decode_usage(completion.get("usage"))
            response.web_search = fields.items(completion.get("web_search"), "web_search") or None
            others = fields.items(choices[1:], "choices")
            if others:  # n > 1: every other answer, in order
                response.alternatives = [
                    self._choice_response(c, fields.mapping(c.get("message"), "message"), completion) for c in others
                ]
            return response
        except fields.DECODE_FAILURES as exc:
            raise self.malformed("answer", exc) from None

    def _choice_response(
        self, choice: dict[str, Any], message: dict[str, Any], completion: dict[str, Any]
    ) -> ChatResponse:
        """One choice's answer; raises `MalformedField` on a value of the wrong type."""
        return ChatResponse(
            content=fields.text(message.get("content"), "message.content"),
            reasoning=_reasoning_of(message) or None,
            tool_calls=[
                _decode_tool_call(c, i) for i, c in enumerate(fields.items(message.get("tool_calls"), "tool_calls"))
            ],
            finish_reason=fields.label(choice.get("finish_reason"), "finish_reason"),
            model=fields.label(completion.get("model"), "model"),
            id=fields.optional_text(completion.get("id"), "id"),
            provider=self.provider.id,
            raw=completion,
            logprobs=_logprobs_of(choice),
        )

    def decode_event(self, event: dict[str, Any]) -> ChatChunk:
        """One `data:` object of a stream (the caller has already checked it for `error`)."""
        try:
            return self._decode_event(event)
        except fields.DECODE_FAILURES as exc:
            raise self.malformed("stream event", exc) from None

    def malformed(self, what: str, exc: BaseException) -> ResponseDecodeError:
        """The one error for a value of the wrong type anywhere in a body or an event."""
        detail = str(exc) if isinstance(exc, fields.MalformedField) else f"{type(exc).__name__}: {str(exc)[:200]}"
        return ResponseDecodeError(f"{self.provider.name} sent a malformed {what}: {detail}", provider=self.provider.id)

    def _decode_event(self, event: dict[str, Any]) -> ChatChunk:
        chunk = ChatChunk(
            model=fields.label(event.get("model"), "model"),
            id=fields.optional_text(event.get("id"), "id"),
            raw=event,
        )
        choices = fields.items(event.get("choices"), "choices")
        if choices:
            choice = choices[0]
            delta = fields.mapping(choice.get("delta"), "delta")
            if delta:
                content = fields.text(delta.get("content"), "delta.content")
                if content:
                    chunk.content = content
                reasoning = _reasoning_of(delta)
                if reasoning:
                    chunk.reasoning = reasoning
                calls = fields.items(delta.get("tool_calls"), "delta.tool_calls")
                if calls:
                    chunk.tool_calls = [_decode_tool_call_delta(c) for c in calls]
            chunk.finish_reason = fields.label(choice.get("finish_reason"), "finish_reason")
            if choice.get("logprobs"):
                chunk.logprobs = _logprobs_of(choice)
        usage = event.get("usage")
        if usage:
            chunk.usage = decode_usage(usage)
        web_search = fields.items(event.get("web_search"), "web_search")
        if web_search:
            chunk.web_search = web_search
        return chunk


def _reasoning_of(message: dict[str, Any]) -> str:
    # Z.ai/SGLang: reasoning_content; vLLM and Cloudflare: both; OpenRouter: reasoning (+details).
    text = fields.text(message.get("reasoning_content"), "reasoning_content") or fields.text(
        message.get("reasoning"), "reasoning"
    )
    if text:
        return text
    details = fields.items(message.get("reasoning_details"), "reasoning_details")
    return "".join(fields.text(d.get("text"), "reasoning_details.text") for d in details)


def _logprobs_of(choice: dict[str, Any]) -> list[dict[str, Any]] | None:
    # OpenAI shape {"content": [{token, logprob, bytes, top_logprobs}]}; null where not asked for.
    logprobs = choice.get("logprobs")
    if logprobs is None:
        return None
    content = fields.mapping(logprobs, "logprobs").get("content")
    return fields.items(content, "logprobs.content") or None


def _decode_tool_call(call: dict[str, Any], position: int) -> ToolCall:
    function = call.get("function")
    if not isinstance(function, dict):
        raise fields.MalformedField(f"tool call {position + 1} has no function object")
    name = fields.text(function.get("name"), "tool_call.name")
    if not name:
        raise fields.MalformedField(f"tool call {position + 1} has no function name")
    return ToolCall(
        id=fields.optional_text(call.get("id"), "tool_call.id") or f"call_{position}",
        name=name,
        arguments=fields.arguments(function.get("arguments"), "tool_call.arguments"),
        type=fields.label(call.get("type"), "tool_call.type") or "function",
    )


def _decode_tool_call_delta(call: dict[str, Any]) -> ToolCallDelta:
    # A delta may leave `function` out (an id-only piece); null in its place is malformed.
    function = fields.mapping(call.get("function", {}), "tool_call.function", nullable=False)
    return ToolCallDelta(
        # None when the server left it out: the stream's assembler places the call (by id).
        index=fields.index(call.get("index"), "tool_call.index"),
        id=fields.optional_text(call.get("id"), "tool_call.id"),
        name=fields.text(function.get("name"), "tool_call.name") or None,
        arguments=fields.arguments(function.get("arguments"), "tool_call.arguments"),
    )


def decode_usage(usage: Any) -> Usage | None:
    """The token counts of a `usage` object (None when there is none); raises `MalformedField`."""
    if not usage:
        return None
    usage = fields.mapping(usage, "usage")
    prompt = fields.count(usage.get("prompt_tokens"), "usage.prompt_tokens") or 0
    completion = fields.count(usage.get("completion_tokens"), "usage.completion_tokens") or 0
    total = fields.count(usage.get("total_tokens"), "usage.total_tokens")
    prompt_details = fields.mapping(usage.get("prompt_tokens_details"), "usage.prompt_tokens_details")
    completion_details = fields.mapping(usage.get("completion_tokens_details"), "usage.completion_tokens_details")
    return Usage(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=total or prompt + completion,
        cached_tokens=fields.count(prompt_details.get("cached_tokens"), "usage.cached_tokens"),
        reasoning_tokens=fields.count(completion_details.get("reasoning_tokens"), "usage.reasoning_tokens"),
        raw=usage,
    )
