"""ChatGLM's calls: `invoke` / `ainvoke` / `stream` / `astream` and token counting, through the core client.

A mixin of `ChatGLM` (kept apart so the model class holds settings and the calls read alone):
each call builds the canonical request (`ChatGLM._request`), sends it, and turns the answer or
its chunks into LangChain objects; a glm_core error becomes its LangChain subclass.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage, convert_to_messages
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from glm_core.errors import GLMError
from glm_core.refusals import refusal_text
from glm_core.tokens import estimate_text_tokens, estimate_tokens
from glm_core.tool_policy import FirstCallOnly, first_call_only
from glm_core.types import ChatChunk, ChatRequest, ChatResponse, UserMessage
from langchain_glm.errors import to_langchain_error
from langchain_glm.messages import (
    chunk_message,
    response_metadata,
    to_ai_message,
    to_core_messages,
    tool_call_chunks,
    usage_to_metadata,
)
from langchain_glm.tools import convert_tools, tool_specs

__all__ = ["ChatCalls"]


class ChatCalls:
    """The call methods of `ChatGLM` (see there); it supplies `_request`, `provider`, the clients."""

    __slots__ = ()

    if TYPE_CHECKING:
        provider: str
        model: str
        stream_usage: bool
        exact_token_count: bool
        __pydantic_private__: dict[str, Any]

        def _request(
            self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
        ) -> ChatRequest: ...

    def _result(self, response: ChatResponse, request: ChatRequest) -> ChatResult:
        # No llm_output: LangChain would merge it into response_metadata, which already has
        # model_name and the provider's own usage object (token_usage).
        message = to_ai_message(response, request.model, self.provider)
        generations = [ChatGeneration(message=message)]
        for other in response.alternatives:  # n > 1
            generations.append(ChatGeneration(message=to_ai_message(other, request.model, self.provider)))
        return ChatResult(generations=generations)

    def _last_chunk(self, response: ChatResponse, request: ChatRequest, stream_usage: bool) -> ChatGenerationChunk:
        usage = response.usage if stream_usage else None
        refusal = refusal_text(response, self.provider)
        message = AIMessageChunk(
            content="",
            additional_kwargs={"refusal": refusal} if refusal is not None else {},
            response_metadata=response_metadata(response, request.model, self.provider),
            usage_metadata=usage_to_metadata(usage) if usage is not None else None,
            chunk_position="last",
            id=response.id,
        )
        return ChatGenerationChunk(message=message)

    # ------------------------------------------------------------------ calls

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._request(messages, stop, kwargs)
        try:
            response = self.__pydantic_private__["_client"].chat(request)
        except GLMError as exc:
            raise to_langchain_error(exc) from exc.__cause__
        return self._result(response, request)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._request(messages, stop, kwargs)
        try:
            response = await self.__pydantic_private__["_async_client"].chat(request)
        except GLMError as exc:
            raise to_langchain_error(exc) from exc.__cause__
        return self._result(response, request)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, kwargs)
        keep = first_call_only(request)
        try:
            with self.__pydantic_private__["_client"].stream(request) as stream:
                for chunk in stream:
                    piece = _piece(chunk, keep)
                    if piece is not None:
                        if run_manager:
                            run_manager.on_llm_new_token(chunk.content, chunk=piece)
                        yield piece
                response = stream.response
        except GLMError as exc:
            raise to_langchain_error(exc) from exc.__cause__
        last = self._last_chunk(response, request, kwargs.get("stream_usage", self.stream_usage))
        if run_manager:
            run_manager.on_llm_new_token("", chunk=last)
        yield last

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        request = self._request(messages, stop, kwargs)
        keep = first_call_only(request)
        try:
            async with self.__pydantic_private__["_async_client"].stream(request) as stream:
                async for chunk in stream:
                    piece = _piece(chunk, keep)
                    if piece is not None:
                        if run_manager:
                            await run_manager.on_llm_new_token(chunk.content, chunk=piece)
                        yield piece
                response = stream.response
        except GLMError as exc:
            raise to_langchain_error(exc) from exc.__cause__
        last = self._last_chunk(response, request, kwargs.get("stream_usage", self.stream_usage))
        if run_manager:
            await run_manager.on_llm_new_token("", chunk=last)
        yield last

    # ------------------------------------------------------------------ token counting

    def get_num_tokens(self, text: str) -> int:
        """GLM tokens in `text` (no transformers needed; see `exact_token_count`)."""
        if self.exact_token_count:
            return self._count(ChatRequest(self.model, [UserMessage(text)]))
        return estimate_text_tokens(text)

    def get_num_tokens_from_messages(self, messages: list[BaseMessage], tools: Sequence[Any] | None = None) -> int:
        """Prompt tokens of `messages` (and `tools`) as GLM counts them, chat template included.

        The offline estimate is within 6% of Z.ai's billed prompt tokens on captured English
        requests (`glm_core.tokens`); `exact_token_count=True` asks Z.ai's tokenizer instead.

        Example:
            >>> trim_messages(history, max_tokens=4000, token_counter=llm)   # doctest: +SKIP
        """
        request = ChatRequest(self.model, to_core_messages(convert_to_messages(messages)))
        if tools:
            request.tools = tool_specs(convert_tools(tools))[0] or None
        return self._count(request) if self.exact_token_count else estimate_tokens(request)

    def _count(self, request: ChatRequest) -> int:
        try:
            return self.__pydantic_private__["_client"].count_tokens(request)
        except GLMError as exc:
            raise to_langchain_error(exc) from exc.__cause__


def _piece(chunk: ChatChunk, keep: FirstCallOnly | None) -> ChatGenerationChunk | None:
    """The LangChain chunk for one stream event, or None when it carries nothing new."""
    deltas = chunk.tool_calls
    if deltas and keep is not None:
        deltas = keep.deltas(deltas)  # parallel_tool_calls=False: only the first call
    calls = tool_call_chunks(deltas) if deltas else None
    if not (chunk.content or chunk.reasoning or calls):
        return None
    message = chunk_message(chunk.content, chunk.reasoning, calls, chunk.id)
    if chunk.logprobs:
        # Chunks add up: LangChain concatenates the lists into the whole answer's logprobs.
        message.response_metadata["logprobs"] = {"content": chunk.logprobs}
    return ChatGenerationChunk(message=message)
