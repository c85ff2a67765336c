"""Streamed answers: `ChatStream` (sync) and `AsyncChatStream`.

Both are iterated once, yield `ChatChunk`s as events arrive, and then hold the assembled
`ChatResponse` in `.response`. The rules (DESIGN.md, reliability policy):
- opening the stream and reading its first event are retried like a non-streamed call;
- once an event has reached you nothing is retried: a break raises `StreamInterruptedError`
  whose `partial` holds everything received, and a stream that ends without `[DONE]` or a
  finish reason is a break too, never a short answer; a stream that carried no answer at all
  (only `[DONE]`, or events without `choices`) is a `ResponseDecodeError`;
- an error object inside a 200 stream (`data: {"error": ...}` or `event: error`) is an error;
- deadlines are wall-clock, sync and async alike: the first event must arrive within `timeout`
  seconds of sending the request, and each later event within `stream_idle_timeout` seconds of
  the one before; keep-alive comments and bytes that do not complete an event do not count.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx2

from glm_core.assembly import StreamAssembler
from glm_core.dialects.errors import answer_error
from glm_core.errors import (
    APIConnectionError,
    APITimeoutError,
    ResponseDecodeError,
    ServerError,
    StreamInterruptedError,
)
from glm_core.failures import as_glm_error, check_answer
from glm_core.http import read_deadline
from glm_core.redaction import credential_values
from glm_core.retry import Attempts
from glm_core.stream_events import EventDecoder
from glm_core.types import ChatChunk, ChatResponse

if TYPE_CHECKING:
    from glm_core.client import AsyncGLMClient, GLMClient
    from glm_core.dialects import OpenAIChatDialect
    from glm_core.endpoint import PreparedRequest
    from glm_core.providers import ProviderProfile

__all__ = ["DEFAULT_MAX_EVENT_BYTES", "AsyncChatStream", "ChatStream", "as_glm_error", "check_answer"]

# httpx2's default cap is 1 MiB per event: too small for a long tool argument or a big JSON
# answer. 32 MiB bounds memory while fitting any answer a 128K-token output can produce.
DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024


class _StreamBase:
    def __init__(
        self, client: GLMClient | AsyncGLMClient, prepared: PreparedRequest, dialect: OpenAIChatDialect
    ) -> None:
        self._prepared = prepared
        self._provider: ProviderProfile = client.endpoint.provider
        self._dialect = dialect
        self._assembler = StreamAssembler(self._provider.id, prepared.tool_schemas)
        self._started = False
        self._final: ChatResponse | None = None
        self._first_wait = client.answer_timeout
        self._idle_wait = client.stream_idle_timeout
        self._max_event_bytes = client.max_event_bytes

    @property
    def response(self) -> ChatResponse:
        """The whole answer; available once the stream has been read to the end."""
        if self._final is None:
            raise RuntimeError("the stream has not been read to the end yet")
        return self._final

    def partial(self) -> ChatResponse:
        """Everything received so far."""
        return self._assembled()

    def _assembled(self) -> ChatResponse:
        """The answer assembled so far, stringified tool arguments parsed back (glm_core.arguments)."""
        response = self._assembler.response()
        if self._prepared.tool_schemas is not None:
            self._prepared.tool_schemas.fix_response(response)
        return response

    def _released(self) -> ChatChunk | None:
        """What the argument fixers still held when the stream ended (glm_core.assembly)."""
        return None if self._final is None else self._assembler.release()

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a stream can be iterated only once")
        self._started = True

    def _attempts(self, client: GLMClient | AsyncGLMClient) -> Attempts:
        return Attempts(client.retry_policy, self._provider, self._prepared.headers, "stream from ")

    def _late(self, first: bool) -> APITimeoutError:
        if first:
            what = f"within timeout={self._first_wait}s of the request (the time allowed for the first event)"
        else:
            what = f"within stream_idle_timeout={self._idle_wait}s of the previous one"
        return APITimeoutError(f"no event from {self._provider.name} {what}", provider=self._provider.id)

    def _interrupted(self, exc: BaseException) -> StreamInterruptedError:
        cause = as_glm_error(exc, self._provider, credential_values(self._prepared.headers))
        events = self._assembler.events
        return StreamInterruptedError(
            f"the stream from {self._provider.name} broke after {events} event(s): {cause}",
            provider=self._provider.id,
            partial=self._assembled(),
            cause=cause,
        )

    def _ended_before_first_event(self) -> APIConnectionError:
        # Nothing reached the caller, so this is retried like a failed connection.
        return APIConnectionError(
            f"the stream from {self._provider.name} ended before its first event", provider=self._provider.id
        )

    def _finish(self, done: bool) -> None:
        assembler = self._assembler
        if not done and assembler.finish_reason is None:
            raise self._interrupted(
                APIConnectionError("the stream ended without [DONE] or a finish reason", provider=self._provider.id)
            )
        final = self._assembled()
        nameless = next((i for i, call in enumerate(final.tool_calls, 1) if not call.name), None)
        if nameless is not None:
            raise ResponseDecodeError(
                f"the stream from {self._provider.name} ended with tool call {nameless} without a function name",
                provider=self._provider.id,
            )
        if final.finish_reason is None and not (final.content or final.reasoning or final.tool_calls):
            # Only [DONE], or events without choices: no answer, not an empty one.
            raise ResponseDecodeError(
                f"the stream from {self._provider.name} carried no answer ({assembler.events} event(s) without "
                "text, tool calls or a finish reason)",
                provider=self._provider.id,
            )
        if final.finish_reason != "network_error":
            self._final = final
        try:
            check_answer(self._prepared, final, self._provider)
        except ServerError as exc:
            # finish_reason network_error: the provider broke off after events reached the caller,
            # which is an interruption (with the partial), never a complete answer.
            raise self._interrupted(exc) from exc


def _deadline(now: float, seconds: float | None) -> float | None:
    return None if seconds is None else now + seconds


class ChatStream(_StreamBase):
    """A streamed answer (sync). Use it in a `with` block, or read it to the end.

    Example:
        >>> with client.stream(request) as stream:          # doctest: +SKIP
        ...     for chunk in stream:
        ...         print(chunk.reasoning or chunk.content, end="")
        ...     answer = stream.response
    """

    def __init__(self, client: GLMClient, prepared: PreparedRequest) -> None:
        super().__init__(client, prepared, client.endpoint.dialect)
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

    def _open(self) -> tuple[Iterator[ChatChunk], ChatChunk | None, EventDecoder]:
        client, prepared = self._client, self._prepared
        attempts = self._attempts(client)
        while True:
            response: httpx2.Response | None = None
            deadline = _deadline(time.monotonic(), self._first_wait)
            try:
                with read_deadline(deadline):
                    request = client.http.build_request(
                        "POST",
                        client._http_url(prepared.url),
                        content=prepared.content,
                        headers=client._headers(prepared.headers),
                        extensions={"timeout": client.stream_timeout.as_dict()},
                    )
                    response = client.http.send(request, stream=True)
                    if response.status_code >= 400:
                        raise answer_error(
                            prepared, self._provider, response.status_code, response.headers, response.read()
                        )
                    decoder = EventDecoder(self, response.headers, self._max_event_bytes)
                    if not response.headers.get("content-type", "").startswith("text/event-stream"):
                        decoder.check_content_type(response, response.read())
                events = self._events(response, decoder, deadline)
                first = next(events, None)
                if first is None and not decoder.done:
                    raise self._ended_before_first_event()
                self._http_response = response
                return events, first, decoder
            except Exception as exc:
                if response is not None:
                    response.close()
                if isinstance(exc, httpx2.TimeoutException) and deadline and time.monotonic() >= deadline:
                    exc = self._late(first=True)
                client.sleep(attempts.wait_after(exc))

    def _events(self, response: httpx2.Response, decoder: EventDecoder, deadline: float | None) -> Iterator[ChatChunk]:
        pieces = response.iter_bytes()
        first = True
        while True:
            try:
                with read_deadline(deadline):
                    piece = next(pieces, None)
            except httpx2.TimeoutException:
                if deadline is not None and time.monotonic() >= deadline:
                    raise self._late(first) from None
                raise
            if deadline is not None and time.monotonic() > deadline:
                raise self._late(first)
            for chunk in decoder.feed(piece):
                yield chunk
                first = False
                deadline = _deadline(time.monotonic(), self._idle_wait)
            if piece is None or decoder.done:
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
        released = self._released()
        if released is not None:
            yield released


class AsyncChatStream(_StreamBase):
    """A streamed answer (async). Use it in an `async with` block, or read it to the end.

    Example:
        >>> async with client.stream(request) as stream:    # doctest: +SKIP
        ...     async for chunk in stream:
        ...         print(chunk.content, end="")
    """

    def __init__(self, client: AsyncGLMClient, prepared: PreparedRequest) -> None:
        super().__init__(client, prepared, client.endpoint.dialect)
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

    async def _open(self) -> tuple[AsyncIterator[ChatChunk], ChatChunk | None, EventDecoder]:
        client, prepared = self._client, self._prepared
        attempts = self._attempts(client)
        loop = asyncio.get_running_loop()
        while True:
            response: httpx2.Response | None = None
            deadline = _deadline(loop.time(), self._first_wait)
            try:
                async with asyncio.timeout_at(deadline):
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
                        raise answer_error(prepared, self._provider, response.status_code, response.headers, body)
                    decoder = EventDecoder(self, response.headers, self._max_event_bytes)
                    if not response.headers.get("content-type", "").startswith("text/event-stream"):
                        decoder.check_content_type(response, await response.aread())
                events = self._events(response, decoder, deadline)
                first = await anext(events, None)
                if first is None and not decoder.done:
                    raise self._ended_before_first_event()
                self._http_response = response
                return events, first, decoder
            except Exception as exc:
                if response is not None:
                    await response.aclose()
                if isinstance(exc, TimeoutError | httpx2.TimeoutException) and deadline and loop.time() >= deadline:
                    exc = self._late(first=True)
                await client.sleep(attempts.wait_after(exc))

    async def _events(
        self, response: httpx2.Response, decoder: EventDecoder, deadline: float | None
    ) -> AsyncIterator[ChatChunk]:
        loop = asyncio.get_running_loop()
        pieces = response.aiter_bytes()
        first = True
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    piece = await anext(pieces, None)
            except (TimeoutError, httpx2.TimeoutException):
                if deadline is not None and loop.time() >= deadline:
                    raise self._late(first) from None
                raise
            for chunk in decoder.feed(piece):
                yield chunk
                first = False
                deadline = _deadline(loop.time(), self._idle_wait)
            if piece is None or decoder.done:
                return

    async def _iterate(self) -> AsyncIterator[ChatChunk]:
        events, chunk, decoder = await self._open()
        try:
            while chunk is not None:
                self._assembler.add(chunk)
                yield chunk
                try:
                    chunk = await anext(events, None)
                except Exception as exc:
                    raise self._interrupted(exc) from exc
        finally:
            await self.aclose()
        self._finish(decoder.done)
        released = self._released()
        if released is not None:
            yield released
