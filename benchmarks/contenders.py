"""The contenders, built the same way for every section.

In-process: each gets its own client on a mock transport that returns the emulator's bytes
(`Wire`). Over loopback: each gets the served emulator's URL and its own default HTTP client
(ours: the shared httpx2 clients; the wrappers: the openai SDK's httpx clients).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2

from benchmarks.common import API_KEY, MODEL, PROVIDER, SYSTEM_TEXT, USER_TEXT, Wire

__all__ = [
    "EmptyChatModel",
    "EmptyLLM",
    "FloorChatModel",
    "StreamFloorChatModel",
    "StreamFloorLLM",
    "Transports",
    "chat_glm",
    "chat_openai",
    "core_request",
    "glm_llm",
    "lc_messages",
    "li_messages",
    "openai_like",
]


# ---------------------------------------------------------------------------- inputs


def lc_messages() -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    return [SystemMessage(SYSTEM_TEXT), HumanMessage(USER_TEXT)]


def li_messages() -> list[Any]:
    from llama_index.core.base.llms.types import ChatMessage

    return [ChatMessage(role="system", content=SYSTEM_TEXT), ChatMessage(role="user", content=USER_TEXT)]


def core_request() -> Any:
    from glm_core.types import ChatRequest, SystemMessage, UserMessage

    return ChatRequest(MODEL, [SystemMessage(SYSTEM_TEXT), UserMessage(USER_TEXT)])


# ---------------------------------------------------------------------------- the floors


@functools.cache
def _empty_chat_model_class() -> type:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class EmptyChatModel(BaseChatModel):
        """LangChain's own per-call machinery and nothing else."""

        @property
        def _llm_type(self) -> str:
            return "empty"

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="Paris."))])

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            return self._generate(messages)

    return EmptyChatModel


@functools.cache
def _empty_llm_class() -> type:
    from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback
    from llama_index.core.llms.custom import CustomLLM

    class EmptyLLM(CustomLLM):
        """LlamaIndex's own per-call machinery and nothing else (chat goes through complete)."""

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(is_chat_model=True, model_name="empty")

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
            return CompletionResponse(text="Paris.")

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
            yield CompletionResponse(text="Paris.", delta="Paris.")

    return EmptyLLM


@functools.cache
def _floor_chat_model_class() -> type:
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class FloorChatModel(_empty_chat_model_class()):  # type: ignore[misc]
        """An empty BaseChatModel whose call is a bare httpx2 post and `json.loads` of the answer."""

        client: Any
        aclient: Any = None
        url: Any
        body: bytes
        headers: dict[str, str]

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
            data = json.loads(self.client.post(self.url, content=self.body, headers=self.headers).content)
            message = AIMessage(content=data["choices"][0]["message"]["content"])
            return ChatResult(generations=[ChatGeneration(message=message)])

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            response = await self.aclient.post(self.url, content=self.body, headers=self.headers)
            message = AIMessage(content=json.loads(response.content)["choices"][0]["message"]["content"])
            return ChatResult(generations=[ChatGeneration(message=message)])

    return FloorChatModel


@functools.cache
def _stream_floor_chat_model_class() -> type:
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk

    class StreamFloorChatModel(_empty_chat_model_class()):  # type: ignore[misc]
        """An empty BaseChatModel streaming GLMClient.stream's chunks as bare AIMessageChunks.

        The floor of the streaming target: LangChain's own stream machinery plus the core's SSE
        decoding, and nothing of ChatGLM's (no reasoning, tool-call or usage translation).
        """

        client: Any
        request: Any

        def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
            for chunk in self.client.stream(self.request):
                yield ChatGenerationChunk(message=AIMessageChunk(content=chunk.content))

    return StreamFloorChatModel


@functools.cache
def _stream_floor_llm_class() -> type:
    from llama_index.core.base.llms.types import ChatMessage, ChatResponse, ChatResponseGen
    from llama_index.core.llms.callbacks import llm_chat_callback

    class StreamFloorLLM(_empty_llm_class()):  # type: ignore[misc]
        """An empty CustomLLM whose stream_chat yields GLMClient.stream's chunks as bare ChatResponses."""

        client: Any
        request: Any

        @llm_chat_callback()
        def stream_chat(self, messages: Any, **kwargs: Any) -> ChatResponseGen:
            def gen() -> ChatResponseGen:
                text = ""
                for chunk in self.client.stream(self.request):
                    text += chunk.content
                    yield ChatResponse(message=ChatMessage(role="assistant", content=text), delta=chunk.content)

            return gen()

    return StreamFloorLLM


def StreamFloorChatModel(client: Any) -> Any:
    """The floor of the 1.3x streaming target for ChatGLM.stream."""
    return _stream_floor_chat_model_class()(client=client, request=core_request())


def StreamFloorLLM(client: Any) -> Any:
    """The floor of the 1.3x streaming target for GLM.stream_chat."""
    return _stream_floor_llm_class()(client=client, request=core_request())


def EmptyChatModel() -> Any:
    return _empty_chat_model_class()()


def EmptyLLM() -> Any:
    return _empty_llm_class()()


