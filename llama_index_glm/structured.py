"""Structured output through JSON (JSON schema or JSON mode), the alternative to function calling.

`json_schema` sends a `response_format` of type json_schema; providers that lack it natively
(Z.ai, BigModel, EmpirioLabs) get JSON mode plus the schema from glm_core, and the answer is
validated here against the pydantic class either way. `json_mode` never sends a schema in
`response_format`: JSON mode plus the schema in a system instruction, on every provider.

Example:
    >>> response_format_for(MyModel)                                    # doctest: +SKIP
    {'type': 'json_schema', 'json_schema': {'name': 'MyModel', 'schema': {...}}}
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.types import PydanticProgramMode
from pydantic import BaseModel

from glm_core.errors import RefusalError
from glm_core.structured import StructuredMethod, json_instruction
from glm_core.structured import response_format_for as _response_format

if TYPE_CHECKING:
    from llama_index.core.prompts.base import PromptTemplate

__all__ = [
    "JSONPlan",
    "StructuredCalls",
    "StructuredMethod",
    "json_messages",
    "parse_json_answer",
    "raise_if_refused",
    "response_format_for",
]

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def _schema(output_cls: type[BaseModel]) -> dict[str, Any]:
    return output_cls.model_json_schema()


def response_format_for(output_cls: type[BaseModel], method: StructuredMethod) -> dict[str, Any]:
    return _response_format(method, None if method == "json_mode" else _schema(output_cls), output_cls.__name__)


def json_messages(
    messages: list[ChatMessage], output_cls: type[BaseModel], method: StructuredMethod
) -> list[ChatMessage]:
    """JSON mode needs the schema in the prompt: add it as a system instruction."""
    if method != "json_mode":
        return messages
    instruction = json_instruction(_schema(output_cls))
    if messages and messages[0].role == MessageRole.SYSTEM and messages[0].content:
        first = ChatMessage(role=MessageRole.SYSTEM, content=f"{messages[0].content}\n\n{instruction}")
        return [first, *messages[1:]]
    return [ChatMessage(role=MessageRole.SYSTEM, content=instruction), *messages]


def raise_if_refused(response: ChatResponse) -> None:
    """A refused answer (flagged by glm_core: the provider's filter stopped it) has nothing to parse."""
    text = response.additional_kwargs.get("refusal") or response.message.additional_kwargs.get("refusal")
    if isinstance(text, str):
        raise RefusalError(f"{text}; nothing to parse. Rephrase the request.")


def parse_json_answer(output_cls: type[BaseModel], content: str | None) -> BaseModel:
    """Validate the answer against the class (a ```json fence, which some models add, is accepted)."""
    text = content or ""
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        return output_cls.model_validate_json(text)
    except ValueError as exc:
        raise ValueError(
            f"the model's JSON answer does not match {output_cls.__name__}: {exc}; answer was {text[:200]!r}"
        ) from exc


class JSONPlan:
    """One structured call through JSON: the messages and kwargs to send, and how to read answers."""

    __slots__ = ("kwargs", "messages", "output_cls")

    def __init__(
        self,
        output_cls: type[BaseModel],
        method: StructuredMethod,
        messages: list[ChatMessage],
        llm_kwargs: dict[str, Any],
    ) -> None:
        self.output_cls = output_cls
        self.messages = json_messages(messages, output_cls, method)
        self.kwargs = {**llm_kwargs, "response_format": response_format_for(output_cls, method)}
        self.kwargs.pop("tool_choice", None)

    def parse(self, response: ChatResponse) -> BaseModel:
        raise_if_refused(response)
        return parse_json_answer(self.output_cls, response.message.content)

    def partials(self, responses: Iterator[ChatResponse]) -> Iterator[Any]:
        """Partial objects as the JSON text streams in (LlamaIndex's incremental parser)."""
        from llama_index.core.program.streaming_utils import process_streaming_content_incremental

        current = None
        for response in responses:
            raise_if_refused(response)
            current = process_streaming_content_incremental(response, self.output_cls, current)
            yield current

    async def apartials(self, responses: AsyncIterator[ChatResponse]) -> AsyncIterator[Any]:
        from llama_index.core.program.streaming_utils import process_streaming_content_incremental

        current = None
        async for response in responses:
            raise_if_refused(response)
            current = process_streaming_content_incremental(response, self.output_cls, current)
            yield current


class StructuredCalls:
    """`GLM`'s structured output: JSON methods here, function calling through LlamaIndex's programs.

    A mixin placed before `FunctionCallingLLM`, whose methods `super()` reaches.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        structured_output_method: StructuredMethod
        pydantic_program_mode: Any

        def _extend_messages(self, messages: list[ChatMessage]) -> list[ChatMessage]: ...
        def chat(self, messages: Any, **kwargs: Any) -> ChatResponse: ...
        async def achat(self, messages: Any, **kwargs: Any) -> ChatResponse: ...
        def stream_chat(self, messages: Any, **kwargs: Any) -> Any: ...
        async def astream_chat(self, messages: Any, **kwargs: Any) -> Any: ...

    def _json_plan(
        self, output_cls: type[BaseModel], prompt: PromptTemplate, llm_kwargs: dict[str, Any], prompt_args: Any
    ) -> JSONPlan | None:
        """How to ask for `output_cls` as JSON, or None for LlamaIndex's programs (function calling)."""
        method: StructuredMethod = llm_kwargs.pop("structured_output_method", None) or self.structured_output_method
        if method == "function_calling" or self.pydantic_program_mode != PydanticProgramMode.DEFAULT:
            return None
        messages = self._extend_messages(prompt.format_messages(**prompt_args))
        return JSONPlan(output_cls, method, messages, llm_kwargs)

    def structured_predict(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        llm_kwargs = dict(llm_kwargs or {})
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return super().structured_predict(output_cls, prompt, llm_kwargs=llm_kwargs, **prompt_args)
        return plan.parse(self.chat(plan.messages, **plan.kwargs))

    async def astructured_predict(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        llm_kwargs = dict(llm_kwargs or {})
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return await super().astructured_predict(output_cls, prompt, llm_kwargs=llm_kwargs, **prompt_args)
        return plan.parse(await self.achat(plan.messages, **plan.kwargs))

    def _structured_stream_call(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        llm_kwargs = dict(llm_kwargs or {})
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return super()._structured_stream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        return plan.partials(self.stream_chat(plan.messages, **plan.kwargs))

    async def _structured_astream_call(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        llm_kwargs = dict(llm_kwargs or {})
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return await super()._structured_astream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        return plan.apartials(await self.astream_chat(plan.messages, **plan.kwargs))
