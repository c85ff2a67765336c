"""Running one streamed call, sync or async, and keeping what came out (chunks, answer or error)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from glm_core import ChatChunk, ChatRequest, ChatResponse, UserMessage
from tests.core.helpers import Reply, Server, make_async_client, make_client

MODES = ["sync", "async"]


@dataclass
class Outcome:
    chunks: list[ChatChunk]
    response: ChatResponse | None
    error: BaseException | None
    server: Server
    delays: list[float]

    def raised(self) -> BaseException:
        assert self.error is not None, f"expected an error, got {self.response!r}"
        return self.error

    def answer(self) -> ChatResponse:
        if self.error is not None:
            raise AssertionError(f"expected an answer, got {self.error!r}") from self.error
        assert self.response is not None
        return self.response


def run_stream(
    mode: str,
    provider: str,
    replies: list[Reply],
    request: ChatRequest | None = None,
    **client_kwargs: Any,
) -> Outcome:
    """Stream `request` against a server answering `replies`, read to the end (or to the error)."""
    server = Server(list(replies))
    request = request or ChatRequest("glm-4.7" if provider == "aimlapi" else "glm-4.7-flash", [UserMessage("Hi")])
    chunks: list[ChatChunk] = []
    if mode == "sync":
        client = make_client(provider, server, **client_kwargs)
        try:
            with client.stream(request) as stream:
                for chunk in stream:
                    chunks.append(chunk)
        except Exception as exc:
            return Outcome(chunks, None, exc, server, client.sleep.delays)  # type: ignore[attr-defined]
        return Outcome(chunks, stream.response, None, server, client.sleep.delays)  # type: ignore[attr-defined]

    async def go() -> Outcome:
        client = make_async_client(provider, server, **client_kwargs)
        try:
            async with client.stream(request) as stream:
                async for chunk in stream:
                    chunks.append(chunk)
        except Exception as exc:
            return Outcome(chunks, None, exc, server, client.sleep.delays)  # type: ignore[attr-defined]
        return Outcome(chunks, stream.response, None, server, client.sleep.delays)  # type: ignore[attr-defined]

    return asyncio.run(go())