def bare_request(base_url: str, *, stream: bool = False) -> tuple[str, bytes, dict[str, str]]:
    """URL, pre-encoded body and headers of the benchmark request, for the bare clients."""
    messages = [{"role": "system", "content": SYSTEM_TEXT}, {"role": "user", "content": USER_TEXT}]
    body: dict[str, Any] = {"model": MODEL, "messages": messages}
    if stream:
        body["stream"] = True
    headers = {"content-type": "application/json", "authorization": f"Bearer {API_KEY}"}
    return base_url + "/chat/completions", json.dumps(body).encode(), headers


def FloorChatModel(http: httpx2.Client, base_url: str, ahttp: httpx2.AsyncClient | None = None) -> Any:
    """The floor of the 1.3x target: LangChain's per-call machinery plus a bare httpx2 post."""
    url, body, headers = bare_request(base_url)
    return _floor_chat_model_class()(client=http, aclient=ahttp, url=httpx2.URL(url), body=body, headers=headers)


# ---------------------------------------------------------------------------- transports


class Transports:
    """HTTP clients whose transports return the emulator's bytes: httpx2 for us, httpx for openai."""

    def __init__(self, wire: Wire, *, kind: str) -> None:
        self.wire = wire
        self.kind = kind  # "answer", "stream" or "huge"

    def _chunks(self) -> list[bytes]:
        return self.wire.stream_frames if self.kind == "stream" else self.wire.huge_chunks

    def _httpx2_response(self, request: httpx2.Request) -> httpx2.Response:
        if self.kind == "answer":
            return httpx2.Response(200, headers=self.wire.answer_headers, content=self.wire.answer)
        return httpx2.Response(200, headers=self.wire.stream_headers, content=iter(self._chunks()))

    async def _httpx2_async_response(self, request: httpx2.Request) -> httpx2.Response:
        if self.kind == "answer":
            return httpx2.Response(200, headers=self.wire.answer_headers, content=self.wire.answer)
        return httpx2.Response(200, headers=self.wire.stream_headers, content=_aiter(self._chunks()))

    def _httpx_response(self, request: httpx.Request) -> httpx.Response:
        if self.kind == "answer":
            return httpx.Response(200, headers=self.wire.answer_headers, content=self.wire.answer)
        return httpx.Response(200, headers=self.wire.stream_headers, content=iter(self._chunks()))

    async def _httpx_async_response(self, request: httpx.Request) -> httpx.Response:
        if self.kind == "answer":
            return httpx.Response(200, headers=self.wire.answer_headers, content=self.wire.answer)
        return httpx.Response(200, headers=self.wire.stream_headers, content=_aiter(self._chunks()))

    def httpx2(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self._httpx2_response))

    def httpx2_async(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self._httpx2_async_response))

    def httpx(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self._httpx_response))

    def httpx_async(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self._httpx_async_response))


async def _aiter(chunks: list[bytes]) -> Any:
    for chunk in chunks:
        yield chunk


# ---------------------------------------------------------------------------- the models


def chat_glm(transports: Transports | None = None, base_url: str | None = None, **kwargs: Any) -> Any:
    from langchain_glm import ChatGLM

    if transports is not None:
        kwargs.update(http_client=transports.httpx2(), http_async_client=transports.httpx2_async())
    return ChatGLM(model=MODEL, provider=PROVIDER, api_key=API_KEY, base_url=base_url, **kwargs)


def chat_openai(transports: Transports | None, base_url: str, **kwargs: Any) -> Any:
    from langchain_openai import ChatOpenAI

    if transports is not None:
        kwargs.update(http_client=transports.httpx(), http_async_client=transports.httpx_async())
    return ChatOpenAI(model=MODEL, base_url=base_url, api_key=API_KEY, **kwargs)


def glm_llm(transports: Transports | None = None, base_url: str | None = None, **kwargs: Any) -> Any:
    from llama_index_glm import GLM

    if transports is not None:
        kwargs.update(http_client=transports.httpx2(), async_http_client=transports.httpx2_async())
    return GLM(model=MODEL, provider=PROVIDER, api_key=API_KEY, base_url=base_url, **kwargs)


def openai_like(transports: Transports | None, base_url: str, **kwargs: Any) -> Any:
    from llama_index.llms.openai_like import OpenAILike

    if transports is not None:
        kwargs.update(http_client=transports.httpx(), async_http_client=transports.httpx_async())
    return OpenAILike(
        model=MODEL,
        api_base=base_url,
        api_key=API_KEY,
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=200_000,
        **kwargs,
    )


def glm_client(transports: Transports | None = None, base_url: str | None = None) -> Any:
    from glm_core import GLMClient

    http = transports.httpx2() if transports is not None else None
    return GLMClient(PROVIDER, api_key=API_KEY, base_url=base_url, http_client=http)


def async_glm_client(transports: Transports | None = None, base_url: str | None = None) -> Any:
    from glm_core import AsyncGLMClient

    http = transports.httpx2_async() if transports is not None else None
    return AsyncGLMClient(PROVIDER, api_key=API_KEY, base_url=base_url, http_client=http)


def drain(iterator: Iterator[Any]) -> Any:
    last = None
    for last in iterator:  # noqa: B007 - keep the last item
        pass
    return last
