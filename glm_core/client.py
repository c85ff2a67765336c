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
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2

from glm_core.dialects import fields
from glm_core.dialects.errors import answer_error, error_from_response
from glm_core.dialects.markers import MarkerSplittingDialect
from glm_core.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
from glm_core.endpoint import Endpoint, PreparedRequest
from glm_core.errors import (
    APITimeoutError,
    ConfigurationError,
    ResponseDecodeError,
    ToolCallRequiredError,
)
from glm_core.failures import check_answer
from glm_core.http import read_deadline, shared_async_client, shared_client, with_deadlines, without_shared
from glm_core.markers import clean_response, splits_markers
from glm_core.models import EffortLevel
from glm_core.pickling import client_reduce
from glm_core.providers import ProviderProfile
from glm_core.refusals import refused_instead
from glm_core.retrieval import aembed, arerank, embed, rerank
from glm_core.retry import DEFAULT_MAX_RETRIES, Attempts, RetryPolicy
from glm_core.streams import DEFAULT_MAX_EVENT_BYTES, AsyncChatStream, ChatStream
from glm_core.tokens import tokenizer_body, tokenizer_count
from glm_core.tool_policy import keep_first_call
from glm_core.types import ChatRequest, ChatResponse

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["DEFAULT_STREAM_IDLE_TIMEOUT", "DEFAULT_TIMEOUT", "AsyncGLMClient", "GLMClient"]

logger = logging.getLogger("glm_core")

# The SDK convention: 10 minutes for a whole non-streamed answer, 5 s to connect.
DEFAULT_TIMEOUT = 600.0
CONNECT_TIMEOUT = 5.0
# Between two stream events (langchain-openai's default): a long think still sends deltas.
DEFAULT_STREAM_IDLE_TIMEOUT = 120.0

TimeoutSetting = float | httpx2.Timeout | None
_T = TypeVar("_T")


class _ClientBase:
    _shared_http: bool  # no http_client was given: requests go through glm_core.http's shared clients

    def __init__(
        self,
        provider: str | ProviderProfile,
        *,
        api_key: str | SecretStr | None,
        base_url: str | None,
        account_id: str | None,
        timeout: TimeoutSetting,
        stream_idle_timeout: float | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        max_event_bytes: int,
        retry_policy: RetryPolicy | None,
        reasoning_effort: EffortLevel | None = None,
    ) -> None:
        self.endpoint = Endpoint(
            provider,
            api_key=api_key,
            base_url=base_url,
            account_id=account_id,
            default_headers=default_headers,
            reasoning_effort=reasoning_effort,
        )
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        if isinstance(timeout, httpx2.Timeout):
            self.timeout = timeout
        else:
            self.timeout = httpx2.Timeout(_seconds(timeout, "timeout", provider), connect=CONNECT_TIMEOUT)
        # The wall-clock deadline of one attempt: the whole non-streamed answer, or a stream's
        # first event (an httpx2.Timeout's read value stands for it).
        self.answer_timeout: float | None = self.timeout.read
        self.stream_idle_timeout = _seconds(stream_idle_timeout, "stream_idle_timeout", provider)
        # Per socket read, for transports the deadlines cannot reach (glm_core.http.with_deadlines).
        reads = [t for t in (self.answer_timeout, self.stream_idle_timeout) if t is not None]
        self.stream_timeout = httpx2.Timeout(
            connect=self.timeout.connect,
            read=max(reads) if len(reads) == 2 else None,
            write=self.timeout.write,
            pool=self.timeout.pool,
        )
        self.max_event_bytes = max_event_bytes
        self._urls: dict[str, httpx2.URL] = {}
        # Credential headers a pickle left out (glm_core.pickling), named at first use.
        self._dropped_headers: tuple[str, ...] = ()

    def _http_url(self, url: str) -> httpx2.URL:
        # httpx2 re-parses a str URL on every request (~70 us, half the cost of a whole mocked
        # call); a parsed URL is only copied. One entry per endpoint path, so the cache stays tiny.
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpx2.URL(url)
        return parsed

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        # The shared clients already send our user-agent and accept (glm_core.http.SHARED_HEADERS);
        # repeating them costs httpx2 a Python-level pop per header on every request.
        return without_shared(headers) if self._shared_http else headers

    @property
    def provider(self) -> ProviderProfile:
        return self.endpoint.provider

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider.id!r}, base_url={self.endpoint.base_url!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Never the key nor credential headers; see glm_core.pickling (an own http_client and a
        # custom sleep are not pickled either: the copy uses the shared client and real sleeps).
        return client_reduce(self)

    def _decode(self, prepared: PreparedRequest, response: httpx2.Response) -> ChatResponse:
        if response.status_code >= 400:
            raise answer_error(prepared, self.provider, response.status_code, response.headers, response.content)
        try:
            # Strict UTF-8 (json.loads on bytes lets encoded surrogates through); utf-8-sig skips a
            # BOM; json.loads skips the whitespace keep-alives OpenRouter may send before the body.
            data: Any = fields.loads(response.content.decode("utf-8-sig"))
        except fields.MalformedField as exc:
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body in which {exc}", provider=self.provider.id
            ) from None
        except (ValueError, RecursionError):
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body that is not JSON "
                f"(status {response.status_code}): {response.text[:200]!r}",
                provider=self.provider.id,
            ) from None
        answer = self.endpoint.dialect.decode_response(data)
        if splits_markers(prepared.model):
            answer = clean_response(answer)
        try:
            check_answer(prepared, answer, self.provider)
        except ToolCallRequiredError as missing:
            # The filter stopped the answer before any call: a refusal, returned flagged as such.
            if refused_instead(missing, self.provider) is None:
                raise
        return answer

    def _json_body(self, response: httpx2.Response) -> Any:
        """The decoded JSON of a non-chat answer (embeddings, rerank, tokenizer); an error status raises."""
        if response.status_code >= 400:
            raise error_from_response(self.provider, response.status_code, response.headers, response.content)
        try:
            return fields.loads(response.content.decode("utf-8-sig"))
        except (fields.MalformedField, ValueError, RecursionError):
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body that is not JSON "
                f"(status {response.status_code}): {response.text[:200]!r}",
                provider=self.provider.id,
            ) from None

    def _tokens(self, response: httpx2.Response) -> int:
        return tokenizer_count(self.provider, self._json_body(response))

    def _late(self, exc: Exception, timed_out: bool) -> Exception:
        if not timed_out or not isinstance(exc, httpx2.TimeoutException | TimeoutError):
            return exc
        return APITimeoutError(
            f"no whole answer from {self.provider.name} within timeout={self.answer_timeout}s "
            "(a wall-clock limit on each attempt; raise timeout=... for long answers, or stream)",
            provider=self.provider.id,
        )


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


def _one_call_if_asked(request: ChatRequest, answer: ChatResponse) -> ChatResponse:
    # parallel_tool_calls=False is not sent where the provider has no switch: keep the first call.
    if request.parallel_tool_calls is False:
        keep_first_call(answer)
    return answer


def _seconds(value: float | None, name: str, provider: str | ProviderProfile) -> float | None:
    """A timeout setting: a positive finite number of seconds, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        pid = provider.id if isinstance(provider, ProviderProfile) else provider
        raise ConfigurationError(
            f"{name}={value!r} is not a number of seconds; pass a positive number (or None for no limit)",
            provider=pid,
        )
    return float(value)
