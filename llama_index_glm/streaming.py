"""Stream chunks in the shape LlamaIndex agents rely on (the unwritten streaming contract).

Every yielded `ChatResponse` carries the cumulative assistant message (ThinkingBlock, TextBlock,
ToolCallBlocks; tool calls also in `additional_kwargs["tool_calls"]`), `delta` = the new text,
and `additional_kwargs["thinking_delta"]` = the new reasoning. No chunk with reasoning is ever
skipped (the first one included), every tool call is accumulated by index (several may arrive in
one chunk), and the last chunk is the whole message with its usage in `raw["usage"]` and in
`additional_kwargs`: FunctionAgent stores the last chunk's message in its memory, and token
counters read only the last chunk.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import (
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    ToolCallBlock,
)

from glm_core.streams import AsyncChatStream, ChatStream
from glm_core.tool_policy import FirstCallOnly, keep_first_call
from glm_core.types import ChatChunk, ToolCall
from glm_core.types import ChatResponse as GLMResponse
from llama_index_glm.messages import assistant_message, message_from_response, tool_call_block
from llama_index_glm.responses import flag_refusal, to_logprobs
from llama_index_glm.usage import raw_with_usage, usage_kwargs

__all__ = [
    "StreamState",
    "astream_chat_responses",
    "astream_completion_responses",
    "stream_chat_responses",
    "stream_completion_responses",
]


class StreamState:
    """The running answer of one stream; `chat(chunk)` / `completion(chunk)` give what to yield."""

    __slots__ = (
        "_assembler",
        "_blocks",
        "_calls",
        "_had_usage",
        "_keep",
        "_last_was_complete",
        "_provider",
        "reasoning",
        "text",
    )

    def __init__(self, keep: FirstCallOnly | None = None, provider: str | None = None) -> None:
        self._keep = keep  # parallel calls not allowed: only the first call is kept
        self._provider = provider  # to flag a refused answer (finish_reason "sensitive")
        self.text = ""
        self.reasoning = ""
        self._calls: list[ToolCall] = []
        self._blocks: list[ToolCallBlock] = []
        # Whether the last response yielded was complete: tool arguments parsed, usage attached.
        self._last_was_complete = False
        self._had_usage = False

    def _add(self, chunk: ChatChunk) -> bool:
        """Fold a chunk in; False if it carries nothing worth yielding."""
        if chunk.content:
            self.text += chunk.content
        if chunk.reasoning:
            self.reasoning += chunk.reasoning
        complete = chunk.finish_reason is not None or chunk.usage is not None
        deltas = chunk.tool_calls
        if deltas and self._keep is not None:
            deltas = self._keep.deltas(deltas)
        if deltas:
            # The core's assembler placed each delta (index = the call's position) and left in it
            # only what is new: add them up, rebuilding only the calls this chunk touched.
            # New lists: the messages already yielded hold the old ones.
            calls = self._calls = list(self._calls)
            blocks = self._blocks = list(self._blocks)
            for delta in deltas:
                position = delta.index if delta.index is not None else max(len(calls) - 1, 0)
                while len(calls) <= position:
                    calls.append(ToolCall(id=f"call_{len(calls)}", name="", arguments=""))
                    blocks.append(tool_call_block(calls[-1], complete=False))
                call = calls[position]
                # An id or a name arrives once (the assembler drops repeats): the first one wins.
                calls[position] = call = ToolCall(
                    id=delta.id or call.id, name=delta.name or call.name, arguments=call.arguments + delta.arguments
                )
                blocks[position] = tool_call_block(call, complete=False)
        elif not (chunk.content or chunk.reasoning or complete or chunk.web_search):
            return False
        if complete and self._calls:
            self._blocks = [tool_call_block(c) for c in self._calls]
        self._last_was_complete = complete
        self._had_usage = chunk.usage is not None
        return True

    def chat(self, chunk: ChatChunk) -> ChatResponse | None:
        if not self._add(chunk):
            return None
        usage = chunk.usage
        message = assistant_message(
            self.text,
            self.reasoning or None,
            self._calls,
            reasoning_tokens=usage.reasoning_tokens if usage is not None else None,
            call_blocks=self._blocks,
        )
        extra: dict[str, Any] = {"thinking_delta": chunk.reasoning} if chunk.reasoning else {}
        if usage is not None:
            extra.update(usage_kwargs(usage))
        if chunk.web_search:
            extra["web_search"] = chunk.web_search
        if chunk.finish_reason is not None and self._provider is not None:
            flag_refusal(
                GLMResponse(finish_reason=chunk.finish_reason), self._provider, extra, message.additional_kwargs
            )
        return ChatResponse(
            message=message,
            delta=chunk.content,
            raw=raw_with_usage(chunk.raw, usage),
            additional_kwargs=extra,
            logprobs=to_logprobs(chunk.logprobs),  # this delta's tokens
        )

    def completion(self, chunk: ChatChunk) -> CompletionResponse | None:
        if not self._add(chunk):
            return None
        extra: dict[str, Any] = {"thinking_delta": chunk.reasoning} if chunk.reasoning else {}
        usage = chunk.usage
        if usage is not None:
            extra.update(usage_kwargs(usage))
            if self.reasoning:
                extra["thinking"] = self.reasoning
        return CompletionResponse(
            text=self.text, delta=chunk.content, raw=raw_with_usage(chunk.raw, usage), additional_kwargs=extra
        )

    def _needs_closing(self, final: GLMResponse) -> bool:
        # The last chunk already was the whole answer, unless usage came earlier than the end
        # or the stream closed without a finishing chunk.
        return not self._last_was_complete or (final.usage is not None and not self._had_usage)

    def close_chat(self, final: GLMResponse) -> ChatResponse | None:
        """One more (empty-delta) chunk holding the whole answer, if the last one was not it."""
        if not self._needs_closing(final):
            return None
        if self._keep is not None:
            keep_first_call(final)
        extra = usage_kwargs(final.usage)
        if final.web_search:
            extra["web_search"] = final.web_search
        message = message_from_response(final)
        if self._provider is not None:
            flag_refusal(final, self._provider, extra, message.additional_kwargs)
        return ChatResponse(
            message=message,
            delta="",
            raw=raw_with_usage(final.raw, final.usage),
            additional_kwargs=extra,
        )

    def close_completion(self, final: GLMResponse) -> CompletionResponse | None:
        if not self._needs_closing(final):
            return None
        extra = usage_kwargs(final.usage)
        if final.reasoning:
            extra["thinking"] = final.reasoning
        return CompletionResponse(
            text=final.content, delta="", raw=raw_with_usage(final.raw, final.usage), additional_kwargs=extra
        )


# The generators `stream_chat` & co return. The core stream was validated and encoded when it
# was created (a bad option raises at the call); it connects on the first iteration.


def stream_chat_responses(
    stream: ChatStream, keep: FirstCallOnly | None = None, provider: str | None = None
) -> ChatResponseGen:
    state = StreamState(keep, provider)
    with stream:
        for chunk in stream:
            response = state.chat(chunk)
            if response is not None:
                yield response
    closing = state.close_chat(stream.response)
    if closing is not None:
        yield closing


async def astream_chat_responses(
    stream: AsyncChatStream, keep: FirstCallOnly | None = None, provider: str | None = None
) -> ChatResponseAsyncGen:
    state = StreamState(keep, provider)
    async with stream:
        async for chunk in stream:
            response = state.chat(chunk)
            if response is not None:
                yield response
    closing = state.close_chat(stream.response)
    if closing is not None:
        yield closing


def stream_completion_responses(stream: ChatStream) -> CompletionResponseGen:
    state = StreamState()
    with stream:
        for chunk in stream:
            response = state.completion(chunk)
            if response is not None:
                yield response
    closing = state.close_completion(stream.response)
    if closing is not None:
        yield closing


async def astream_completion_responses(stream: AsyncChatStream) -> CompletionResponseAsyncGen:
    state = StreamState()
    async with stream:
        async for chunk in stream:
            response = state.completion(chunk)
            if response is not None:
                yield response
    closing = state.close_completion(stream.response)
    if closing is not None:
        yield closing
