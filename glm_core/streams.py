"""Streamed answers: `ChatStream` (sync) and `AsyncChatStream`.

Both are iterated once, yield `ChatChunk`s as events arrive, and then hold the assembled
`ChatResponse` in `.response`. The rules (DESIGN.md, reliability policy):
- opening the stream and reading its first event are retried like a non-streamed call;
- once an event has reached you nothing is retried: a break raises `StreamInterruptedError`
  whose `partial` holds everything received, and a stream that ends without `[DONE]` or a
  finish reason is a break too, never a short answer;
- an error object inside a 200 stream (`data: {"error": ...}` or `event: error`) is an error;
- no event for `stream_idle_timeout` seconds is a timeout, even if the server sends keep-alive
  comments (async); the sync stream relies on the socket read timeout for the same bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import httpx2

from glm_core.assembly import StreamAssembler
from glm_core.dialects.errors import error_from_body, error_from_response
from glm_core.errors import (
    APIConnectionError,
    APITimeoutError,
    GLMError,
    ResponseDecodeError,
    ServerError,
    StreamInterruptedError,
    ToolCallRequiredError,
)
from glm_core.types import ChatChunk, ChatResponse

if TYPE_CHECKING:
    from glm_core.client import AsyncGLMClient, GLMClient
    from glm_core.dialects import OpenAIChatDialect
    from glm_core.endpoint import PreparedRequest
    from glm_core.providers import ProviderProfile

__all__ = ["AsyncChatStream", "ChatStream", "as_glm_error", "check_answer"]

logger = logging.getLogger("glm_core")

# httpx2's default cap is 1 MiB per event: too small for a long tool argument or a big JSON
# answer. 32 MiB bounds memory while fitting any answer a 128K-token output can produce.
DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024


def as_glm_error(exc: BaseException, provider: ProviderProfile) -> GLMError:
    """The glm_core error for anything raised while talking to the provider."""
    if isinstance(exc, GLMError):
        return exc
    if isinstance(exc, httpx2.SSEError):
        return ResponseDecodeError(f"bad event stream from {provider.name}: {exc}", provider=provider.id)
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(f"{provider.name} did not answer in time ({type(exc).__name__})", provider=provider.id)
    if isinstance(exc, httpx2.TransportError | OSError):
        message = f"connection to {provider.name} failed: {type(exc).__name__}: {exc}"
        if _certificate_rejected(exc):
            # A certificate that does not verify now will not verify on a retry either.
            error = APIConnectionError(
                f"{message}. The server's TLS certificate is not trusted; for a private CA pass "
                "http_client=httpx2.Client(verify='/path/to/ca.pem')",
                provider=provider.id,
            )
            error.retryable = False
            return error
        return APIConnectionError(message, provider=provider.id)
    return ResponseDecodeError(f"unexpected answer from {provider.name}: {exc!r}", provider=provider.id)


def _certificate_rejected(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    for _ in range(8):  # httpx2 -> httpcore2 -> ssl: a short chain
        if cause is None:
            return False
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def check_answer(prepared: PreparedRequest, response: ChatResponse, provider: ProviderProfile) -> None:
    """Checks the client makes on every whole answer, streamed or not."""
    if response.finish_reason == "network_error":
        # Z.ai ends a generation that broke on its side this way (§1.7): not a complete answer.
        raise ServerError(
            f"{provider.name} stopped the answer with finish_reason 'network_error'",
            provider=provider.id,
            code="network_error",
            status_code=200,
        )
    required = prepared.tool_call_required
    if required is None:
        return
    names = {call.name for call in response.tool_calls}
    if required == "*" and names:
        return
    if required in names:
        return
    wanted = "a tool call" if required == "*" else f"a call to {required!r}"
    raise ToolCallRequiredError(
        f"{wanted} was required, but the model answered without one. {provider.name} only accepts "
        "tool_choice='auto', so the call could be asked for but not forced; retry, or rephrase the prompt",
        provider=provider.id,
        response=response,
    )


class _EventDecoder:
    """Turns SSE events into chunks; shared by the sync and async streams."""

    __slots__ = ("done", "headers", "provider", "stream")

    def __init__(self, stream: ChatStream | AsyncChatStream, headers: httpx2.Headers) -> None:
        self.stream = stream
        self.provider = stream._provider
        self.headers = headers
        self.done = False

    def check_content_type(self, response: httpx2.Response, body: bytes | None) -> None:
        content_type = response.headers.get("content-type", "")
        if content_type.partition(";")[0].strip().lower() == "text/event-stream":
            return
        # A JSON body instead of a stream: an error the provider sent with status 200.
        try:
            data: Any = json.loads(body or b"")
        except ValueError:
            data = None
        if isinstance(data, dict):
            self.stream._dialect.unwrap(data)  # raises the typed error if it is one
        raise ResponseDecodeError(
            f"{self.provider.name} answered a streaming request with {content_type or 'no content type'!r} "
            "instead of text/event-stream",
            provider=self.provider.id,
        )

    def decode(self, event: httpx2.ServerSentEvent) -> ChatChunk | None:
        data = event.data
        if data == "[DONE]":
            self.done = True
            return None
        if not data:
            return None
        try:
            payload = json.loads(data)
        except ValueError:
            raise ResponseDecodeError(
                f"{self.provider.name} sent an event that is not JSON: {data[:120]!r}", provider=self.provider.id
            ) from None
        if not isinstance(payload, dict):
            raise ResponseDecodeError(f"{self.provider.name} sent a non-object event", provider=self.provider.id)
        if (
            event.event == "error"
            or payload.get("error")
            or payload.get("object") == "error"  # SGLang's error shape (providers.md §5)
            or payload.get("success") is False
        ):
            raise error_from_body(self.provider, 200, payload, self.headers)
        return self.stream._dialect.decode_event(payload)


class _StreamBase:
    def __init__(self, prepared: PreparedRequest, provider: ProviderProfile, dialect: OpenAIChatDialect) -> None:
        self._prepared = prepared
        self._provider = provider
        self._dialect = dialect
        self._assembler = StreamAssembler(provider.id)
        self._started = False
        self._final: ChatResponse | None = None

    @property
    def response(self) -> ChatResponse:
        """The whole answer; available once the stream has been read to the end."""
        if self._final is None:
            raise RuntimeError("the stream has not been read to the end yet")
        return self._final

    def partial(self) -> ChatResponse:
        """Everything received so far."""
        return self._assembler.response()

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a stream can be iterated only once")
        self._started = True

    def _interrupted(self, exc: BaseException) -> StreamInterruptedError:
        cause = as_glm_error(exc, self._provider)
        events = self._assembler.events
        return StreamInterruptedError(
            f"the stream from {self._provider.name} broke after {events} event(s): {cause}",
            provider=self._provider.id,
            partial=self._assembler.response(),
            cause=cause,
        )

    def _ended_before_first_event(self) -> APIConnectionError:
        # Nothing reached the caller, so this is retried like a failed connection.
        return APIConnectionError(
            f"the stream from {self._provider.name} ended before its first event", provider=self._provider.id
        )

    def _finish(self, done: bool) -> None:
        if not done and self._assembler.finish_reason is None:
            raise self._interrupted(
                APIConnectionError("the stream ended without [DONE] or a finish reason", provider=self._provider.id)
            )
        final = self._assembler.response()
        if final.finish_reason != "network_error":
            self._final = final
        try:
            check_answer(self._prepared, final, self._provider)
        except ServerError as exc:
            # finish_reason network_error: the provider broke off after events reached the caller,
            # which is an interruption (with the partial), never a complete answer.
            raise self._interrupted(exc) from exc


class ChatStream(_StreamBase):
    """A streamed answer (sync). Use it in a `with` block, or read it to the end.

    Example:
        >>> with client.stream(request) as stream:          # doctest: +SKIP
        ...     for chunk in stream:
        ...         print(chunk.reasoning or chunk.content, end="")
        ...     answer = stream.response
    """

    def __init__(self, client: GLMClient, prepared: PreparedRequest) -> None:
        super().__init__(prepared, client.endpoint.provider, client.endpoint.dialect)
        self._client = client
        self._http_response: httpx2.Response | None = None

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._http_response is not None:
            self._http_response.close()

    def get_final_response(self) -> ChatResponse:
        """Read whatever is left and return the whole answer."""
        if not self._started:
            for _ in self:
                pass
        return self.response

    def __iter__(self) -> Iterator[ChatChunk]:
        self._start()
        return self._iterate()

    def _open(self) -> tuple[Iterator[ChatChunk], ChatChunk | None, _EventDecoder]:
        client, prepared = self._client, self._prepared
        attempt = 0
        while True:
            response: httpx2.Response | None = None
            try:
                request = client.http.build_request(
                    "POST",
                    client._http_url(prepared.url),
                    content=prepared.content,
                    headers=client._headers(prepared.headers),
                    extensions={"timeout": client.stream_timeout.as_dict()},
                )
                response = client.http.send(request, stream=True)
                if response.status_code >= 400:
                    raise error_from_response(self._provider, response.status_code, response.headers, response.read())
                decoder = _EventDecoder(self, response.headers)
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    decoder.check_content_type(response, response.read())
                events = self._events(response, decoder)
                first = next(events, None)
                if first is None and not decoder.done:
                    raise self._ended_before_first_event()
                self._http_response = response
                return events, first, decoder
            except Exception as exc:
                if response is not None:
                    response.close()
                error = as_glm_error(exc, self._provider)
                if not error.retryable or attempt >= client.retry_policy.max_retries:
                    raise error from (None if error is exc else exc)
                delay = client.retry_policy.delay(attempt, getattr(error, "retry_after", None))
                logger.info("retrying stream from %s in %.2fs: %s", self._provider.id, delay, error)
                client.sleep(delay)
                attempt += 1

    def _events(self, response: httpx2.Response, decoder: _EventDecoder) -> Iterator[ChatChunk]:
        for event in httpx2.EventSource(response, max_event_size=self._client.max_event_bytes):
            chunk = decoder.decode(event)
            if chunk is not None:
                yield chunk
            elif decoder.done:
                return

    def _iterate(self) -> Iterator[ChatChunk]:
        events, chunk, decoder = self._open()
        try:
            while chunk is not None:
                self._assembler.add(chunk)
                yield chunk
                try:
                    chunk = next(events, None)
                except Exception as exc:
                    raise self._interrupted(exc) from exc
        finally:
            self.close()
        self._finish(decoder.done)


class AsyncChatStream(_StreamBase):
    """A streamed answer (async). Use it in an `async with` block, or read it to the end.

    Example:
        >>> async with client.stream(request) as stream:    # doctest: +SKIP
        ...     async for chunk in stream:
        ...         print(chunk.content, end="")
    """

    def __init__(self, client: AsyncGLMClient, prepared: PreparedRequest) -> None:
        super().__init__(prepared, client.endpoint.provider, client.endpoint.dialect)
        self._client = client
        self._http_response: httpx2.Response | None = None

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http_response is not None:
            await self._http_response.aclose()

    async def get_final_response(self) -> ChatResponse:
        """Read whatever is left and return the whole answer."""
        if not self._started:
            async for _ in self:
                pass
        return self.response

    def __aiter__(self) -> AsyncIterator[ChatChunk]:
        self._start()
        return self._iterate()

    async def _next(self, events: AsyncIterator[ChatChunk]) -> ChatChunk | None:
        # The idle timeout counts between events, so keep-alive comments cannot hide a stall.
        async with asyncio.timeout(self._client.stream_idle_timeout):
            try:
                chunk: ChatChunk = await anext(events)
            except StopAsyncIteration:
                return None
            return chunk

    async def _open(self) -> tuple[AsyncIterator[ChatChunk], ChatChunk | None, _EventDecoder]:
        client, prepared = self._client, self._prepared
        attempt = 0
        while True:
            response: httpx2.Response | None = None
            try:
                request = client.http.build_request(
                    "POST",
                    client._http_url(prepared.url),
                    content=prepared.content,
                    headers=client._headers(prepared.headers),
                    extensions={"timeout": client.stream_timeout.as_dict()},
                )
                response = await client.http.send(request, stream=True)
                if response.status_code >= 400:
                    body = await response.aread()
                    raise error_from_response(self._provider, response.status_code, response.headers, body)
                decoder = _EventDecoder(self, response.headers)
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    decoder.check_content_type(response, await response.aread())
                events = self._events(response, decoder)
                first = await self._next(events)
                if first is None and not decoder.done:
                    raise self._ended_before_first_event()
                self._http_response = response
                return events, first, decoder
            except Exception as exc:
                if response is not None:
                    await response.aclose()
                error = _timeout_or(exc, self._provider)
                if not error.retryable or attempt >= client.retry_policy.max_retries:
                    raise error from (None if error is exc else exc)
                delay = client.retry_policy.delay(attempt, getattr(error, "retry_after", None))
                logger.info("retrying stream from %s in %.2fs: %s", self._provider.id, delay, error)
                await client.sleep(delay)
                attempt += 1

    async def _events(self, response: httpx2.Response, decoder: _EventDecoder) -> AsyncIterator[ChatChunk]:
        async for event in httpx2.EventSource(response, max_event_size=self._client.max_event_bytes):
            chunk = decoder.decode(event)
            if chunk is not None:
                yield chunk
            elif decoder.done:
                return

    async def _iterate(self) -> AsyncIterator[ChatChunk]:
        events, chunk, decoder = await self._open()
        try:
            while chunk is not None:
                self._assembler.add(chunk)
                yield chunk
                try:
                    chunk = await self._next(events)
                except Exception as exc:
                    raise self._interrupted(_timeout_or(exc, self._provider)) from exc
        finally:
            await self.aclose()
        self._finish(decoder.done)


def _timeout_or(exc: BaseException, provider: ProviderProfile) -> GLMError:
    if isinstance(exc, TimeoutError) and not isinstance(exc, GLMError):
        return APITimeoutError(f"no event from {provider.name} within the stream idle timeout", provider=provider.id)
    return as_glm_error(exc, provider)
