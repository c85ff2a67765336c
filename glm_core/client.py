"""`GLMClient` and `AsyncGLMClient`: one chat call, streamed or not, on any provider.

They own the HTTP side: the (shared) httpx2 client, timeouts, and the retry loop, which is the
only retry layer (the adapters never retry). Requests are validated and encoded by the endpoint
before anything is sent.

Example:
    >>> client = GLMClient("zai", api_key="...")                      # doctest: +SKIP
    >>> answer = client.chat(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
    >>> answer.reasoning, answer.content
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2

from glm_core.client_base import (
    DEFAULT_STREAM_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    TimeoutSetting,
    _ClientBase,
    _one_call_if_asked,
)
from glm_core.dialects.markers import MarkerSplittingDialect
from glm_core.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
from glm_core.http import read_deadline, shared_async_client, shared_client, with_deadlines
from glm_core.markers import splits_markers
from glm_core.models import EffortLevel, ModelProfile
from glm_core.providers import ProviderProfile
from glm_core.retrieval import aembed, arerank, embed, rerank
from glm_core.retry import DEFAULT_MAX_RETRIES, Attempts, RetryPolicy
from glm_core.streams import DEFAULT_MAX_EVENT_BYTES, AsyncChatStream, ChatStream
from glm_core.tokens import tokenizer_body
from glm_core.types import ChatRequest, ChatResponse

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["DEFAULT_STREAM_IDLE_TIMEOUT", "DEFAULT_TIMEOUT", "AsyncGLMClient", "GLMClient"]

_T = TypeVar("_T")


class GLMClient(_ClientBase):
    """A synchronous client for one provider.

    Args:
        provider: a provider id ("zai", "cloudflare", "vllm", ...) or a `ProviderProfile`.
        api_key: the key; default from the provider's env var (e.g. `ZAI_API_KEY`).
        base_url: overrides the provider's URL (required for vllm / sglang).
        account_id: Cloudflare's account id; default from `CLOUDFLARE_ACCOUNT_ID`.
        timeout: wall-clock seconds for one attempt at a whole non-streamed answer, and for a
            stream's first event (from sending the request); a body trickled a byte at a time
            does not extend it. Connecting has 5 s of it. An `httpx2.Timeout` sets each phase;
            its `read` value is then the wall-clock limit. None: no limit.
        stream_idle_timeout: wall-clock seconds allowed between two stream events; keep-alive
            comments and partial events do not reset it. None: no limit.
        max_retries: retries after the first attempt (see `glm_core.retry`).
        http_client: your own `httpx2.Client` (proxies, transports); by default a shared one.
        reasoning_effort: the level for requests that set none ("low", "high", "max", ...;
            checked per model, see `glm_core.thinking`).
        model_profile: facts you know better than the catalogue for the model(s) you call: a
            `ModelProfile`, or a dict of its fields (`{"inputs": {"text", "image"}}` for a
            self-hosted vision fine-tune). Requests are then checked against them.

    Example:
        >>> client = GLMClient("zai", api_key="...")                  # doctest: +SKIP
        >>> client.chat(ChatRequest("glm-4.7", [UserMessage("Hi")])).content
    """

    def __init__(
        self,
        provider: str | ProviderProfile = "zai",
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        account_id: str | None = None,
        timeout: TimeoutSetting = DEFAULT_TIMEOUT,
        stream_idle_timeout: float | None = DEFAULT_STREAM_IDLE_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        retry_policy: RetryPolicy | None = None,
        reasoning_effort: EffortLevel | None = None,
        model_profile: ModelProfile | Mapping[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            provider,
            api_key=api_key,
            base_url=base_url,
            account_id=account_id,
            timeout=timeout,
            stream_idle_timeout=stream_idle_timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            max_event_bytes=max_event_bytes,
            retry_policy=retry_policy,
            reasoning_effort=reasoning_effort,
            model_profile=model_profile,
        )
        self._own_http = None if http_client is None else with_deadlines(http_client)
        self._shared_http = http_client is None
        self.sleep = sleep

    @property
    def http(self) -> httpx2.Client:
        return self._own_http if self._own_http is not None else shared_client()

    def chat(self, request: ChatRequest) -> ChatResponse:
        """Send one request and return the whole answer (retrying what the policy allows)."""
        prepared = self.endpoint.prepare(request, stream=False)
        return self._post(
            prepared.url,
            prepared.content,
            prepared.headers,
            lambda response: _one_call_if_asked(request, self._decode(prepared, response)),
        )

    def _post(self, url: str, content: bytes, headers: dict[str, str], read: Callable[[httpx2.Response], _T]) -> _T:
        """POST with the one retry loop (glm_core.retry.Attempts), each attempt under the wall-clock
        deadline; `read` decodes the answer inside the loop, so an error it finds is retried too."""
        attempts = Attempts(self.retry_policy, self.provider, headers)
        while True:
            deadline = None if self.answer_timeout is None else time.monotonic() + self.answer_timeout
            try:
                with read_deadline(deadline):
                    response = self.http.post(
                        self._http_url(url),
                        content=content,
                        headers=self._headers(headers),
                        # What timeout=self.timeout becomes, without httpx2 copying the Timeout per call.
                        extensions={"timeout": self.timeout.as_dict()},
                    )
                return read(response)
            except Exception as exc:
                timed_out = deadline is not None and time.monotonic() >= deadline
                self.sleep(attempts.wait_after(self._late(exc, timed_out)))

    def stream(self, request: ChatRequest) -> ChatStream:
        """Validate and encode now; connect when the returned stream is iterated."""
        stream = ChatStream(self, self.endpoint.prepare(request, stream=True))
        if splits_markers(stream._prepared.model):  # vision models: box/think markers (glm_core.markers)
            stream._dialect = MarkerSplittingDialect(stream._dialect)
        return stream

    def request_json(self, path: str, body: dict[str, Any], decode: Callable[[Any], _T]) -> _T:
        """POST `body` to `path` (after the base URL) with this client's retries; `decode` the JSON
        answer inside the retry loop, so an error it finds in a 200 body is retried like any other."""
        url, content, headers = self.endpoint.json_request(path, body)
        return self._post(url, content, headers, lambda response: decode(self._json_body(response)))

    def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """Embed `request.texts`: checked, split into the provider's batches, sent concurrently
        (each batch retried on its own), vectors in input order. See `glm_core.retrieval`."""
        return embed(self, request)

    def rerank(self, request: RerankRequest) -> RerankResponse:
        """Score documents against a query; results best first."""
        return rerank(self, request)

    def count_tokens(self, request: ChatRequest) -> int:
        """The exact prompt tokens of `request`, counted by the provider's tokenizer endpoint (Z.ai).

        Providers without one raise `InvalidRequestError`; `glm_core.tokens.estimate_tokens`
        counts offline everywhere (within a few percent on English, see its docstring).
        """
        url, content, headers = tokenizer_body(self.endpoint, request)
        return self._post(url, content, headers, self._tokens)

    def close(self) -> None:
        """Close your own http_client if you passed one; the shared client stays open."""
        if self._own_http is not None:
            self._own_http.close()


class AsyncGLMClient(_ClientBase):
    """The asyncio twin of `GLMClient` (same arguments; `http_client` is an `httpx2.AsyncClient`).

    Example:
        >>> client = AsyncGLMClient("cloudflare", api_key="...", account_id="...")   # doctest: +SKIP
        >>> answer = await client.chat(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
    """

    def __init__(
        self,
        provider: str | ProviderProfile = "zai",
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        account_id: str | None = None,
        timeout: TimeoutSetting = DEFAULT_TIMEOUT,
        stream_idle_timeout: float | None = DEFAULT_STREAM_IDLE_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        retry_policy: RetryPolicy | None = None,
        reasoning_effort: EffortLevel | None = None,
        model_profile: ModelProfile | Mapping[str, Any] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            provider,
            api_key=api_key,
            base_url=base_url,
            account_id=account_id,
            timeout=timeout,
            stream_idle_timeout=stream_idle_timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            max_event_bytes=max_event_bytes,
            retry_policy=retry_policy,
            reasoning_effort=reasoning_effort,
            model_profile=model_profile,
        )
        self._own_http = http_client
        self._shared_http = http_client is None
        self.sleep = sleep

    @property
    def http(self) -> httpx2.AsyncClient:
        return self._own_http if self._own_http is not None else shared_async_client()

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Send one request and return the whole answer (retrying what the policy allows)."""
        prepared = self.endpoint.prepare(request, stream=False)
        return await self._post(
            prepared.url,
            prepared.content,
            prepared.headers,
            lambda response: _one_call_if_asked(request, self._decode(prepared, response)),
        )

    async def _post(
        self, url: str, content: bytes, headers: dict[str, str], read: Callable[[httpx2.Response], _T]
    ) -> _T:
        """The asyncio twin of `GLMClient._post`."""
        attempts = Attempts(self.retry_policy, self.provider, headers)
        loop = asyncio.get_running_loop()
        while True:
            deadline = None if self.answer_timeout is None else loop.time() + self.answer_timeout
            try:
                async with asyncio.timeout_at(deadline):
                    response = await self.http.post(
                        self._http_url(url),
                        content=content,
                        headers=self._headers(headers),
                        # What timeout=self.timeout becomes, without httpx2 copying the Timeout per call.
                        extensions={"timeout": self.timeout.as_dict()},
                    )
                return read(response)
            except Exception as exc:
                timed_out = deadline is not None and loop.time() >= deadline
                await self.sleep(attempts.wait_after(self._late(exc, timed_out)))

    def stream(self, request: ChatRequest) -> AsyncChatStream:
        """Validate and encode now; connect when the returned stream is iterated."""
        stream = AsyncChatStream(self, self.endpoint.prepare(request, stream=True))
        if splits_markers(stream._prepared.model):  # vision models: box/think markers (glm_core.markers)
            stream._dialect = MarkerSplittingDialect(stream._dialect)
        return stream

    async def request_json(self, path: str, body: dict[str, Any], decode: Callable[[Any], _T]) -> _T:
        """The asyncio twin of `GLMClient.request_json`."""
        url, content, headers = self.endpoint.json_request(path, body)
        return await self._post(url, content, headers, lambda response: decode(self._json_body(response)))

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """Embed `request.texts`, batches sent concurrently (see `GLMClient.embed`)."""
        return await aembed(self, request)

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """Score documents against a query; results best first."""
        return await arerank(self, request)

    async def count_tokens(self, request: ChatRequest) -> int:
        """The exact prompt tokens of `request` from the provider's tokenizer (see `GLMClient.count_tokens`)."""
        url, content, headers = tokenizer_body(self.endpoint, request)
        return await self._post(url, content, headers, self._tokens)

    async def aclose(self) -> None:
        """Close your own http_client if you passed one; the shared client stays open."""
        if self._own_http is not None:
            await self._own_http.aclose()
