"""Shared pieces of the core unit tests: mock transports, SSE bodies, fake clocks.

The core tests never use the emulator: every response here is written by hand from the shapes in
shared/reference/providers.md, and served by an `httpx2.MockTransport` handler, so a bug in the
emulator cannot hide a bug in the core (or the other way round).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2

from glm_core import AsyncGLMClient, GLMClient, RetryPolicy

# Looks like a real key, so a leak is easy to spot in any message or repr.
KEY = "sk-TEST-9f8e7d6c5b4a3210-SECRET"
ACCOUNT = "acct0123"
SELF_HOSTED = "http://gpu-box:8000/v1"

SSE_HEADERS = {"content-type": "text/event-stream;charset=UTF-8"}

Reply = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


def client_kwargs(provider: str) -> dict[str, Any]:
    """What each provider needs to build a client (key, account id, base URL)."""
    kwargs: dict[str, Any] = {"api_key": KEY}
    if provider.startswith("cloudflare"):
        kwargs["account_id"] = ACCOUNT
    if provider in ("vllm", "sglang"):
        kwargs["base_url"] = SELF_HOSTED
    return kwargs


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers=headers)


def sse_body(*events: Any, done: bool = True) -> bytes:
    """An SSE body: dicts become `data: {json}` events, strings are written as they are."""
    parts = []
    for event in events:
        if isinstance(event, str):
            parts.append(event if event.endswith("\n\n") else event + "\n\n")
        else:
            parts.append(f"data: {json.dumps(event, ensure_ascii=False)}\n\n")
    if done:
        parts.append("data: [DONE]\n\n")
    return "".join(parts).encode()


class ChunkedStream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A response body delivered in the given pieces; optionally fails after them; records close."""

    def __init__(self, pieces: Iterable[bytes], error: Exception | None = None) -> None:
        self.pieces = list(pieces)
        self.error = error
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse_response(
    body: bytes, *, pieces: list[int] | None = None, error: Exception | None = None, status: int = 200
) -> httpx2.Response:
    """A streamed SSE response; `pieces` are the sizes of the chunks the body is cut into."""
    chunks: list[bytes] = []
    if pieces is None:
        chunks = [body]
    else:
        at = 0
        for size in pieces:
            chunks.append(body[at : at + size])
            at += size
        if at < len(body):
            chunks.append(body[at:])
    return httpx2.Response(status, headers=SSE_HEADERS, stream=ChunkedStream([c for c in chunks if c], error))


@dataclass
class Server:
    """A MockTransport handler that answers from a script and keeps every request it saw."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx2.Request] = field(default_factory=list)
    responses: list[httpx2.Response] = field(default_factory=list)
    # The body streams as handed out (the client wraps them later), to check they were closed.
    streams: list[Any] = field(default_factory=list)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request #{len(self.requests)} to {request.url}")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx2.Response):
            reply = reply(request)
        self.responses.append(reply)
        self.streams.append(reply.stream)
        return reply

    def all_closed(self) -> bool:
        """Whether every streamed body handed out was closed (non-streamed ones close themselves)."""
        return all(s.closed for s in self.streams if isinstance(s, ChunkedStream))

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    @property
    def body(self) -> dict[str, Any]:
        assert len(self.requests) == 1, f"expected one request, saw {len(self.requests)}"
        return self.bodies[0]


class FakeSleep:
    """Records the delays the client asked for instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class AsyncFakeSleep(FakeSleep):
    async def __call__(self, seconds: float) -> None:  # type: ignore[override]
        self.delays.append(seconds)


def no_jitter_policy(max_retries: int = 2) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, random=lambda: 0.0)


def make_client(provider: str, server: Server, **kwargs: Any) -> GLMClient:
    options = {**client_kwargs(provider), **kwargs}
    options.setdefault("sleep", FakeSleep())
    options.setdefault("retry_policy", no_jitter_policy())
    return GLMClient(provider, http_client=httpx2.Client(transport=httpx2.MockTransport(server)), **options)


def make_async_client(provider: str, server: Server, **kwargs: Any) -> AsyncGLMClient:
    options = {**client_kwargs(provider), **kwargs}
    options.setdefault("sleep", AsyncFakeSleep())
    options.setdefault("retry_policy", no_jitter_policy())
    return AsyncGLMClient(provider, http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)), **options)
